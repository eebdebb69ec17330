# The PostgreSQL search engine's table (articles/search/postgres.py). SearchDocument has
# required_db_vendor = "postgresql": on SQLite this migration creates nothing.

import articles.models
import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0005_stories'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchDocument',
            fields=[
                ('id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('headline', models.TextField()),
                ('language', models.CharField(max_length=2)),
                ('source_id', models.BigIntegerField()),
                ('published', models.DateField(null=True)),
                ('year', models.IntegerField()),
                ('published_sort', models.IntegerField()),
                ('story', models.BigIntegerField()),
                ('copy', models.SmallIntegerField()),
                ('topics', django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), size=None)),
                ('entities', django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), size=None)),
                ('digest', models.CharField(max_length=32)),
                ('text', articles.models.AnalysedVectorField()),
                ('text_exact', articles.models.AnalysedVectorField()),
                ('text_en', articles.models.AnalysedVectorField()),
                ('title', articles.models.AnalysedVectorField()),
            ],
            options={
                'required_db_vendor': 'postgresql',
                'indexes': [django.contrib.postgres.indexes.GinIndex(fields=['text'], name='searchdoc_text'), django.contrib.postgres.indexes.GinIndex(fields=['text_exact'], name='searchdoc_text_exact'), django.contrib.postgres.indexes.GinIndex(fields=['text_en'], name='searchdoc_text_en'), django.contrib.postgres.indexes.GinIndex(fields=['title'], name='searchdoc_title'), django.contrib.postgres.indexes.GinIndex(fields=['topics'], name='searchdoc_topics'), django.contrib.postgres.indexes.GinIndex(fields=['entities'], name='searchdoc_entities')],
            },
        ),
    ]

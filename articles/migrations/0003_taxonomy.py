from __future__ import annotations

from typing import Any

from django.db import migrations

# The taxonomy as it was when this migration was written; curators edit it in the admin after.
TAXONOMY = [
    ("world", "World", "Thế giới"),
    ("politics", "Politics", "Chính trị"),
    ("society", "Society", "Xã hội"),
    ("business", "Business", "Kinh doanh"),
    ("technology", "Technology", "Công nghệ"),
    ("science", "Science", "Khoa học"),
    ("health", "Health", "Sức khỏe"),
    ("sport", "Sport", "Thể thao"),
    ("culture", "Culture and entertainment", "Văn hóa – Giải trí"),
    ("law", "Law", "Pháp luật"),
    ("lifestyle", "Lifestyle", "Đời sống"),
]


def create_topics(apps: Any, schema_editor: Any) -> None:
    Topic = apps.get_model("articles", "Topic")
    for slug, name_en, name_vi in TAXONOMY:
        Topic.objects.get_or_create(slug=slug, defaults={"name_en": name_en, "name_vi": name_vi})


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_topics")]
    operations = [migrations.RunPython(create_topics, migrations.RunPython.noop)]

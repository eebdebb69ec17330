# The PostgreSQL search engine's vectors kept in the row (not in TOAST), and the accents-kept
# vector stored once when it equals the folded one. Ranking reads the vectors of every match:
# at 100,000 articles a search for "market" (16,046 matches) spent 260 ms fetching them from
# TOAST and 80 ms with them in the row. SearchDocument has required_db_vendor = "postgresql":
# on SQLite this migration changes nothing.

from django.db import migrations, models

TABLE = "articles_searchdocument"
VECTORS = ("text", "text_exact", "text_en", "title")


def keep_in_row(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    # toast_tuple_target 8160: a row is moved to TOAST only past one 8 kB page (the default,
    # 2 kB, sent every article's body vectors there); STORAGE MAIN: a vector leaves the row
    # only when the row cannot fit otherwise.
    schema_editor.execute(f"ALTER TABLE {quote(TABLE)} SET (toast_tuple_target = 8160)")
    schema_editor.execute(
        f"ALTER TABLE {quote(TABLE)} "
        + ", ".join(f"ALTER COLUMN {quote(name)} SET STORAGE MAIN" for name in VECTORS)
    )
    # Rows written before: new values (`|| ''`) are stored by the new rules.
    schema_editor.execute(
        f"UPDATE {quote(TABLE)} SET exact_as_text = (text = text_exact), "
        "text_exact = CASE WHEN text = text_exact THEN ''::tsvector "
        "ELSE text_exact || ''::tsvector END, "
        "text = text || ''::tsvector, text_en = text_en || ''::tsvector, "
        "title = title || ''::tsvector"
    )


def back_to_toast(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    schema_editor.execute(
        f"UPDATE {quote(TABLE)} SET text_exact = text WHERE exact_as_text"
    )
    schema_editor.execute(f"ALTER TABLE {quote(TABLE)} RESET (toast_tuple_target)")
    schema_editor.execute(
        f"ALTER TABLE {quote(TABLE)} "
        + ", ".join(f"ALTER COLUMN {quote(name)} SET STORAGE EXTENDED" for name in VECTORS)
    )


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0015_workspace_language'),
    ]

    operations = [
        migrations.AddField(
            model_name='searchdocument',
            name='exact_as_text',
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(keep_in_row, back_to_toast),
    ]

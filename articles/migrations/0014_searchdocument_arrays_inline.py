# The PostgreSQL search engine's facet arrays (topics, entities) kept in the row. Every search
# counts them over all its matches; a row whose vectors fill most of its 8 kB page had its
# arrays moved to TOAST (they were the only values allowed to leave it), so counting read a
# TOAST page per match: at 100,000 articles, for "chính phủ" (13,334 matches) 20 ms per facet
# instead of 11. SearchDocument has required_db_vendor = "postgresql": on SQLite this
# migration changes nothing.

from django.db import migrations

TABLE = "articles_searchdocument"
ARRAYS = ("topics", "entities")


def keep_in_row(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    schema_editor.execute(
        f"ALTER TABLE {quote(TABLE)} "
        + ", ".join(f"ALTER COLUMN {quote(name)} SET STORAGE MAIN" for name in ARRAYS)
    )
    # Rows written before: new values (`|| '{}'`) are stored by the new rule.
    schema_editor.execute(
        f"UPDATE {quote(TABLE)} SET "
        + ", ".join(f"{quote(name)} = {quote(name)} || '{{}}'::text[]" for name in ARRAYS)
    )


def back_to_toast(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    schema_editor.execute(
        f"ALTER TABLE {quote(TABLE)} "
        + ", ".join(f"ALTER COLUMN {quote(name)} SET STORAGE EXTENDED" for name in ARRAYS)
    )


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0012_searchdocument_inline'),
    ]

    operations = [
        migrations.RunPython(keep_in_row, back_to_toast),
    ]

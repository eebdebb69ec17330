"""manage.py verify_index: compare the search index with the database; --repair fixes it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.indexing import drain, verify


class Command(BaseCommand):
    help = (
        "Compare every search document with the article it comes from: missing, extra "
        "(hidden or deleted), stale and duplicated documents. --repair queues each difference "
        "and indexes it. Exits non-zero when differences remain."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repair", action="store_true", help="queue and re-index differences")

    def handle(self, *args: Any, repair: bool, **options: Any) -> None:
        found = verify(repair=repair)
        self.stdout.write(found.summary())
        if not found.ids:
            self.stdout.write("index and database agree")
            return
        for name in ("missing", "extra", "stale", "duplicated"):
            ids = getattr(found, name)
            if ids:
                shown = ", ".join(map(str, ids[:20])) + (" ..." if len(ids) > 20 else "")
                self.stdout.write(f"{name}: {shown}")
        if not repair:
            raise CommandError("index and database differ: run `manage.py verify_index --repair`")
        self.stdout.write(f"queued {len(found.ids)} articles; indexed {drain(strict=True)}")
        after = verify()
        self.stdout.write(after.summary())
        if after.ids:
            raise CommandError("differences remain after the repair (see the log)")
        self.stdout.write("index and database agree")

"""manage.py process_index_queue: Index the articles queued for the search index."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from articles.indexing import drain, missing_fields, pending, requeue_all


class Command(BaseCommand):
    help = "Index every article whose search document is queued (run after a failed write)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild-if-outdated",
            action="store_true",
            help="re-index everything when the index on disk lacks a field",
        )

    def handle(self, *args: Any, rebuild_if_outdated: bool, **options: Any) -> None:
        if rebuild_if_outdated and (missing := missing_fields()):
            self.stdout.write(
                f"index lacks {', '.join(sorted(missing))}: re-indexing {requeue_all()} articles"
            )
        written = drain()
        self.stdout.write(f"indexed {written}, still queued {pending()}")

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from articles.indexing import drain, pending


class Command(BaseCommand):
    help = "Index every article whose search document is queued (run after a failed write)."

    def handle(self, *args: Any, **options: Any) -> None:
        written = drain()
        self.stdout.write(f"indexed {written}, still queued {pending()}")

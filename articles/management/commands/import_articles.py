"""manage.py import_articles: Import crawled text pages, HTML pages and JSON Lines feeds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.ingest import ManifestError, import_paths, read_manifest


class Command(BaseCommand):
    help = "Import crawled text pages, HTML pages and JSON Lines feeds (files or folders)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--manifest", type=Path, help="JSON Lines: what a curator knows per file"
        )

    def handle(self, *args: Any, paths: list[Path], manifest: Path | None, **options: Any) -> None:
        try:
            known = read_manifest(manifest) if manifest else None
        except (OSError, ManifestError) as exc:
            raise CommandError(f"cannot read manifest {manifest}: {exc}") from exc
        report = import_paths(paths, manifest=known, max_bytes=settings.IMPORT_MAX_BYTES)
        for failure in report.failures:
            self.stderr.write(f"failed: {failure.name}: {failure.reason}")
        self.stdout.write(report.summary())

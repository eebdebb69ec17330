"""manage.py import_articles: Import crawled text pages, HTML pages and JSON Lines feeds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.ingest import ManifestError, import_paths, read_manifest


class Command(BaseCommand):
    help = (
        "Import crawled text pages, HTML pages and JSON Lines feeds (files or folders). "
        "Each input that cannot be imported is reported as failed and the rest go on; "
        "an input imported without part of it (a URL that is not http(s)) is a warning. "
        "Exits non-zero if the search index could not be written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--manifest", type=Path, help="JSON Lines: what a curator knows per file"
        )

    def handle(self, *args: Any, paths: list[Path], manifest: Path | None, **options: Any) -> None:
        max_bytes = settings.IMPORT_MAX_BYTES
        try:
            known = read_manifest(manifest, max_bytes=max_bytes) if manifest else None
        except (OSError, ManifestError) as exc:
            raise CommandError(f"cannot read manifest {manifest}: {exc}") from exc
        report = import_paths(paths, manifest=known, max_bytes=max_bytes)
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning.name}: {warning.reason}")
        for failure in report.failures:
            self.stderr.write(f"failed: {failure.name}: {failure.reason}")
        self.stdout.write(report.summary())
        if report.index_failed:
            # The articles are saved and queued; the next drain (process_index_queue, or the
            # next save anywhere) indexes them once the cause (disk full, ...) is fixed.
            raise CommandError(
                "the search index was not updated; the imported articles stay queued: run "
                "`manage.py process_index_queue` once the cause is fixed"
            )

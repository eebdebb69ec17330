"""manage.py import_articles: Import crawled text pages, HTML pages and JSON Lines feeds."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from articles.ingest import ImportReport, ManifestError, count_inputs, import_paths, read_manifest

# Without a terminal (a log, cron, CI): one plain line this often instead of a bar.
PLAIN_EVERY = 30.0


class Command(BaseCommand):
    help = (
        "Import crawled text pages, HTML pages and JSON Lines feeds (files or folders). "
        "Each input that cannot be imported is reported as failed and the rest go on; "
        "an input imported without part of it (a URL that is not http(s)) is a warning. "
        "Indexes what it imported at its end, unless --no-index. "
        "Exits non-zero if the search index could not be written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--manifest", type=Path, help="JSON Lines: what a curator knows per file"
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="processes that extract, classify and link while this one writes (default 1)",
        )
        parser.add_argument(
            "--no-index",
            action="store_true",
            help="leave the imported articles queued for the index worker instead of indexing "
            "them at the end",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="print the final counts only"
        )

    def handle(
        self,
        *args: Any,
        paths: list[Path],
        manifest: Path | None,
        jobs: int,
        no_index: bool,
        no_progress: bool,
        **options: Any,
    ) -> None:
        if jobs < 1:
            raise CommandError("--jobs must be at least 1")
        max_bytes = settings.IMPORT_MAX_BYTES
        try:
            known = read_manifest(manifest, max_bytes=max_bytes) if manifest else None
        except (OSError, ManifestError) as exc:
            raise CommandError(f"cannot read manifest {manifest}: {exc}") from exc
        shown = not no_progress and int(options["verbosity"]) >= 1
        # The stream under Django's wrapper, which would end each of the bar's redraws with
        # a line break.
        stream: TextIO = getattr(self.stderr, "_out", sys.stderr)
        total = count_inputs(paths, max_bytes=max_bytes) if shown else 0
        progress = _Progress(stream, total) if shown else None
        try:
            report = import_paths(
                paths,
                manifest=known,
                max_bytes=max_bytes,
                jobs=jobs,
                index=not no_index,
                progress=progress,
            )
        finally:
            if progress is not None:
                progress.close()
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning.name}: {warning.reason}")
        for failure in report.failures:
            self.stderr.write(f"failed: {failure.name}: {failure.reason}")
        self.stdout.write(report.summary())
        if report.index_failed:
            # The articles are saved and queued; the index worker (or process_index_queue)
            # indexes them once the cause (disk full, ...) is fixed.
            raise CommandError(
                "the search index was not updated; the imported articles stay queued: run "
                "`manage.py process_index_queue` once the cause is fixed"
            )


class _Progress:
    """Done/total, rate and time left: a bar on a terminal, else a plain line now and then."""

    def __init__(self, stream: TextIO, total: int) -> None:
        self.stream = stream
        self.total = total
        self.started = self.last_line = time.monotonic()
        self.indexing = False
        self.bar: tqdm[Any] | None = None
        if stream.isatty():
            self.bar = tqdm(total=total, unit=" articles", file=stream, dynamic_ncols=True)

    def __call__(self, report: ImportReport) -> None:
        done = report.counts.total() + len(report.failures)
        if report.indexing is not None and not self.indexing:
            self.indexing = True
            self._line(f"indexing {report.indexing} queued articles")
            return
        if self.bar is not None:
            self.bar.update(done - self.bar.n)
        elif time.monotonic() - self.last_line >= PLAIN_EVERY:
            elapsed = time.monotonic() - self.started
            self._line(tqdm.format_meter(done, max(self.total, done), elapsed, unit=" articles"))

    def _line(self, text: str) -> None:
        self.last_line = time.monotonic()
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        else:
            self.stream.write(f"{text}\n")
            self.stream.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

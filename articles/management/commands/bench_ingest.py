"""manage.py bench_ingest: import throughput against a raw Whoosh writer, with time per stage."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

from articles.evaluation.ingest_benchmark import run, write_feed
from articles.models import Article

TARGET = 0.5


class Command(BaseCommand):
    help = (
        "Import N real corpus articles into an empty database (make bench-ingest makes one) "
        "and compare its throughput with a raw Whoosh writer's on the same documents."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--articles", type=int, default=2000)
        parser.add_argument("--jobs", type=int, default=2, help="import_articles --jobs")
        parser.add_argument(
            "--worker",
            action="store_true",
            help="run the index worker beside the import (as make run does); without it the "
            "import indexes everything at its end, in big batches",
        )

    def handle(self, *args: Any, articles: int, jobs: int, worker: bool, **options: Any) -> None:
        if Article.objects.exists():
            raise CommandError("bench_ingest needs an empty database (make bench-ingest)")
        with tempfile.TemporaryDirectory() as folder:
            feed = Path(folder) / "feed.jsonl"
            total = write_feed(settings.CORPORA_DIR, feed, articles)
            # Timed as production runs: without DEBUG's log of every query.
            with override_settings(DEBUG=False):
                result = run(feed, jobs=jobs, total=total, worker=worker)
        imported, raw = result.imported, result.raw
        beside = "with" if worker else "without"
        self.stdout.write(
            f"import --jobs {jobs}, {beside} the index worker: {result.report.summary()}"
        )
        self.stdout.write(
            f"  import      {imported.articles:6d} articles  {imported.wall:7.1f} s wall "
            f"{imported.cpu:7.1f} s CPU  {imported.rate:6.1f} articles/s"
        )
        self.stdout.write(
            f"  raw Whoosh  {raw.articles:6d} documents {raw.wall:7.1f} s wall "
            f"{raw.cpu:7.1f} s CPU  {raw.rate:6.1f} documents/s (one writer, one commit)"
        )
        self.stdout.write(
            f"  throughput ratio {result.ratio:.2f} (target {TARGET}); "
            f"CPU per article {1000 * imported.cpu / max(1, imported.articles):.1f} ms vs "
            f"{1000 * raw.cpu / max(1, raw.articles):.1f} ms"
        )
        self.stdout.write("  seconds per stage (summed over the import's processes):")
        for stage, seconds in result.stages.items():
            self.stdout.write(f"    {stage:24s} {seconds:7.1f}")
        self.stdout.write(
            "  resident memory: "
            + ", ".join(f"{mb:.0f} MB at {done}" for done, mb in result.memory)
        )

"""manage.py bench_stories: CPU seconds per filed article at 1,000 articles and at 20,000."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.evaluation import story_benchmark
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Build an archive of corpus articles with made-up dates in an empty database; print "
        "the CPU cost of filing an article into a story at each size asked for."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--at", default="1000,20000", help="archive sizes to measure at, comma-separated"
        )
        parser.add_argument("--per-day", type=float, default=8.0, help="made-up publication rate")
        parser.add_argument("--block", type=int, default=500, help="articles timed per size")
        parser.add_argument("--corpora", type=Path, default=settings.CORPORA_DIR)
        parser.add_argument(
            "--profile", action="store_true", help="print cProfile's top functions, last block"
        )

    def handle(
        self,
        *args: Any,
        at: str,
        per_day: float,
        block: int,
        corpora: Path,
        profile: bool,
        **options: Any,
    ) -> None:
        if Article.objects.exists():
            raise CommandError(
                "bench_stories builds its own archive and needs an empty database: run "
                "`make bench-stories`, which gives it one"
            )
        try:
            points = sorted({int(point) for point in at.split(",")})
        except ValueError:
            raise CommandError(f"--at takes sizes like 1000,20000, not {at!r}") from None
        if not points or points[0] < block:
            raise CommandError(f"each size in --at must be at least --block ({block})")

        def progress(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        blocks, report = story_benchmark.build(
            corpora, points, per_day=per_day, block=block, profile=profile, progress=progress
        )
        first, last = blocks[0], blocks[-1]
        self.stdout.write(
            f"filing cost at {last.last} articles / at {first.last}: "
            f"{last.per_article:.4f} / {first.per_article:.4f} CPU s per article = "
            f"{last.per_article / first.per_article:.2f}x  (flat: about 1x)"
        )
        if report:
            self.stdout.write(report)

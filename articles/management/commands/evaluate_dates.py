"""manage.py evaluate_dates: share of articles dated from their text alone, and correct."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.evaluation import dates as evaluation


class Command(BaseCommand):
    help = (
        "Date Reuters-21578, VNTC and the demo seeds from their text alone (no feed date); "
        "print per set the articles, the share dated and the share of those with the right day."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--corpora", type=Path, default=settings.CORPORA_DIR)
        parser.add_argument("--demo", type=Path, default=settings.BASE_DIR / "demo")
        parser.add_argument("--limit", type=int, help="only the first N articles of each corpus")
        parser.add_argument(
            "--examples", type=int, default=evaluation.EXAMPLES, help="wrong dates shown per set"
        )

    def handle(
        self,
        *args: Any,
        corpora: Path,
        demo: Path,
        limit: int | None,
        examples: int,
        **options: Any,
    ) -> None:
        reuters = corpora / "en_reuters21578.jsonl"
        vntc = corpora / "vi_vntc_sample.jsonl"
        for path in (reuters, vntc, demo / "manifest.jsonl"):
            if not path.is_file():
                raise CommandError(f"no file at {path}")
        reuters_report = evaluation.evaluate(
            "reuters", evaluation.read_reuters(reuters, limit), examples=examples
        )
        vntc_report = evaluation.evaluate(
            "vntc", evaluation.read_vntc(vntc, limit), examples=examples
        )
        demo_report = evaluation.evaluate("demo", evaluation.read_demo(demo), examples=examples)
        self.stdout.write(evaluation.format_report([reuters_report, vntc_report, demo_report]))
        self.stdout.write(
            f"crawl date: gold + {evaluation.CRAWL_LAG.days} days (vntc: "
            f"{evaluation.VNTC_CRAWLED}); reuters gold is the New York wire stamp, a dateline "
            "names the local day"
        )
        met = reuters_report.near_share >= evaluation.TARGET_CORRECT
        self.stdout.write(
            f"reuters within a day {reuters_report.near_share:.3f}: "
            f"{'meets' if met else 'BELOW'} target {evaluation.TARGET_CORRECT}"
        )
        met = vntc_report.dated_share <= evaluation.TARGET_EVENT_DATED
        self.stdout.write(
            f"vntc dated {vntc_report.dated_share:.3f}: "
            f"{'meets' if met else 'ABOVE'} target {evaluation.TARGET_EVENT_DATED}"
        )

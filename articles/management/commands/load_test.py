"""manage.py load_test: admin save times while an import and a search load run (make load-test)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.evaluation import load
from articles.models import Article

TARGET = 1.0  # seconds: a curator's save at p95, during an import


class Command(BaseCommand):
    help = (
        "Serve the site (gunicorn and the index worker) on an empty database of its own, "
        "search without pause, and time admin saves alone and during an import of N corpus "
        "articles. Run it through `make load-test`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--articles", type=int, default=2000)
        parser.add_argument("--searchers", type=int, default=2, help="threads searching")
        parser.add_argument("--baseline-saves", type=int, default=30)

    def handle(
        self, *args: Any, articles: int, searchers: int, baseline_saves: int, **options: Any
    ) -> None:
        if Article.objects.exists():
            raise CommandError("load_test needs an empty database: run `make load-test`")
        report = load.run(articles=articles, searchers=searchers, baseline_saves=baseline_saves)
        self.stdout.write(f"import: {report.imported} in {report.import_seconds:.0f} s")
        self.stdout.write(f"queue empty {report.indexed_after:.1f} s after the import ended")
        for latencies in (
            report.saves_alone,
            report.saves_importing,
            report.pages_alone,
            report.pages_importing,
            report.searches_alone,
            report.searches_importing,
        ):
            self.stdout.write(latencies.line())
        p95 = report.saves_importing.percentile(0.95)
        baseline = report.saves_alone.percentile(0.95)
        ratio = p95 / baseline if baseline else 0.0
        self.stdout.write(
            f"admin save p95 during the import: {p95:.2f} s (target under {TARGET:.0f} s), "
            f"{ratio:.2f}x the p95 without it; failed requests: {len(report.failures)}"
        )
        for failure in report.failures[:20]:
            self.stdout.write(f"  failed: {failure}")

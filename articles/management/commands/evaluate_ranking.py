"""manage.py evaluate_ranking: success@1, success@10 and MRR of queries made from articles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.evaluation import ranking
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Index VNTC and BBC articles into an empty database and measure how often the article "
        "a query was made from ranks first (titles, stripped titles, four body words)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--per-language", type=int, default=1_000)
        parser.add_argument("--corpora", type=Path, default=settings.CORPORA_DIR)

    def handle(self, *args: Any, per_language: int, corpora: Path, **options: Any) -> None:
        if Article.objects.exists():
            raise CommandError("run it on an empty database (make evaluate-ranking does)")
        articles = ranking.build(corpora, per_language)
        self.stdout.write(f"{len(articles)} articles indexed")
        for score in ranking.evaluate(ranking.cases(articles)):
            self.stdout.write(
                f"{score.query_set:16} {score.language}  success@1 {score.success_at_1:.3f}  "
                f"success@10 {score.success_at_10:.3f}  MRR {score.mrr:.3f}  "
                f"({score.queries} queries)"
            )
        self.stdout.write("targets: stripped titles success@1 >= 0.95; body words MRR >= 0.80")

"""manage.py evaluate_stories: pairwise precision and recall of story grouping."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.evaluation import stories as story_eval
from articles.models import Article


class Command(BaseCommand):
    help = "Import labelled real articles into an empty database; print pairwise P/R of stories."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--corpora", type=Path, default=settings.CORPORA_DIR)
        parser.add_argument("--demo", type=Path, default=settings.BASE_DIR / "demo")
        parser.add_argument("--reuters-days", type=int, default=4)
        parser.add_argument("--sets", default="seeds,reuters,duplicates,reprints,xling")

    def handle(
        self, *args: Any, corpora: Path, demo: Path, reuters_days: int, sets: str, **options: Any
    ) -> None:
        if Article.objects.exists():
            raise CommandError(
                "evaluate_stories imports its own articles and needs an empty "
                "database: run `make evaluate-stories`, which gives it one"
            )
        chosen = {name.strip() for name in sets.split(",")}
        if chosen - {"seeds", "reuters", "duplicates", "reprints", "xling"}:
            raise CommandError(
                f"unknown sets {sorted(chosen)}: "
                "choose from seeds,reuters,duplicates,reprints,xling"
            )
        scores = []
        if "seeds" in chosen:
            scores += story_eval.evaluate_seeds(demo)
        if "reuters" in chosen:
            scores += story_eval.evaluate_reuters(corpora, reuters_days)
        if "duplicates" in chosen:
            scores += story_eval.evaluate_duplicates(corpora)
        if "reprints" in chosen:
            scores += story_eval.evaluate_reprints(corpora)
        if "xling" in chosen:
            scores += story_eval.evaluate_crossing(corpora)
        for score in scores:
            self.stdout.write(score.line())

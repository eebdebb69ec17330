"""manage.py evaluate_stories: pairwise precision and recall of story grouping."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.evaluation import stories as story_eval
from articles.models import Article

SETS = ("seeds", "reuters", "duplicates", "reprints", "sections", "xling")


class Command(BaseCommand):
    help = (
        "Import labelled real articles into an empty database; print pairwise P/R of stories "
        "and how often a story mixes topics."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--corpora", type=Path, default=settings.CORPORA_DIR)
        parser.add_argument("--demo", type=Path, default=settings.BASE_DIR / "demo")
        parser.add_argument("--reuters-days", type=int, default=4)
        parser.add_argument("--sets", default=",".join(SETS))

    def handle(
        self, *args: Any, corpora: Path, demo: Path, reuters_days: int, sets: str, **options: Any
    ) -> None:
        if Article.objects.exists():
            raise CommandError(
                "evaluate_stories imports its own articles and needs an empty "
                "database: run `make evaluate-stories`, which gives it one"
            )
        chosen = {name.strip() for name in sets.split(",")}
        if chosen - set(SETS):
            raise CommandError(f"unknown sets {sorted(chosen)}: choose from {','.join(SETS)}")
        runs: dict[str, Callable[[], Sequence[story_eval.PairScore | story_eval.TopicMix]]] = {
            "seeds": lambda: story_eval.evaluate_seeds(demo),
            "reuters": lambda: story_eval.evaluate_reuters(corpora, reuters_days),
            "duplicates": lambda: story_eval.evaluate_duplicates(corpora),
            "reprints": lambda: story_eval.evaluate_reprints(corpora),
            "sections": lambda: story_eval.evaluate_sections(corpora),
            "xling": lambda: story_eval.evaluate_crossing(corpora),
        }
        # Each set's lines as soon as it is done: the larger sets take minutes.
        for name in SETS:
            if name in chosen:
                for score in runs[name]():
                    self.stdout.write(score.line())
                self.stdout.flush()

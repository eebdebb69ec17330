"""manage.py evaluate_names: P@10 and recall of multi-syllable names, units against syllables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.evaluation import names
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Index VNTC articles into an empty database and measure the search of multi-syllable "
        "names (provinces, countries, registry), with and without diacritics."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--articles", type=int, default=3_000)
        parser.add_argument("--corpora", type=Path, default=settings.CORPORA_DIR)

    def handle(self, *args: Any, articles: int, corpora: Path, **options: Any) -> None:
        if Article.objects.exists():
            raise CommandError("run it on an empty database (make evaluate-names does)")
        texts = names.build(corpora, articles)
        queries = names.names(corpora)
        self.stdout.write(f"{len(texts)} VNTC articles, {len(queries)} names")
        for score in names.evaluate(queries, texts):
            self.stdout.write(
                f"{score.mode:10} {score.typed:11} P@10 {score.precision_at_10:.3f}  "
                f"recall {score.recall:.3f}  ({score.queries} names, "
                f"{score.found_nothing} found nothing)"
            )
        self.stdout.write("target: units P@10 >= 0.9, recall no worse than syllables")

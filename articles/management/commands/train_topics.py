"""manage.py train_topics: Train the topic model on the corpora (+ curators' labels) and save it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from articles import topics
from articles.evaluation import topics as evaluation


class Command(BaseCommand):
    help = "Train the topic model on the corpora's training split (+ curators' labels), save it."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        default = settings.CORPORA_DIR
        parser.add_argument("--corpora", type=Path, default=default)
        parser.add_argument("--extra", type=Path, action="append", default=[], help="JSON Lines")
        parser.add_argument("--output", type=Path, default=topics.MODEL_PATH)

    def handle(self, *args: Any, corpora: Path, extra: list[Path], output: Path, **_: Any) -> None:
        split = topics.read_corpora(corpora)
        curated = [record for path in extra for record in topics.read_labelled(path)]
        model = topics.train([*split.train, *curated])
        topics.save_model(model, output)
        self.stdout.write(f"{output}: {len(split.train)} corpus + {len(curated)} curated articles")
        self.stdout.write(evaluation.format_report(evaluation.evaluate(model, split.test)))

"""manage.py evaluate_topics: Held-out macro-F1 of the shipped topic model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from articles import topics
from articles.evaluation import topics as evaluation


class Command(BaseCommand):
    help = "Measure the shipped topic model on the held-out split (always exits 0; read the text)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        default = settings.CORPORA_DIR
        parser.add_argument("--corpora", type=Path, default=default)
        parser.add_argument("--model", type=Path, default=topics.MODEL_PATH)

    def handle(self, *args: Any, corpora: Path, model: Path, **options: Any) -> None:
        report = evaluation.evaluate(topics.load_model(model), topics.read_corpora(corpora).test)
        self.stdout.write(evaluation.format_report(report))

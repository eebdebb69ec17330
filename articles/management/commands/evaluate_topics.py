"""manage.py evaluate_topics: Held-out and leave-one-source-out macro-F1 of the topic model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from articles import topics
from articles.evaluation import topics as evaluation


class Command(BaseCommand):
    help = (
        "Measure the shipped topic model on the held-out split, then train without each outlet "
        "in turn and measure it on that outlet (always exits 0; read the text)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        default = settings.CORPORA_DIR
        parser.add_argument("--corpora", type=Path, default=default)
        parser.add_argument("--model", type=Path, default=topics.MODEL_PATH)
        parser.add_argument(
            "--every",
            type=int,
            default=1,
            help="leave-one-source-out on every N-th article only (quicker, rougher)",
        )

    def handle(self, *args: Any, corpora: Path, model: Path, every: int, **options: Any) -> None:
        split = topics.read_corpora(corpora)
        report = evaluation.evaluate(topics.load_model(model), split.test)
        self.stdout.write("Held out (outlets the model trained on):")
        self.stdout.write(evaluation.format_report(report))
        records = [*split.train, *split.test, *evaluation.read_reuters(corpora)]
        self.stdout.write("Leave one source out (an outlet the model never saw):")
        loso = evaluation.leave_one_source_out(records[:: max(1, every)])
        self.stdout.write(evaluation.format_sources(loso))

"""manage.py evaluate_concepts: the share of the other language's articles a concept finds."""

from __future__ import annotations

from pathlib import Path
from statistics import mean
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.concepts import load_glossary
from articles.concepts.store import current_glossary, sync_glossary
from articles.evaluation import concepts, ranking
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Index VNTC and BBC articles into an empty database, load the concept glossary, and "
        "for each concept with articles in both languages print the share of the other "
        "language's articles its usual term finds (with expansion, and literally)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--per-language", type=int, default=1_000)
        parser.add_argument("--corpora", type=Path, default=settings.CORPORA_DIR)
        parser.add_argument("--show", type=int, default=20, help="concepts listed per direction")

    def handle(self, *args: Any, per_language: int, corpora: Path, show: int, **_: Any) -> None:
        if Article.objects.exists():
            raise CommandError("run it on an empty database (make evaluate-concepts does)")
        sync_glossary(load_glossary().entries.values())
        articles = ranking.build(corpora, per_language)
        self.stdout.write(f"{len(articles)} articles indexed")
        scores = concepts.evaluate(articles, current_glossary())
        for language, other in (("en", "vi"), ("vi", "en")):
            rows = [s for s in scores if s.language == language]
            if not rows:
                self.stdout.write(f"{language} queries: no concept has articles in both languages")
                continue
            self.stdout.write(f"{language} queries, share of {other} articles found:")
            for s in sorted(rows, key=lambda s: -s.wanted)[:show]:
                self.stdout.write(
                    f"  {s.concept:28} {s.query!r:30} {s.found:6.3f}  literal {s.literal:.3f}"
                    f"  of {s.wanted}"
                )
            wanted = sum(s.wanted for s in rows)
            pooled = sum(s.found * s.wanted for s in rows) / wanted
            self.stdout.write(
                f"  {len(rows)} concepts: mean share {mean(s.found for s in rows):.3f} "
                f"(literal {mean(s.literal for s in rows):.3f}); pooled over {wanted} "
                f"articles {pooled:.3f}; concepts with every article found "
                f"{sum(s.found == 1 for s in rows)}"
            )

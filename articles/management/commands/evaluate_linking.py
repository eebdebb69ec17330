"""manage.py evaluate_linking: linking precision and recall on Reuters-21578 places and orgs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.entities import Linker, RegistryError, load_registry
from articles.evaluation.linking import LEAD_CHARS, GoldArticle, evaluate

FIELDS = ("places", "orgs")


class Command(BaseCommand):
    help = "Measure entity linking against the Reuters-21578 places and orgs tags."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        default = settings.CORPORA_DIR / "en_reuters21578.jsonl"
        parser.add_argument("--corpus", type=Path, default=default)
        parser.add_argument("--limit", type=int, help="score only the first N tagged articles")
        parser.add_argument(
            "--dateline", action="store_true", help="link the dateline too (TOKYO, March 3)"
        )

    def handle(
        self, *args: Any, corpus: Path, limit: int | None, dateline: bool, **options: Any
    ) -> None:
        try:
            records = load_registry()
        except RegistryError as exc:
            raise CommandError(str(exc)) from exc
        if not corpus.is_file():
            raise CommandError(f"no corpus at {corpus}")
        articles = _articles(corpus, limit, dateline)
        for line in evaluate(articles, Linker(records), records, FIELDS).lines():
            self.stdout.write(line)


def _articles(path: Path, limit: int | None, dateline: bool) -> Iterator[GoldArticle]:
    """Entity-tagged originals: an untagged record would count every link as wrong."""
    count = 0
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if row["duplicate_of"] or not any(row[name] for name in ("places", "orgs", "people")):
                continue
            head = "\n\n".join(
                part for part in (row["title"], dateline and row["dateline"]) if part
            )
            text = "\n\n".join(part for part in (head, row["body"]) if part)
            tags = {name: frozenset(row[name]) for name in FIELDS}
            yield GoldArticle(text, "en", tags, lead_end=len(head) + 2 + LEAD_CHARS)
            count += 1
            if limit and count >= limit:
                return

"""manage.py load_concepts: Load the shipped bilingual concept glossary into the database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from articles.concepts import GlossaryError, parse_glossary
from articles.concepts.glossary import DATA_PATH
from articles.concepts.store import sync_glossary


class Command(BaseCommand):
    help = "Load the concept glossary (articles/concepts/data/glossary.tsv); adds only."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            entries = parse_glossary(DATA_PATH.read_text(encoding="utf-8"), DATA_PATH.name)
        except GlossaryError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"concepts created {sync_glossary(entries)}")

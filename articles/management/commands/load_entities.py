"""manage.py load_entities: Load the starter entity registry (CLDR countries + the shipped file)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from articles.entities import RegistryError, load_registry, sync_registry


class Command(BaseCommand):
    help = (
        "Load the starter registry (CLDR countries + articles/entities/data/entities.jsonl); "
        "adds only."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            records = load_registry()
        except RegistryError as exc:
            raise CommandError(str(exc)) from exc
        entities, aliases = sync_registry(records)
        self.stdout.write(f"entities created {entities}, aliases created {aliases}")

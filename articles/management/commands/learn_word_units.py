"""manage.py learn_word_units: learn which Vietnamese syllable pairs the search treats as words."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.entities import load_registry
from articles.search.units import PAIRS_PATH, learn_pairs, save_pairs


class Command(BaseCommand):
    help = (
        "Learn the Vietnamese words of several syllables from the corpora and the registry "
        "(deterministic; writes articles/search/data/vi-word-pairs.txt.gz)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--corpora", type=Path, default=settings.CORPORA_DIR)
        parser.add_argument("--output", type=Path, default=PAIRS_PATH)

    def handle(self, *args: Any, corpora: Path, output: Path, **options: Any) -> None:
        texts = corpora / "vi_vntc_sample.jsonl"
        places = corpora / "aliases_countries_en_vi.jsonl"
        for path in (texts, places):
            if not path.is_file():
                raise CommandError(f"{path} not found; set CORPORA_DIR or pass --corpora")
        names = [*_place_names(places), *_registry_names()]
        pairs = learn_pairs(_texts(texts), names)
        save_pairs(pairs, output)
        self.stdout.write(f"{output}: {len(pairs)} syllable pairs from {len(names)} names")


def _texts(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            yield f"{record.get('title') or ''}\n\n{record.get('body') or ''}"


def _place_names(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            keys = ("vi_cldr", "vi_cldr_ascii", "vi", "vi_ascii")
            yield from (record[key] for key in keys if record.get(key))


def _registry_names() -> Iterator[str]:
    for record in load_registry():
        yield record.name_vi
        yield from (alias.text for alias in record.aliases if alias.lang in ("vi", ""))

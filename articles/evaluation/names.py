"""Multi-syllable names in the search box: precision of the top 10 and recall, per mode.

The archive is the Vietnamese corpus (VNTC). The queries are every name of a province, a
country or a registry entity written in two or more Vietnamese syllables ("Hà Nam", "Triều
Tiên", "Nguyễn Tấn Dũng"; not "TP HCM" or "New York") that some article contains, typed with
and without diacritics. An article is relevant when its text contains the name (case aside,
accents as written in the name): `ha nam` means Hà Nam, not "hà" and "nam" apart.
Two modes are compared in the same run: "units" (today: a name is one phrase term) and
"syllables" (every syllable a separate word: the behaviour before search/units.py).

P@10 is the share of relevant articles among the first k results, k = min(10, relevant
articles): a name that three articles contain is judged on its first three results, so a
rare name is not held to ten. Recall is the share of relevant articles found at all.
Queries with no relevant article are skipped.
"""

from __future__ import annotations

import hashlib
import json
import re
import statistics
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from articles.entities import load_registry
from articles.evaluation.benchmark import index_all
from articles.models import Article, IndexQueue, Source
from articles.search import SearchParams, run
from articles.text import VI_SYLLABLE, article_text, fold, nfc, words

TOP = 10


@dataclass(frozen=True)
class ModeScore:
    mode: str  # "units" or "syllables"
    typed: str  # "accents" or "no accents"
    queries: int
    precision_at_10: float
    recall: float
    found_nothing: int


def build(corpora: Path, count: int) -> dict[int, str]:
    """The first `count` VNTC articles in the database and the index; {pk: text}."""
    source = Source.objects.get_or_create(name="VNTC")[0]
    articles = []
    with (corpora / "vi_vntc_sample.jsonl").open(encoding="utf-8") as lines:
        for n, line in zip(range(count), lines, strict=False):
            record = json.loads(line)
            articles.append(
                Article(
                    key=f"names:{record['id']}",
                    title=record["title"][:1000],
                    body=record["body"],
                    language="vi",
                    source=source,
                    content_hash=hashlib.sha256(str(n).encode()).hexdigest(),
                )
            )
    with transaction.atomic():
        Article.objects.bulk_create(articles)
    IndexQueue.objects.all().delete()
    index_all(batch=1_000)
    return {a.pk: nfc(article_text(a.title, a.body)) for a in Article.objects.all()}


def names(corpora: Path) -> list[str]:
    """Multi-syllable Vietnamese names of provinces, countries and registry entities."""
    found: set[str] = set()
    with (corpora / "aliases_countries_en_vi.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            found.update(record[key] for key in ("vi", "vi_cldr") if record.get(key))
    for entity in load_registry():
        found.add(entity.name_vi)
        found.update(alias.text for alias in entity.aliases if alias.lang == "vi")
    return sorted(
        name
        for name in found
        if len(parts := words(name)) >= 2 and all(VI_SYLLABLE.fullmatch(fold(w)) for w in parts)
    )


def relevant(name: str, texts: dict[int, str]) -> set[int]:
    """Articles whose text has the name as written (case aside), as whole words."""
    pattern = re.compile(
        r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words(name)) + r"(?!\w)", re.IGNORECASE
    )
    return {pk for pk, text in texts.items() if pattern.search(text)}


def evaluate(queries: Iterable[str], texts: dict[int, str]) -> list[ModeScore]:
    judged = [(name, relevant(name, texts)) for name in queries]
    judged = [(name, gold) for name, gold in judged if gold]
    scores = []
    for mode in ("units", "syllables"):
        for typed in ("accents", "no accents"):
            precisions, recalls, empty = [], [], 0
            for name, gold in judged:
                q = name if typed == "accents" else fold(name)
                found = list(_found(q, units=mode == "units"))
                if not found:
                    empty += 1
                    recalls.append(0.0)
                    continue
                top = found[: min(TOP, len(gold))]
                precisions.append(sum(pk in gold for pk in top) / len(top))
                recalls.append(len(gold & set(found)) / len(gold))
            scores.append(
                ModeScore(
                    mode,
                    typed,
                    len(judged),
                    statistics.fmean(precisions) if precisions else 0.0,
                    statistics.fmean(recalls) if recalls else 0.0,
                    empty,
                )
            )
    return scores


def _found(q: str, units: bool) -> Iterator[int]:
    """Every result's id, in rank order (entity expansion off: the words alone are judged)."""
    offset: int | None = 0
    while offset is not None:
        params = SearchParams(
            q=q, literal=True, facets=False, units=units, offset=offset, limit=200
        )
        results = run(params)
        yield from (hit.article.pk for hit in results.hits)
        offset = results.next_offset

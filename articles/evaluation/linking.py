"""Score linking against gold tags (Reuters-21578 places and orgs). Pure: no DB, no files.

Two ways to turn mentions into article tags are scored: "every" link, and "salient" links,
those named in the lead (headline, dateline and the first LEAD_CHARS of the body) or at
least twice. Reuters indexers tagged the countries a story is about, not every one it
names in passing, so the second is the fairer comparison.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from articles.entities import EntityRecord, Linker, MentionSpan

# Which gold field each entity kind is scored against.
FIELDS = {"place": "places", "organisation": "orgs", "person": "people"}
LEAD_CHARS = 200
MODES = ("every", "salient")

TagMap = Mapping[str, tuple[str, tuple[str, ...]]]  # entity id -> (gold field, tags)


@dataclass(frozen=True)
class GoldArticle:
    text: str
    language: str
    tags: Mapping[str, frozenset[str]]  # gold field ("places", "orgs", ...) -> tags
    lead_end: int = 0  # offset in text where the lead ends


@dataclass(frozen=True)
class LinkScore:
    """Micro-averaged over (article, tag) pairs; 0.0 where nothing was predicted or gold."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 0.0

    @property
    def recall(self) -> float:
        gold = self.true_positives + self.false_negatives
        return self.true_positives / gold if gold else 0.0

    def add(self, predicted: frozenset[str], gold: frozenset[str]) -> LinkScore:
        return LinkScore(
            self.true_positives + len(predicted & gold),
            self.false_positives + len(predicted - gold),
            self.false_negatives + len(gold - predicted),
        )


@dataclass(frozen=True)
class LinkingReport:
    articles: int
    # (gold field, mode, scope) -> score; scope "all" or "known" (gold tags some entity maps to)
    scores: Mapping[tuple[str, str, str], LinkScore]

    def lines(self) -> list[str]:
        rows = [f"articles: {self.articles}"]
        for (name, mode, scope), score in self.scores.items():
            rows.append(
                f"{name:<6} {mode:<7} {scope:<5}  precision {score.precision:.3f}  "
                f"recall {score.recall:.3f}  (tp {score.true_positives}, "
                f"fp {score.false_positives}, fn {score.false_negatives})"
            )
        return rows


def tag_map(records: Iterable[EntityRecord]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Entity id -> (gold field, tags), for entities that declare Reuters tags."""
    return {
        record.id: (FIELDS[record.kind], record.reuters)
        for record in records
        if record.reuters and record.kind in FIELDS
    }


def predicted_tags(entity_ids: Iterable[str], tags: TagMap) -> dict[str, frozenset[str]]:
    """Gold field -> tags the linked entities stand for."""
    found: dict[str, set[str]] = {}
    for entity_id in entity_ids:
        if entity_id in tags:
            name, values = tags[entity_id]
            found.setdefault(name, set()).update(values)
    return {name: frozenset(values) for name, values in found.items()}


def salient(mentions: Sequence[MentionSpan], lead_end: int) -> set[str]:
    """Entities mentioned before lead_end or at least twice."""
    counts = Counter(mention.entity_id for mention in mentions)
    return {m.entity_id for m in mentions if m.start < lead_end or counts[m.entity_id] > 1}


def evaluate(
    articles: Iterable[GoldArticle],
    linker: Linker,
    records: Iterable[EntityRecord],
    fields: tuple[str, ...] = ("places", "orgs"),
) -> LinkingReport:
    """Link every article and score the tags its entities map to against the gold tags."""
    tags = tag_map(records)
    known = _known_tags(tags)
    scores = {
        (name, mode, scope): LinkScore()
        for name in fields
        for mode in MODES
        for scope in ("all", "known")
    }
    count = 0
    for article in articles:
        count += 1
        mentions = linker.mentions(article.text, article.language)
        linked = {
            "every": {mention.entity_id for mention in mentions},
            "salient": salient(mentions, article.lead_end),
        }
        for mode in MODES:
            predicted = predicted_tags(linked[mode], tags)
            for name in fields:
                guess = predicted.get(name, frozenset())
                gold = article.tags.get(name, frozenset())
                mapped = known.get(name, frozenset())
                scores[name, mode, "all"] = scores[name, mode, "all"].add(guess, gold)
                scores[name, mode, "known"] = scores[name, mode, "known"].add(
                    guess & mapped, gold & mapped
                )
    return LinkingReport(count, scores)


def _known_tags(tags: TagMap) -> dict[str, frozenset[str]]:
    known: dict[str, set[str]] = {}
    for name, values in tags.values():
        known.setdefault(name, set()).update(values)
    return {name: frozenset(values) for name, values in known.items()}

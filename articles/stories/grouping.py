"""Pure story grouping: which story a new article joins.

No database here (articles/stories/store.py is the database side; copies are in copies.py),
so the rules can be read and tested on their own.

- Two articles cover the same event when they name the same entities (the linked,
  language-independent registry ids; rare entities count more, by idf, and one common shared
  entity is weak evidence however alike the lists look), the same figures, close in time, and:
  - in one language, use the same words: cosine of tf-idf vectors over the topic model's
    vocabulary (articles/topics/model.py), whose idf comes from thousands of articles;
  - across languages, where words cannot be compared, share other proper names ("Sarraj",
    "Tripoli" are spelled alike in Vietnamese and English), or (the cross-language hook of
    #14) resemble in what survives translation: names, figures, years and glossary concepts
    (articles/stories/bilingual.py), whichever is stronger.
  The bar rises with the distance in days, and nothing is compared across more than
  WINDOW_DAYS.
- An article joins a story only if it clears the bar with a majority of the story's CORE:
  its CORE_SIZE most central members (those whose main entities agree most with the rest of
  the story). Matching the story's nearest member or two is not enough: an article close to
  the latest one, which was close to the one before, would let a story chain from one event
  to the next (issue #18: stories of 63 to 91 articles across nine sections, camping to Covid
  counts to a metro line). With a core, every member must resemble what the story is about.
- A story is bounded: at most MAX_ARTICLES original articles (copies do not count) and
  MAX_SPAN_DAYS from its first to its last; past either bound a new story starts, unless a
  curator merged other stories into it (StoryCore.curated). The bounds come from the
  evaluation sets (articles/evaluation/stories.py): the largest group of one day's Reuters
  wire that shares a topic and an entity tag has 28 articles, so 40 leaves room for real
  events covered by several sources, and cuts chains like those of issue #18 before they
  grow; the demo's NATO-Libya coverage runs 46 days (5 April to 21 May 2016), so the span is
  the comparison window, 60 days.
- Undated articles (or year-only dates) join a story only as copies: without a date, two
  texts naming Hanoi and the government are not evidence of one event.

Ties go to the lowest story id, so the same inputs in the same order give the same stories.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from articles.stories import bilingual
from articles.text import VI_SYLLABLE, fold

WINDOW_DAYS = 60
MAX_SPAN_DAYS = 60
MAX_ARTICLES = 40
CORE_SIZE = 5
# Weights of the event signals (words in one language, names across two), and the bar:
# BASE_BAR at 0 days apart, rising per day.
ENTITY_WEIGHT, TEXT_WEIGHT, NUMBER_WEIGHT = 0.45, 0.4, 0.15
WORDS_ALIKE = 0.7
WORDS_FOR_ENTITIES = 0.3
# Only an article's main entities (most named, then rarest) are compared: passing mentions
# of other places would otherwise dilute two reports that agree on what they are about.
SALIENT_ENTITIES = 6
SHARED_FOR_FULL_EVIDENCE = 3
BASE_BAR, BAR_PER_DAY = 0.32, 0.002
UNRELATED = -1.0  # the margin of a member too far away in time to compare
MARGIN_CAP = 0.1

_SENTENCE_END = re.compile(r"[.!?:;\n\"“”]\s*$")
_NAME = re.compile(r"[^\W\d_][\w'’-]*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"(?:19|20)\d\d")


@dataclass(frozen=True)
class ArticleProfile:
    """What grouping needs to know about one article."""

    id: int
    day: date | None  # None unless the publication day is known
    language: str = ""
    entities: Mapping[int, int] = field(default_factory=dict)  # entity id -> mentions
    words: Mapping[int, float] = field(default_factory=dict)  # unit tf-idf vector
    names: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()
    story: int | None = None
    bridge: frozenset[str] = frozenset()  # what survives translation (stories/bilingual.py)


@dataclass(frozen=True)
class StoryCore:
    """A story as grouping sees it: its size, its dates and its core members."""

    id: int
    size: int  # original articles (copies left out)
    first: date | None
    last: date | None
    core: tuple[ArticleProfile, ...]
    curated: bool = False  # a curator merged stories into this one: no bounds

    def fits(self, day: date) -> bool:
        """Whether an article of `day` keeps the story within MAX_ARTICLES and MAX_SPAN_DAYS.

        >>> story = StoryCore(1, 3, date(2016, 4, 5), date(2016, 5, 21), ())
        >>> story.fits(date(2016, 5, 30)), story.fits(date(2016, 6, 10))
        (True, False)
        """
        if self.curated:
            return True
        first, last = min(self.first or day, day), max(self.last or day, day)
        return self.size < MAX_ARTICLES and (last - first).days <= MAX_SPAN_DAYS


def names(text: str) -> frozenset[str]:
    """Capitalised words that do not open a sentence and are spelled alike in both languages
    (no Vietnamese marks, not a Vietnamese syllable), lowercased.

    >>> sorted(names("Ông Fayez al-Sarraj đến Tripoli. Hôm nay NATO và Tổng thư ký Minh họp."))
    ['fayez', 'nato', 'tripoli']
    """
    found = set()
    for match in _NAME.finditer(text):
        word = match.group().split("-")[0]
        before = text[max(0, match.start() - 3) : match.start()]
        if not (word[0].isupper() and len(word) >= 3 and before) or _SENTENCE_END.search(before):
            continue
        lower = word.lower()
        if fold(lower) == lower and not VI_SYLLABLE.fullmatch(lower):
            found.add(lower)
    return frozenset(found)


def numbers(text: str) -> frozenset[str]:
    """Figures with two or more digits, separators dropped so "1.500" (vi) equals "1,500" (en);
    years are left out: every story of a year shares them.

    >>> sorted(numbers("155.221 bao, năm 2016, 12 người, 7 ngày"))
    ['12', '155221']
    """
    found = set()
    for match in _NUMBER.finditer(text):
        digits = re.sub(r"[.,]", "", match.group())
        if len(digits) >= 2 and not _YEAR.fullmatch(digits):
            found.add(digits.lstrip("0") or "0")
    return frozenset(found)


def similarity(a: ArticleProfile, b: ArticleProfile, idf: Mapping[int, float]) -> float:
    """How strongly two articles look like coverage of one event, 0..1, ignoring time."""
    main_a, main_b = _salient(a.entities, idf), _salient(b.entities, idf)
    # One shared entity (the capital, the country) says little about the event; two say
    # more; SHARED_FOR_FULL_EVIDENCE or more count in full.
    shared = sum(1 for entity in main_a if entity in main_b)
    evidence = min(1.0, max(0, shared - 1) / (SHARED_FOR_FULL_EVIDENCE - 1))
    score = ENTITY_WEIGHT * evidence * _cosine(main_a, main_b)
    names = _overlap(a.names, b.names, least=3)
    if a.language == b.language and a.words and b.words:
        cosine = sum(x * b.words[i] for i, x in a.words.items() if i in b.words)
        # Entities count in full only if the words agree too: reports from different
        # sections name Hà Nội, TP HCM and Đà Nẵng alike.
        score *= min(1.0, cosine / WORDS_FOR_ENTITIES)
        # Two reports of one event rarely pass a cosine of WORDS_ALIKE: count that as full
        # agreement. The vocabulary lacks most names, so shared names can stand in.
        score += TEXT_WEIGHT * max(min(1.0, cosine / WORDS_ALIKE), names)
    else:
        score += TEXT_WEIGHT * names
    score += NUMBER_WEIGHT * _overlap(a.numbers, b.numbers, least=2)
    # Across languages, what survives translation is evidence too (#14): stories/bilingual.py.
    if a.language != b.language:
        score = max(score, bilingual.resemblance(a.bridge, b.bridge))
    return score


def bar(days_apart: int) -> float:
    """The similarity two articles need to share a story, `days_apart` days apart."""
    return BASE_BAR + BAR_PER_DAY * days_apart


def margin(article: ArticleProfile, other: ArticleProfile, idf: Mapping[int, float]) -> float:
    """How far two articles clear the bar for sharing a story (negative: they do not), or
    UNRELATED when one is undated or they are more than WINDOW_DAYS apart."""
    if article.day is None or other.day is None:
        return UNRELATED
    days = abs((article.day - other.day).days)
    if days > WINDOW_DAYS:
        return UNRELATED
    return similarity(article, other, idf) - bar(days)


def central(
    members: Mapping[int, Mapping[int, int]], idf: Mapping[int, float], size: int = CORE_SIZE
) -> list[int]:
    """The story's core: the `size` members (id -> entity counts) whose main entities agree
    most with the rest of the story's, earliest id first among equals."""
    vectors = {pk: _unit(_salient(counts, idf)) for pk, counts in members.items()}
    total: dict[int, float] = {}
    for vector in vectors.values():
        for entity, weight in vector.items():
            total[entity] = total.get(entity, 0.0) + weight

    def agreement(pk: int) -> float:
        # The member's own weight is taken out, so it does not agree with itself.
        return sum(w * (total[e] - w) for e, w in vectors[pk].items())

    return sorted(members, key=lambda pk: (-agreement(pk), pk))[:size]


def choose_story(
    article: ArticleProfile, stories: Iterable[StoryCore], idf: Mapping[int, float]
) -> int | None:
    """The story `article` joins, or None for a new story.

    A story qualifies when it has room for the article (StoryCore.fits) and the article
    clears the bar with a majority of its core: the margins of the core's closest majority,
    each counted up to MARGIN_CAP, do not add up to less than zero. Among those, the best
    mean margin over that majority wins, ties to the lowest story id.
    """
    if article.day is None:
        return None
    best: tuple[float, int] | None = None
    for story in sorted(stories, key=lambda s: s.id):
        if not story.core or not story.fits(article.day):
            continue
        margins = sorted((margin(article, m, idf) for m in story.core), reverse=True)
        majority = margins[: len(margins) // 2 + 1]
        # Each margin counts up to MARGIN_CAP: a member the article nearly copies cannot
        # carry members it does not resemble.
        if sum(min(m, MARGIN_CAP) for m in majority) < 0:
            continue
        score = sum(majority) / len(majority)
        if best is None or score > best[0]:
            best = (score, story.id)
    return best[1] if best else None


def idf_weights(document_frequency: Mapping[int, int], total: int) -> dict[int, float]:
    """Smoothed inverse document frequency per entity id."""
    return {
        entity: math.log((total + 1) / (df + 1)) + 1.0 for entity, df in document_frequency.items()
    }


def _salient(counts: Mapping[int, int], idf: Mapping[int, float]) -> dict[int, float]:
    weights = _weights(counts, idf)
    ranked = sorted(weights, key=lambda e: (-counts[e], -weights[e], e))[:SALIENT_ENTITIES]
    return {entity: weights[entity] for entity in ranked}


def _weights(counts: Mapping[int, int], idf: Mapping[int, float]) -> dict[int, float]:
    return {entity: (1.0 + math.log(n)) * idf.get(entity, 1.0) for entity, n in counts.items() if n}


def _unit(vector: Mapping[int, float]) -> dict[int, float]:
    norm = math.sqrt(sum(w * w for w in vector.values()))
    return {key: w / norm for key, w in vector.items()} if norm else {}


def _cosine(a: Mapping[int, float], b: Mapping[int, float]) -> float:
    dot = sum(weight * b[key] for key, weight in a.items() if key in b)
    if not dot:
        return 0.0
    return dot / math.sqrt(sum(w * w for w in a.values()) * sum(w * w for w in b.values()))


def _overlap(a: frozenset[str], b: frozenset[str], least: int) -> float:
    if len(a) < least or len(b) < least:
        return 0.0
    return len(a & b) / min(len(a), len(b))

"""Pure story grouping: which story a new article joins, and which texts are copies.

No database here (articles/stories/store.py is the database side), so the rules can be read and
tested on their own. An article is compared with the articles already filed near it in time:

- Copies. Republished and syndicated texts share most of their word shingles. Each text keeps
  its K smallest shingle hashes (a bottom-k sketch: near-identical texts keep nearly the same
  ones), which find candidates through an index; the full shingle sets then decide:
  resemblance ≥ 0.6, or the shorter text ≥ 0.85 contained in the longer one.
- Events. Two articles cover the same event when they name the same entities (the linked,
  language-independent registry ids; rare entities count more, by idf, and one common shared
  entity is weak evidence however alike the lists look), the same figures, close in time, and:
  - in one language, use the same words: cosine of tf-idf vectors over the topic model's
    vocabulary (articles/topics/model.py), whose idf comes from thousands of articles;
  - across languages, where words cannot be compared, share other proper names ("Sarraj",
    "Tripoli" are spelled alike in Vietnamese and English).
  The bar rises with the distance in days, and nothing joins across more than WINDOW_DAYS.
- Undated articles (or year-only dates) join a story only as copies: without a date, two texts
  naming Hanoi and the government are not evidence of one event.

Ties go to the lowest story id, so the same inputs in the same order give the same stories.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from articles.stories import bilingual
from articles.text import VI_SYLLABLE, WORD, fold

WINDOW_DAYS = 60
SKETCH_SIZE = 32
SHINGLE = 4  # words
# Weights of the event signals (words in one language, names across two), and the bar:
# BASE_BAR at 0 days apart, rising per day.
ENTITY_WEIGHT, TEXT_WEIGHT, NUMBER_WEIGHT = 0.45, 0.4, 0.15
WORDS_ALIKE = 0.7
# Only an article's main entities (most named, then rarest) are compared: passing mentions
# of other places would otherwise dilute two reports that agree on what they are about.
SALIENT_ENTITIES = 6
SHARED_FOR_FULL_EVIDENCE = 3
BASE_BAR, BAR_PER_DAY = 0.34, 0.002
COPY_RESEMBLANCE, COPY_CONTAINMENT = 0.6, 0.85
LINK_MEMBERS = 2

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


def shingles(text: str) -> set[int]:
    """Hashes of the folded word 4-grams of a text (the whole text when it is shorter).

    >>> shingles("Bật đèn xanh cho NATO") == shingles("bat den xanh cho nato")
    True
    """
    words = [fold(w) for w in WORD.findall(text)]
    grams = [" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))]
    return {_hash(gram) for gram in grams if gram}


def sketch(hashes: Iterable[int]) -> list[int]:
    """The SKETCH_SIZE smallest shingle hashes: the fingerprints stored for candidate search."""
    return sorted(hashes)[:SKETCH_SIZE]


def is_copy(a: set[int], b: set[int]) -> bool:
    """True when two shingle sets are the same text or nearly (republished, syndicated)."""
    if not a or not b:
        return False
    common = len(a & b)
    resemblance = common / len(a | b)
    containment = common / min(len(a), len(b))
    return resemblance >= COPY_RESEMBLANCE or (
        containment >= COPY_CONTAINMENT and min(len(a), len(b)) >= 20
    )


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


def choose_story(
    article: ArticleProfile,
    candidates: Iterable[ArticleProfile],
    idf: Mapping[int, float],
    sizes: Mapping[int, int] | None = None,
) -> int | None:
    """The story `article` joins, or None for a new story.

    A story's margin is the mean of (similarity - bar) over its LINK_MEMBERS closest members
    (fewer when the story is smaller; `sizes` gives story sizes, and members that are not
    among the candidates count as unrelated). Matching one member is not enough to join a
    larger story, which keeps stories from chaining from one event into the next. The best
    positive margin wins; ties go to the lowest story id.
    """
    if article.day is None:
        return None
    margins: dict[int, list[float]] = {}
    for other in candidates:
        if other.story is None or other.day is None or other.id == article.id:
            continue
        days = abs((article.day - other.day).days)
        if days <= WINDOW_DAYS:
            margins.setdefault(other.story, []).append(similarity(article, other, idf) - bar(days))
    best: tuple[float, int] | None = None
    for story, values in sorted(margins.items()):
        size = max(len(values), (sizes or {}).get(story, 1))
        k = min(LINK_MEMBERS, size)
        closest = sorted(values, reverse=True)[:k]
        margin = (sum(closest) - (k - len(closest)) * bar(0)) / k
        if margin >= 0 and (best is None or margin > best[0]):
            best = (margin, story)
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


def _cosine(a: Mapping[int, float], b: Mapping[int, float]) -> float:
    dot = sum(weight * b[key] for key, weight in a.items() if key in b)
    if not dot:
        return 0.0
    return dot / math.sqrt(sum(w * w for w in a.values()) * sum(w * w for w in b.values()))


def _overlap(a: frozenset[str], b: frozenset[str], least: int) -> float:
    if len(a) < least or len(b) < least:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _hash(text: str) -> int:
    # 63 bits: the value must fit a signed BigIntegerField on both databases.
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big") >> 1

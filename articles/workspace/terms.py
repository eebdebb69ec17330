"""Top terms: the words and phrases most distinctive of a result set against the archive,
per language (Dunning's log-likelihood over document frequencies).

Vietnamese is read in word units (the search's own units: "Hà Nội", "tổng thư ký" are one
term) and their pairs, with no English stop words; English in words and two-word phrases,
without English stop words. The result set is read through the search layer (its first
SAMPLE matches per language); the archive is a fixed sample of each language's articles.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from itertools import islice

from articles.models import Article, Language
from articles.search import SearchParams
from articles.search.units import segment, shipped_pairs, syllables
from articles.text import nfc
from articles.workspace.downloads import walk

SAMPLE = 500  # matches read per language
BACKGROUND = 1_500  # archive articles per language the matches are compared with
MIN_DOCS = 2  # a term must be in at least this many matches
TOP = 25
ENGLISH_STOP_WORDS = frozenset(
    """a about after again against all also an and any are as at be because been before
    being between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself
    just me more most my no nor not now of off on once only or other our out over own said
    same she should so some such than that the their them then there these they this those
    through to too under until up very was we were what when where which while who whom why
    will with would you your s t mr mrs new one two year years says say told""".split()
)
_ENGLISH_WORD = re.compile(r"[a-z][a-z'-]*[a-z]|[a-z]")
_CLAUSE = re.compile(r"[.,;:!?()\[\]\"“”«»—–]+|\s-\s")


@dataclass(frozen=True)
class TopTerm:
    term: str
    matches: int  # matches (of those read) that contain it
    share: float  # percent of those matches
    archive_share: float  # percent of the archive's sample
    score: float


@dataclass(frozen=True)
class LanguageTerms:
    language: str
    label: str
    read: int  # matches read
    terms: list[TopTerm]


@cache
def _pairs() -> frozenset[str]:
    return shipped_pairs()


def vietnamese_terms(text: str) -> set[str]:
    """Word units and pairs of neighbouring units, lowercase, accents kept.

    >>> sorted(vietnamese_terms("Tổng thư ký đến Hà Nội."))
    ['hà nội', 'tổng thư ký', 'tổng thư ký đến', 'đến', 'đến hà nội']
    """
    found: set[str] = set()
    for run in syllables(text):
        units = [" ".join(run[s:e]) for s, e in segment(run, _pairs())]
        found.update(units)
        found.update(f"{a} {b}" for a, b in zip(units, units[1:], strict=False))
    return found


def english_terms(text: str) -> set[str]:
    """Words and two-word phrases without stop words, within a clause.

    >>> sorted(english_terms("The oil prices rose, said OPEC."))
    ['oil', 'oil prices', 'opec', 'prices', 'prices rose', 'rose']
    """
    found: set[str] = set()
    for clause in _CLAUSE.split(nfc(text).lower()):
        words = _ENGLISH_WORD.findall(clause)
        kept = [w if w not in ENGLISH_STOP_WORDS and len(w) > 1 else "" for w in words]
        found.update(w for w in kept if w)
        found.update(f"{a} {b}" for a, b in zip(kept, kept[1:], strict=False) if a and b)
    return found


def terms_of(article: Article) -> set[str]:
    text = f"{article.title}\n{article.body}"
    return vietnamese_terms(text) if article.language == "vi" else english_terms(text)


def document_frequencies(articles: Iterable[Article]) -> tuple[Counter[str], int]:
    counts: Counter[str] = Counter()
    read = 0
    for article in articles:
        counts.update(terms_of(article))
        read += 1
    return counts, read


_BACKGROUND: dict[tuple[str, int], tuple[Counter[str], int]] = {}


def archive_frequencies(language: str) -> tuple[Counter[str], int]:
    """Document frequencies in an evenly spread sample of the language's articles
    (computed once per process and archive size)."""
    articles = Article.objects.visible().filter(language=language, copy_of=None)
    ids = list(articles.order_by("id").values_list("id", flat=True))
    key = (language, len(ids))
    if key not in _BACKGROUND:
        step = max(1, len(ids) // BACKGROUND)
        chosen = ids[::step][:BACKGROUND]
        sample = articles.filter(id__in=chosen).only("title", "body", "language").iterator(500)
        _BACKGROUND.clear()  # one archive size at a time
        _BACKGROUND[key] = document_frequencies(sample)
    return _BACKGROUND[key]


def log_likelihood(a: int, n1: int, b: int, n2: int) -> float:
    """Dunning's G² of a term in a of n1 documents against b of n2.

    >>> round(log_likelihood(10, 20, 10, 1000), 1), log_likelihood(5, 10, 50, 100)
    (57.1, 0.0)
    """
    total, with_term = n1 + n2, a + b
    g = 0.0
    for observed, row, column in (
        (a, n1, with_term),
        (n1 - a, n1, total - with_term),
        (b, n2, with_term),
        (n2 - b, n2, total - with_term),
    ):
        if observed:
            g += observed * math.log(observed * total / (row * column))
    return round(2 * g, 6)


def top_terms(params: SearchParams, top: int = TOP) -> list[LanguageTerms]:
    """The most distinctive terms of the search's matches, per language."""
    languages = params.languages or tuple(code for code, _ in Language.choices)
    found = []
    for language in languages:
        matches = walk(replace(params, languages=(language,)), page=SAMPLE)
        counts, read = document_frequencies(islice(matches, SAMPLE))
        if not read:
            continue
        background, size = archive_frequencies(language)
        ranked = []
        for term, a in counts.items():
            b = background.get(term, 0)
            if a < MIN_DOCS or a / read <= b / max(size, 1):
                continue  # rare here, or no more frequent than in the archive
            score = log_likelihood(a, read, b, max(size, 1))
            share, archive = 100 * a / read, 100 * b / max(size, 1)
            ranked.append(TopTerm(term, a, round(share, 1), round(archive, 1), score))
        ranked.sort(key=lambda t: (-t.score, t.term))
        label = dict(Language.choices).get(language, language)
        found.append(LanguageTerms(language, str(label), read, ranked[:top]))
    return found

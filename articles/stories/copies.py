"""Pure copy rules: which text is a republished copy of another.

No database here (articles/stories/store.py folds copies). Republished and syndicated texts
share most of their word shingles. Each text keeps its SKETCH_SIZE smallest shingle hashes (a
bottom-k sketch: near-identical texts keep nearly the same ones, and a text that is a fair
part of another keeps a fair part of its sketch), which find candidates through an index; the
full shingle sets then decide, in one direction (issue #18: a live-update page swallowed an
article it quoted, which could then not be found by its own title):

- A copy comes after its original: published later, or the same day and filed later (an
  undated text after a dated one). So a page can never swallow what was there before it.
- A copy's OWN text is (nearly) all in the original: at least COPY_CONTAINMENT of its
  shingles. Then either
  - the original is (nearly) all in the copy as well: the same text, perhaps under another
    headline (a republication, a syndicated wire); or
  - the copy is part of a longer original (a reprint that dropped its closing paragraph and
    added a credit line, a digest): then its headline must be in the original as written, so
    a search for the title finds the original it is folded under; it must not be a short
    text (MIN_SHINGLES: a one-line brief fits inside many others by chance); and it must be
    a fair part of the original, MIN_COVERAGE of it. A live-update page that holds many
    articles is the original of none of them, and as it grows its earlier copies stop being
    copies (the store checks a text's copies again whenever the text changes).

MIN_COVERAGE: of 2,804 VNTC articles with three or more paragraphs, the one whose reprint
without its closing paragraph keeps least of it keeps 19% (1% keep under 45%); an article on
a page of eight like it is under 13%.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from articles.text import WORD, article_text, fold

SKETCH_SIZE = 32
SHINGLE = 4  # words
COPY_CONTAINMENT = 0.85
MIN_SHINGLES = 20
MIN_COVERAGE = 0.15


@dataclass(frozen=True)
class CopyText:
    """What the copy rules read of one article."""

    shingles: frozenset[int]
    title: str  # the title's folded words, one space apart
    text: str  # the folded words of the title and body, one space apart and around
    order: tuple[date, int] = (date.max, 0)  # (publication day, filing order): earlier first


def copy_text(title: str, body: str, day: date | None = None, order: int = 0) -> CopyText:
    """The shingles and words of an article published on `day`, filed `order`-th.

    >>> text = copy_text("Bật đèn xanh", "NATO bật đèn xanh cho Libya.")
    >>> text.title, text.text, len(text.shingles)
    ('bat den xanh', ' bat den xanh nato bat den xanh cho libya ', 6)
    """
    words = _words(article_text(title, body))
    return CopyText(
        frozenset(_shingles(words)),
        " ".join(_words(title)),
        f" {' '.join(words)} ",
        (day or date.max, order),
    )


def shingles(text: str) -> set[int]:
    """Hashes of the folded word 4-grams of a text (the whole text when it is shorter).

    >>> shingles("Bật đèn xanh cho NATO") == shingles("bat den xanh cho nato")
    True
    """
    return _shingles(_words(text))


def sketch(hashes: Iterable[int]) -> list[int]:
    """The SKETCH_SIZE smallest shingle hashes: the fingerprints stored for candidate search."""
    return sorted(hashes)[:SKETCH_SIZE]


def contained(a: frozenset[int], b: frozenset[int]) -> float:
    """The share of a's shingles that are in b.

    >>> contained(frozenset({1, 2, 3, 4}), frozenset({1, 2, 3, 9, 10}))
    0.75
    """
    return len(a & b) / len(a) if a else 0.0


def is_copy(copy: CopyText, original: CopyText) -> bool:
    """True when `copy` republishes `original` (the rules are in this module's docstring).

    >>> body = "Bão số 9 đổ bộ vào Đà Nẵng chiều nay, gió giật cấp 12. " * 3
    >>> original = copy_text("Bão số 9", body, date(2006, 1, 2))
    >>> reprint = copy_text("Bão số 9", body, date(2006, 1, 3))
    >>> is_copy(reprint, original), is_copy(original, reprint)
    (True, False)
    """
    if not copy.title or copy.order <= original.order:
        return False
    if contained(copy.shingles, original.shingles) < COPY_CONTAINMENT:
        return False
    coverage = contained(original.shingles, copy.shingles)
    if coverage >= COPY_CONTAINMENT:
        return True
    return (
        len(copy.shingles) >= MIN_SHINGLES
        and coverage >= MIN_COVERAGE
        and f" {copy.title} " in original.text
    )


def _words(text: str) -> list[str]:
    # One fold of the whole text, not one per word: filing folds every candidate's text.
    return WORD.findall(fold(text))


def _shingles(words: list[str]) -> set[int]:
    grams = [" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))]
    return {_hash(gram) for gram in grams if gram}


def _hash(text: str) -> int:
    # 63 bits: the value must fit a signed BigIntegerField on both databases.
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big") >> 1

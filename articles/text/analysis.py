"""Text analysis shared by the index, the query parser and the highlighter.

Three analyzers, one per search field (see articles/search_indexes.py):
- FOLDING: NFC → words → lowercase → diacritics folded (đ→d). Both languages. No stop list
  ("an", "to" are Vietnamese words), no stemming (Porter turns "hay" into "hai").
- EXACT: the same without folding, so an exact-accent match scores on one more field.
- ENGLISH: FOLDING plus English stop words and Porter stemming; fed English text only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import (
    CharsetFilter,
    Composable,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Token,
    Tokenizer,
)
from whoosh.lang import stemmer_for_language
from whoosh.support.charset import accent_map

from articles.text.cleaning import nfc

# \w in Python's re is Unicode-aware; NFC first, because combining marks are not \w and
# would split a decomposed "Hà" into "Ha" + "̀".
# Dots stay inside a word ("u.s"), as in Whoosh's default; apostrophes split ("NATO’s").
WORD = re.compile(r"\w+(?:\.\w+)*")

# accent_map leaves a few letters alone that Vietnamese needs folded.
_EXTRA_FOLDS = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})
# Both in one table that also maps every other letter of the alphabets news uses to itself:
# str.translate is several times faster when it finds every character in the table.
_FOLDS = {
    code: chr(code).translate(_EXTRA_FOLDS).translate(accent_map)
    for code in {*range(0x3000), *accent_map}
}


def fold(text: str) -> str:
    """Lowercase and strip diacritics, the way the FOLDING analyzer does.

    >>> fold("Bật đèn xanh ở Hà Nội")
    'bat den xanh o ha noi'
    """
    return nfc(text).lower().translate(_FOLDS)


# Punctuation that ends a clause: words on either side are one position further apart, so a
# phrase ("Nhà Trắng", "bật đèn xanh") never matches across it ("nhà. Trắng", "bật, đèn").
_CLAUSE_BREAK = re.compile(r"[.,;:!?…()\[\]\n]")


class NfcTokenizer(Tokenizer):
    """Words of the NFC text (WORD), with a position gap at clause punctuation."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NfcTokenizer)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        text = nfc(value)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            yield from RegexTokenizer(WORD)(
                text,
                positions,
                chars,
                keeporiginal,
                removestops,
                start_pos,
                start_char,
                tokenize=False,
                mode=mode,
                **kwargs,
            )
            return
        pos, previous_end = start_pos, 0
        for match in WORD.finditer(text):
            if previous_end and _CLAUSE_BREAK.search(text, previous_end, match.start()):
                pos += 1
            token.text = match.group()
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = token.text
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token
            pos += 1
            previous_end = match.end()


class FoldFilter(CharsetFilter):
    """CharsetFilter(accent_map) plus đ→d."""

    def __init__(self) -> None:
        super().__init__(accent_map)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = token.text.translate(_FOLDS)
            yield token


class DottedPartsFilter(Filter):
    """At index time, a dotted abbreviation is also its parts, at the same position:
    "PGS.TS" is found by "PGS.TS", "PGS" and "TS" (queries are left whole)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DottedPartsFilter)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            # Later filters change token.text in place when we yield: keep the original.
            original = token.text
            yield token
            if token.mode != "index" or "." not in original:
                continue
            for part in original.split("."):
                if part:
                    token.text = part
                    token.stopped = False
                    yield token


def _folding() -> Composable:
    return NfcTokenizer() | DottedPartsFilter() | LowercaseFilter() | FoldFilter()


FOLDING = _folding()
EXACT = NfcTokenizer() | DottedPartsFilter() | LowercaseFilter()
# Snowball English (Porter2): the original Porter in whoosh leaves "planning" as "plann".
_ENGLISH_STOPS = StopFilter(minsize=1)
ENGLISH = _folding() | _ENGLISH_STOPS | StemFilter(lang="en")
stem_english = stemmer_for_language("en")


def words(text: str) -> list[str]:
    """Split text into words the way the index does, keeping case and accents.

    >>> words("Tổng Thư ký, NATO’s chief")
    ['Tổng', 'Thư', 'ký', 'NATO', 's', 'chief']
    """
    return WORD.findall(nfc(text))


def index_terms(analyzer: Any, text: str) -> tuple[list[str], list[int]]:
    """The terms `analyzer` indexes for `text`, in order, and their positions.

    The same as iterating `analyzer(text, positions=True, mode="index")`, and so what Whoosh
    indexes (tests/text/test_analysis.py holds them equal on the corpora), but FOLDING, EXACT
    and ENGLISH share one scan of the text and make no Token per word: about five times
    faster. The PostgreSQL engine builds its tsvectors from these.

    >>> index_terms(FOLDING, "Hà Nội, PGS.TS")
    (['ha', 'noi', 'pgs.ts', 'pgs', 'ts'], [0, 1, 3, 3, 3])
    >>> index_terms(ENGLISH, "The troops, in Iraq")
    (['troop', 'iraq'], [1, 2])
    """
    if analyzer == EXACT:
        exact, positions = _scanned(text)
        return list(exact), list(positions)
    if analyzer == FOLDING:
        exact, positions = _scanned(text)
        return _folded(exact), list(positions)
    if analyzer == ENGLISH:
        exact, positions = _scanned(text)
        folded = _folded(exact)
        # StopFilter renumbers: the first word kept keeps its position, the next ones follow
        # it one by one (no gaps for stop words, clause breaks or dotted parts).
        kept = [i for i, term in enumerate(folded) if term and term not in _ENGLISH_STOPS.stops]
        if not kept:
            return [], []
        first = positions[kept[0]]
        return [_stem(folded[i]) for i in kept], list(range(first, first + len(kept)))
    terms, places = [], []
    for token in analyzer(text, positions=True, mode="index"):
        terms.append(token.text)
        places.append(token.pos)
    return terms, places


# Where NfcTokenizer adds a position: clause punctuation, except a dot inside a word ("u.s",
# "1.500", which WORD keeps whole). Split there, the pieces are runs of consecutive positions.
_CLAUSES = re.compile(r"[,;:!?…()\[\]\n]|(?<!\w)\.|\.(?!\w)")


@lru_cache(maxsize=4)
def _scanned(text: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Lowercased words with DottedPartsFilter's parts, and NfcTokenizer's positions."""
    found: list[str] = []
    positions: list[int] = []
    pos = 0
    for clause in _CLAUSES.split(nfc(text)):
        words = WORD.findall(clause)
        if not words:
            continue
        if "." in clause:
            for word in words:
                parts = [part for part in word.split(".") if part] if "." in word else []
                found += [word, *parts]
                positions += [pos] * (1 + len(parts))
                pos += 1
        else:
            found += words
            positions += range(pos, pos + len(words))
            pos += len(words)
        pos += 1  # a clause break before the next word
    # Lowercased together: str.lower() never adds a space, and reads each word alone.
    lowered = " ".join(found).lower().split(" ") if found else []
    return tuple(lowered), tuple(positions)


def _folded(terms: tuple[str, ...]) -> list[str]:
    joined = " ".join(terms)
    if joined.isascii():  # lowercase ASCII folds to itself
        return list(terms)
    folded = joined.translate(_FOLDS).split(" ")
    if len(folded) != len(terms):  # a letter folded to a space: fold word by word
        folded = [term.translate(_FOLDS) for term in terms]
    return folded


@lru_cache(maxsize=100_000)
def _stem(term: str) -> str:
    return str(stem_english(term))

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


def fold(text: str) -> str:
    """Lowercase and strip diacritics, the way the FOLDING analyzer does.

    >>> fold("Bật đèn xanh ở Hà Nội")
    'bat den xanh o ha noi'
    """
    return nfc(text).lower().translate(_EXTRA_FOLDS).translate(accent_map)


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
            token.text = token.text.translate(_EXTRA_FOLDS).translate(accent_map)
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
ENGLISH = _folding() | StopFilter(minsize=1) | StemFilter(lang="en")
stem_english = stemmer_for_language("en")


def words(text: str) -> list[str]:
    """Split text into words the way the index does, keeping case and accents.

    >>> words("Tổng Thư ký, NATO’s chief")
    ['Tổng', 'Thư', 'ký', 'NATO', 's', 'chief']
    """
    return WORD.findall(nfc(text))

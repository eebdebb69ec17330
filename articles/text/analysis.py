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


class NfcTokenizer(Tokenizer):
    """RegexTokenizer that normalises its input to NFC first."""

    def __init__(self) -> None:
        self._inner = RegexTokenizer(WORD)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NfcTokenizer)

    def __call__(self, value: str, **kwargs: Any) -> Iterator[Token]:
        return self._inner(nfc(value), **kwargs)


class FoldFilter(CharsetFilter):
    """CharsetFilter(accent_map) plus đ→d."""

    def __init__(self) -> None:
        super().__init__(accent_map)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = token.text.translate(_EXTRA_FOLDS).translate(accent_map)
            yield token


def _folding() -> Composable:
    return NfcTokenizer() | LowercaseFilter() | FoldFilter()


FOLDING = _folding()
EXACT = NfcTokenizer() | LowercaseFilter()
# Snowball English (Porter2): the original Porter in whoosh leaves "planning" as "plann".
ENGLISH = _folding() | StopFilter(minsize=1) | StemFilter(lang="en")
stem_english = stemmer_for_language("en")


def words(text: str) -> list[str]:
    """Split text into words the way the index does, keeping case and accents.

    >>> words("Tổng Thư ký, NATO’s chief")
    ['Tổng', 'Thư', 'ký', 'NATO', 's', 'chief']
    """
    return WORD.findall(nfc(text))

"""tsvector and tsquery text for the PostgreSQL engine, analysed by the index's own analyzers.

PostgreSQL's parser and dictionaries would split, fold and stem differently from Whoosh
("PGS.TS", "u.s", hyphens, clause breaks, the đ→d fold), so the terms come from
articles.text (the analyzers both engines declare in search_indexes) and PostgreSQL receives
them as text to cast (`'ha':1 'noi':2`::tsvector, `'ha' <-> 'noi'`::tsquery): it stores,
matches and ranks them, and never analyses them again. Pure: no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from articles.text import index_terms

# PostgreSQL's limits: positions above 16,383 are stored as 16,383, a term is at most 2,046
# bytes, and a tsvector's terms together under 1 MB.
MAX_POSITION = 16_383
_MAX_TERM_BYTES = 2_046
_MAX_TERMS_BYTES = 1_048_575


def vector(analyzer: Any, text: str) -> str:
    """The tsvector (text form) of what `analyzer` indexes for `text`, 1-based positions.

    >>> from articles.text import FOLDING
    >>> vector(FOLDING, "Hà Nội, hà nội")
    "'ha':1 'noi':2 'ha':4 'noi':5"
    """
    return vector_literal(*index_terms(analyzer, text))


def vector_literal(terms: Sequence[str], positions: Sequence[int]) -> str:
    """Terms and their 0-based positions as a tsvector's text form (PostgreSQL merges repeats).

    A term PostgreSQL cannot store (empty, too long) is left out; past the 1 MB of terms a
    tsvector holds, later terms are. A term that only occurs past the last position
    PostgreSQL keeps is stored without a position: found by words, not by phrases.

    >>> vector_literal(["it's", "a", "", "b"], [0, 1, 2, 20_000])
    "'it''s':1 'a':2 'b'"
    """
    unique = dict.fromkeys(terms)
    quoted = {term: _quoted(term) for term in unique if _storable(term)}
    if sum(map(len, quoted)) * 4 > _MAX_TERMS_BYTES:  # UTF-8: at most 4 bytes a character
        quoted = _within_limit(quoted)
    if len(quoted) == len(unique) and (not positions or max(positions) < MAX_POSITION):
        # The usual case, kept fast: an import writes every article through here.
        return " ".join([f"{quoted[t]}:{p + 1}" for t, p in zip(terms, positions, strict=True)])
    parts = []
    placed: set[str] = set()
    for term, position in zip(terms, positions, strict=True):
        if term not in quoted:
            continue
        if position < MAX_POSITION:
            parts.append(f"{quoted[term]}:{position + 1}")
            placed.add(term)
        elif term not in placed:
            parts.append(quoted[term])
            placed.add(term)
    return " ".join(parts)


def query(analyzer: Any, text: str, how: str) -> str | None:
    """A tsquery (text form) for `text` as `analyzer` reads a query; None if nothing is left
    (a stop word alone). `how`: "words" (all of them), "phrase" (in this order) or
    "prefix" (the text is the start of a term).

    >>> from articles.text import ENGLISH, FOLDING
    >>> query(FOLDING, "Hà Nội", "phrase"), query(ENGLISH, "the troops", "words")
    ("'ha' <-> 'noi'", "'troop'")
    >>> query(FOLDING, "Thàn", "prefix"), query(ENGLISH, "the", "words")
    ("'than':*", None)
    """
    if how == "prefix":
        # As Whoosh reads a prefix: the whole text one term (lowercased, folded), no split.
        tokens = [t.text for t in analyzer(text, mode="query", tokenize=False, removestops=False)]
        return f"{_quoted(tokens[0])}:*" if tokens and _storable(tokens[0]) else None
    terms = [t.text for t in analyzer(text, mode="query") if _storable(t.text)]
    if not terms:
        return None
    return (" <-> " if how == "phrase" else " & ").join(map(_quoted, terms))


def either(queries: Sequence[str]) -> str:
    """Several tsqueries as one that matches any of them (to rank by all of a search's terms).

    >>> either(["'a' & 'b'", "'c' <-> 'd'"])
    "('a' & 'b') | ('c' <-> 'd')"
    """
    return " | ".join(f"({q})" for q in queries) if len(queries) > 1 else queries[0]


@lru_cache(maxsize=262_144)
def _quoted(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


@lru_cache(maxsize=262_144)
def _storable(term: str) -> bool:
    return bool(term) and (
        len(term) * 4 <= _MAX_TERM_BYTES or len(term.encode()) <= _MAX_TERM_BYTES
    )


def _within_limit(quoted: dict[str, str]) -> dict[str, str]:
    kept: dict[str, str] = {}
    total = 0
    for term, text in quoted.items():  # in order of first occurrence
        size = len(term.encode()) + 1
        if total + size > _MAX_TERMS_BYTES:
            break
        kept[term] = text
        total += size
    return kept

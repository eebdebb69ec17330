"""parse(q) -> Query: the search box syntax, and to_sq(query): the same as a haystack SQ.

Syntax: words (all must match), "quoted phrases", OR between two terms, -word or
-"phrase" to exclude. Adjacent Vietnamese syllables that form a word or a name ("Đà Nẵng",
"ha noi") are one term, matched as a phrase (search/units.py). Anything else is read as
words: an unbalanced quote runs to the end, a lone OR or - is dropped, punctuation separates
words. Parsing never fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from haystack.inputs import Clean, Exact
from haystack.query import SQ

from articles.search.units import segment
from articles.text import fold, nfc, words

# Each term is looked up in these fields at once (OR): `text` (folded) makes "bat den
# xanh" find "bật đèn xanh"; `text_exact` adds score when the accents match too;
# `title` adds score for title hits; `text_en` finds English inflections ("troops").
SEARCH_FIELDS = ("text", "text_exact", "title", "text_en")
MAX_TERMS = 32

_TOKEN = re.compile(r'(-?)"([^"]*)(?:"|$)|(\S+)')


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    phrase: bool = False
    negated: bool = False

    def __str__(self) -> str:
        text = " ".join(self.words)
        return ("-" if self.negated else "") + (f'"{text}"' if self.phrase else text)


@dataclass(frozen=True)
class Query:
    # AND of clauses; each clause is an OR of terms.
    clauses: tuple[tuple[Term, ...], ...]

    @property
    def is_empty(self) -> bool:
        return not any(not term.negated for clause in self.clauses for term in clause)

    def positive_words(self) -> list[str]:
        return [w for clause in self.clauses for t in clause if not t.negated for w in t.words]

    def __str__(self) -> str:
        return " ".join(" OR ".join(str(t) for t in clause) for clause in self.clauses)


def parse(q: str, units: bool = True) -> Query:
    """Parse the search box; with `units`, a word of several syllables is one phrase term.

    >>> str(parse('nato  libya OR "Hà Nội" -russia OR'))
    'nato libya OR "Hà Nội" -russia'
    >>> str(parse("Tổng thư ký NATO")), str(parse("tong thu ky NATO", units=False))
    ('"Tổng thư ký" NATO', 'tong thu ky NATO')
    """
    clauses: list[list[Term]] = []
    pending_or = False
    for match in _TOKEN.finditer(nfc(q)):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare == "OR":
            pending_or = bool(clauses)
            continue
        if bare is not None:
            negated = "-" if bare.startswith("-") else ""
        # A bare token that holds several words ("NATO’s", "Nga-Ấn") is read as a phrase.
        found = words(quoted if bare is None else bare)
        term_list = (
            [Term(tuple(found), phrase=bare is None or len(found) > 1, negated=bool(negated))]
            if found
            else []
        )
        for i, term in enumerate(term_list):
            if (
                pending_or
                and i == 0
                and not term.negated
                and not any(t.negated for t in clauses[-1])
            ):
                clauses[-1].append(term)
            else:
                clauses.append([term])
        pending_or = False if term_list else pending_or
    if units:
        clauses = _join_units(clauses)
    return Query(tuple(tuple(clause) for clause in clauses[:MAX_TERMS]))


def _join_units(clauses: list[list[Term]]) -> list[list[Term]]:
    """Runs of plain one-word clauses, with the words that form a unit joined as a phrase."""
    joined: list[list[Term]] = []
    run: list[Term] = []

    def flush() -> None:
        words = [term.words[0] for term in run]
        for start, end in segment(words):
            if end - start == 1:
                joined.append([run[start]])
            else:
                joined.append([Term(tuple(words[start:end]), phrase=True)])
        run.clear()

    for clause in clauses:
        term = clause[0]
        if len(clause) == 1 and not term.negated and not term.phrase and len(term.words) == 1:
            run.append(term)
            continue
        flush()
        joined.append(clause)
    flush()
    return joined


def to_sq(query: Query) -> tuple[SQ | None, list[SQ]]:
    """The query as haystack SQ objects, (must match, must not match): portable to every
    haystack backend."""
    positive = []
    negative = []
    for clause in query.clauses:
        if clause[0].negated:
            negative.append(_term_sq(clause[0], fields=("text",)))
        else:
            positive.append(reduce(or_, (_term_sq(term) for term in clause)))
    return (reduce(and_, positive) if positive else None), negative


def _term_sq(term: Term, fields: tuple[str, ...] = SEARCH_FIELDS) -> SQ:
    text = " ".join(term.words)
    value = Exact(text) if term.phrase else Clean(text)
    return reduce(or_, (SQ(**{field: value}) for field in fields))


def folded_terms(query: Query) -> set[str]:
    """Folded words the highlighter marks."""
    return {fold(w) for w in query.positive_words()}

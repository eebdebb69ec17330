"""parse(q) -> Query: the search box syntax, and to_sq(query): the same as a haystack SQ.

Syntax (the page's help lists it in both languages):
- words: all must match (`nato libya`); `AND` may be written out.
- `"quoted phrases"`: the words in this order.
- `OR` between two terms: either (`libya OR iraq nato` is (libya OR iraq) AND nato: OR binds
  tighter than AND, as in Google; use parentheses for anything else).
- `NOT word` or `-word`, `-"phrase"`, `NOT (a OR b)`: must not match.
- `( )` group.
- `title:word`, `title:"a phrase"`: in the headline; `source:VOV.VN`: by source name or
  domain; `lang:vi` / `lang:en`.
- `liby*`: words that start with "liby" (at least three letters before the star).
Operators count only in capitals: lowercase `and`, `or`, `not` are words ("or" is English,
"not" could be anything). Adjacent Vietnamese syllables that form a word or a name ("Đà
Nẵng", "ha noi") are one term, matched as a phrase (search/units.py). Anything else is read as
words: an unbalanced quote runs to the end, a missing `)` closes at the end, a stray `)` or a
lone operator is dropped, punctuation separates words. Parsing never
fails, and the parsed query prints back in this syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_
from typing import TypeAlias

from haystack.inputs import Clean, Exact
from haystack.query import SQ

from articles.search.units import segment
from articles.text import fold, nfc, words

# Each term is looked up in these fields at once (OR): `text` (folded) makes "bat den
# xanh" find "bật đèn xanh"; `text_exact` adds score when the accents match too;
# `title` adds score for title hits; `text_en` finds English inflections ("troops").
SEARCH_FIELDS = ("text", "text_exact", "title", "text_en")
FIELDS = ("title", "source", "lang")
MAX_TERMS = 32
MIN_PREFIX = 3

_TOKEN = re.compile(
    r"""(?P<open>\()|(?P<close>\))
      |(?P<minus>-)?(?:(?P<field>[A-Za-z]+):)?(?:"(?P<quoted>[^"]*)(?:"|$)|(?P<bare>[^\s()"]+))""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    phrase: bool = False
    negated: bool = False  # kept for callers that build terms by hand; parse() uses Not
    field: str = ""  # "", "title", "source" or "lang"
    prefix: bool = False  # the last word is a prefix (liby*)

    def __str__(self) -> str:
        text = " ".join(self.words)
        text = f'"{text}"' if self.phrase else text + ("*" if self.prefix else "")
        return ("-" if self.negated else "") + (f"{self.field}:" if self.field else "") + text


@dataclass(frozen=True)
class All:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Any_:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node: TypeAlias = Term | All | Any_ | Not


@dataclass(frozen=True)
class Query:
    root: Node | None = None
    terms: tuple[Term, ...] = field(default=())  # every term, in order

    @property
    def is_empty(self) -> bool:
        return not self.positive_terms()

    def positive_terms(self) -> list[Term]:
        return list(_positive(self.root)) if self.root is not None else []

    def positive_words(self) -> list[str]:
        """Words the text must or may contain (what the highlighter marks)."""
        return [w for t in self.positive_terms() if t.field in ("", "title") for w in t.words]

    def plain_words(self) -> list[str]:
        """The words, when the query is nothing but words and phrases that must all match."""
        items = self.root.items if isinstance(self.root, All) else (self.root,)
        if not all(isinstance(i, Term) and not i.field and not i.prefix for i in items):
            return []
        return [w for item in items if isinstance(item, Term) for w in item.words]

    def __str__(self) -> str:
        return _show(self.root, top=True) if self.root is not None else ""


def parse(q: str, units: bool = True) -> Query:
    """Parse the search box; with `units`, a word of several syllables is one phrase term.

    >>> str(parse('nato  libya OR "Hà Nội" -russia OR'))
    'nato libya OR "Hà Nội" -russia'
    >>> str(parse("Tổng thư ký NATO")), str(parse("tong thu ky NATO", units=False))
    ('"Tổng thư ký" NATO', 'tong thu ky NATO')
    >>> str(parse("(nato OR un) AND NOT title:libya liby* lang:vi"))
    'nato OR un -title:libya liby* lang:vi'
    """
    parser = _Parser(_tokens(nfc(q)), units)
    root = parser.expression(top=True)
    return Query(root, tuple(parser.terms))


def to_sq(
    query: Query,
    sources: dict[str, list[int]] | None = None,
    exact_accents: bool = False,
    alternatives: Sequence[tuple[tuple[int, ...], SQ]] = (),
) -> tuple[SQ | None, list[SQ]]:
    """The query as haystack SQ objects, (must match, must not match): portable to every
    haystack backend. `sources` maps a `source:` value to the ids it names (None: none);
    `exact_accents` matches words only with the diacritics typed; `alternatives` gives,
    for runs of the query's top-level items (by index), a condition that may match instead
    (a concept's terms in the other language, search/concepts.py)."""
    if query.root is None:
        return None, []
    how = _How(sources or {}, exact_accents)
    items = query.root.items if isinstance(query.root, All) else (query.root,)
    instead: dict[tuple[int, ...], SQ] = {}
    for span, condition in alternatives:
        instead[span] = instead[span] | condition if span in instead else condition
    grouped = {index for span in instead for index in span}
    positive = [
        _sq(item, how)
        for index, item in enumerate(items)
        if not isinstance(item, Not) and index not in grouped
    ]
    positive += [
        reduce(and_, [_sq(items[index], how) for index in span]) | condition
        for span, condition in instead.items()
    ]
    # An exclusion removes every form the search would match, folded or exact.
    negative = [_sq(item.item, _How(how.sources, False)) for item in items if isinstance(item, Not)]
    return (reduce(and_, positive) if positive else None), negative


def folded_terms(query: Query) -> set[str]:
    """Folded words the highlighter marks."""
    return {fold(w) for w in query.positive_words()}


def source_values(query: Query) -> list[str]:
    """The values of the query's `source:` terms, to be resolved to source ids."""
    return [" ".join(t.words) for t in query.terms if t.field == "source"]


# Tokens: ("(", ""), (")", ""), ("op", "AND"|"OR"|"NOT"), ("term", Term).
Token = tuple[str, object]


def _tokens(text: str) -> Iterator[Token]:
    for match in _TOKEN.finditer(text):
        if match["open"]:
            yield "(", ""
            continue
        if match["close"]:
            yield ")", ""
            continue
        bare, quoted, name = match["bare"], match["quoted"], (match["field"] or "").lower()
        if bare in ("AND", "OR", "NOT") and not match["minus"] and not name:
            yield "op", bare
            continue
        if name and name not in FIELDS:
            # "http://x" or "Note:" is text, not a field
            bare = f"{match['field']}:{bare or ''}" if quoted is None else bare
            name = ""
        prefix = bare is not None and bare.endswith("*")
        found = words(quoted if quoted is not None else bare or "")
        if prefix and (len(found) != 1 or len(found[0]) < MIN_PREFIX):
            prefix = False  # "a*" or "*" would match half the vocabulary: read as words
        if not found:
            continue
        if match["minus"]:
            yield "op", "-"
        term = Term(tuple(found), phrase=quoted is not None or len(found) > 1, field=name)
        yield "term", Term(term.words, term.phrase and not prefix, False, name, prefix)


class _Parser:
    """Recursive descent: sequence := group+ (AND is optional between groups);
    group := unary (OR unary)*; unary := (NOT|-) unary | "(" sequence ")" | term."""

    def __init__(self, tokens: Iterator[Token], units: bool) -> None:
        self.tokens = list(tokens)
        self.at = 0
        self.units = units
        self.terms: list[Term] = []
        self.depth = 0

    def peek(self) -> Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def expression(self, top: bool = False) -> Node | None:
        items: list[Node] = []
        while (token := self.peek()) is not None:
            if token == (")", ""):
                self.at += 1
                if top:
                    continue  # a stray ")" is dropped
                break
            if token == ("op", "AND"):
                self.at += 1
                continue
            if token == ("op", "OR"):
                self.at += 1  # an OR with nothing before it
                continue
            node = self.group()
            if node is not None:
                items.append(node)
        if self.units:
            items = _join_units(items)
        return _all(items)

    def group(self) -> Node | None:
        first = self.unary()
        either = [first] if first is not None else []
        while self.peek() == ("op", "OR"):
            self.at += 1
            nxt = self.peek()
            if nxt is None or nxt in ((")", ""), ("op", "OR"), ("op", "AND")):
                break  # "nato OR" : the OR is dropped
            other = self.unary()
            if other is not None:
                either.append(other)
        if len(either) > 1:
            return Any_(tuple(either))
        return either[0] if either else None

    def unary(self) -> Node | None:
        token = self.peek()
        if token is None:
            return None
        self.at += 1
        kind, value = token
        if kind == "op" and value in ("NOT", "-"):
            inner = self.unary()
            if inner is None:
                return None
            return inner.item if isinstance(inner, Not) else Not(inner)
        if kind == "(":
            if self.depth >= 8:
                return None
            self.depth += 1
            inner = self.expression()
            self.depth -= 1
            return inner
        if kind == "term" and isinstance(value, Term) and len(self.terms) < MAX_TERMS:
            self.terms.append(value)
            return value
        return None


def _all(items: list[Node]) -> Node | None:
    # "(a b) c" is "a b c": groups inside a sequence need no nesting.
    items = [part for item in items for part in (item.items if isinstance(item, All) else (item,))]
    if not items:
        return None
    if all(isinstance(item, Not) for item in items):
        return All(tuple(items))  # exclusions alone: everything but them
    return items[0] if len(items) == 1 else All(tuple(items))


def _join_units(items: list[Node]) -> list[Node]:
    """Runs of plain one-word terms, with the words that form a unit joined as a phrase."""
    joined: list[Node] = []
    run: list[Term] = []

    def flush() -> None:
        found = [term.words[0] for term in run]
        for start, end in segment(found):
            if end - start == 1:
                joined.append(run[start])
            else:
                joined.append(Term(tuple(found[start:end]), phrase=True))
        run.clear()

    for item in items:
        if (
            isinstance(item, Term)
            and not item.phrase
            and not item.field
            and not item.prefix
            and len(item.words) == 1
        ):
            run.append(item)
            continue
        flush()
        joined.append(item)
    flush()
    return joined


def _positive(node: Node | None) -> Iterator[Term]:
    if isinstance(node, Term):
        yield node
    elif isinstance(node, (All, Any_)):
        for item in node.items:
            yield from _positive(item)


def _show(node: Node | None, top: bool = False) -> str:
    if node is None:
        return ""
    if isinstance(node, Term):
        return str(node)
    if isinstance(node, Not):
        inner = node.item
        if isinstance(inner, Term):
            return f"-{inner}"
        return f"NOT ({_show(inner)})" if isinstance(inner, (All, Any_)) else f"NOT {_show(inner)}"
    if isinstance(node, Any_):
        # OR binds tighter than AND: only a group of several terms needs parentheses.
        return " OR ".join(
            f"({_show(item)})" if isinstance(item, All) else _show(item) for item in node.items
        )
    return " ".join(_show(item) for item in node.items)


@dataclass(frozen=True)
class _How:
    sources: dict[str, list[int]]
    exact_accents: bool


def _sq(node: Node, how: _How) -> SQ:
    if isinstance(node, Term):
        return _term_sq(node, how)
    if isinstance(node, Not):
        return ~_sq(node.item, _How(how.sources, False))
    parts = [_sq(item, how) for item in node.items]
    return reduce(or_ if isinstance(node, Any_) else and_, parts)


def _term_sq(term: Term, how: _How) -> SQ:
    text = " ".join(term.words)
    if term.field == "lang":
        code = fold(text)[:2]
        return SQ(language=Exact(code if code in ("vi", "en") else "none"))
    if term.field == "source":
        ids = how.sources.get(text) or [0]  # 0: no source; an unknown name matches nothing
        return reduce(or_, (SQ(source_id=Exact(pk)) for pk in ids))
    if how.exact_accents:
        # text_exact keeps the diacritics; a title: term is also held to the title.
        exact = _words_sq("text_exact", term, text.lower())
        return exact & _words_sq("title", term, fold(text)) if term.field == "title" else exact
    if term.prefix:
        # Prefixes are matched folded: "liby*" and "thàn*" alike.
        return _words_sq("title" if term.field else "text", term, fold(text))
    fields = ("title",) if term.field == "title" else SEARCH_FIELDS
    return reduce(or_, (_words_sq(name, term, text) for name in fields))


def _words_sq(name: str, term: Term, text: str) -> SQ:
    if term.prefix:
        return SQ(**{f"{name}__startswith": text})
    return SQ(**{name: Exact(text) if term.phrase else Clean(text)})

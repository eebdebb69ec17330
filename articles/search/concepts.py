"""Concept expansion: a query's words that name a glossary concept also find the concept's
terms in the other language ("ceasefire" finds "lệnh ngừng bắn"), as entity names do.

Only the terms that must all match are expanded (plain words and phrases, not `title:`,
prefixes, OR groups or exclusions); `literal=1` turns expansion off. Each concept becomes one
alternative for the query terms that named it: (those terms) OR (any of its terms). English
terms are looked up in `text_en` (stemmed: "ceasefires"), Vietnamese terms in `text_exact`
(with their diacritics: folded, "đảng" would also find every "đang").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from haystack.inputs import Exact
from haystack.query import SQ

from articles.concepts import LANGUAGES, ConceptMatch, Glossary, GlossaryEntry, term_words
from articles.search.query import All, Query, Term
from articles.text import fold

# A query of more words is a pasted text, not a search for concepts.
MAX_WORDS = 24


@dataclass(frozen=True)
class ConceptExpansion:
    """A concept the query named (in `language`, with `words`), and what it adds."""

    concept: GlossaryEntry
    language: str
    words: str
    items: tuple[int, ...]  # the query's top-level items it stands for

    @property
    def other_terms(self) -> tuple[str, ...]:
        return self.concept.terms("vi" if self.language == "en" else "en")

    @property
    def condition(self) -> SQ:
        # The words as typed are searched already (in every field): not again here, where
        # each phrase is one more positions read per matching document.
        typed = term_words(self.words, self.language)
        english = [SQ(text_en=Exact(t)) for t in self.concept.en if self._other(t, "en", typed)]
        vietnamese = [
            SQ(text_exact=Exact(t.lower())) for t in self.concept.vi if self._other(t, "vi", typed)
        ]
        return reduce(or_, english + vietnamese)

    def _other(self, term: str, language: str, typed: tuple[str, ...]) -> bool:
        return language != self.language or term_words(term, language) != typed

    def highlighted(self) -> set[str]:
        """Folded words the highlighter marks in the other language's articles."""
        return {word for term in self.other_terms for word in fold(term).split()}


def expand_concepts(query: Query, glossary: Glossary) -> list[ConceptExpansion]:
    """The concepts named by runs of the query's must-match terms, longest first."""
    items = query.root.items if isinstance(query.root, All) else (query.root,)
    # Word positions of each plain top-level term: (first word, end) → item index.
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    words: list[str] = []
    for index, item in enumerate(items):
        if isinstance(item, Term) and not item.field and not item.prefix:
            starts[len(words)] = index
            words += item.words
            ends[len(words)] = index
        else:
            words.append("_")  # no glossary term has it: nothing matches across the item
    if not starts or len(words) > MAX_WORDS:
        return []
    text = " ".join(words)
    found: list[ConceptMatch] = []
    for language in LANGUAGES:
        matches = glossary.matches(text, language)
        found += [m for m in matches if m.start in starts and m.end in ends]
    if fold(text) == text.lower():
        # Typed without diacritics, one Vietnamese syllable is too many words at once ("no"
        # is "nợ", debt; "cho" is "chợ", market): only terms of two or more are expanded.
        found = [m for m in found if m.language != "vi" or m.end - m.start > 1]
    found.sort(key=lambda m: (m.start - m.end, m.start))
    taken: set[int] = set()
    chosen: list[ConceptExpansion] = []
    for match in found:
        span = set(range(match.start, match.end))
        entry = glossary.get(match.concept)
        other = "vi" if match.language == "en" else "en"
        if entry is None or not entry.terms(other):
            continue  # a concept a curator left without terms in the other language
        if span & taken and not _same_span(match, chosen, starts, ends):
            continue
        taken |= span
        item_span = tuple(range(starts[match.start], ends[match.end] + 1))
        said = " ".join(words[match.start : match.end])
        if not any(c.concept.id == entry.id for c in chosen):
            chosen.append(ConceptExpansion(entry, match.language, said, item_span))
    return chosen


def _same_span(
    match: ConceptMatch,
    chosen: list[ConceptExpansion],
    starts: dict[int, int],
    ends: dict[int, int],
) -> bool:
    # Two concepts named by the very same words (a term both list) are both expanded.
    span = tuple(range(starts[match.start], ends[match.end] + 1))
    return any(c.items == span for c in chosen)

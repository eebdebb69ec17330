"""The bilingual concept glossary: news concepts named in English and in Vietnamese.

A concept ("ceasefire") has an id, a kind, English terms (spelling variants included) and
Vietnamese terms (NFC, with their diacritics). Matching is on whole words and phrases with
diacritics folded (đ→d), so "lenh ngung ban" finds "lệnh ngừng bắn"; English words also match
their plural ("elections" finds "election"). A text written with diacritics must carry the
term's own: folded, "đảng" (party) would also be "đang" (now) and "chợ" (market) "cho" (give),
so only a text typed without any diacritics (a query, mostly) is matched folded. Pure: no
database, nothing above text/.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from articles.text import WORD, fold, nfc

LANGUAGES = ("en", "vi")
KINDS = ("role", "institution", "event", "theme")
DATA_PATH = Path(__file__).resolve().parent / "data" / "glossary.tsv"
HEADER = ("id", "kind", "en", "vi")

_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
# A phrase longer than this is no glossary term; it bounds the scan at each word.
MAX_TERM_WORDS = 8


class GlossaryError(ValueError):
    """The glossary data breaks a rule; the message names the line and the problem."""


@dataclass(frozen=True)
class GlossaryEntry:
    """One concept: its id, kind and terms in each language (the first is the usual one)."""

    id: str
    kind: str
    en: tuple[str, ...]
    vi: tuple[str, ...]

    def terms(self, language: str) -> tuple[str, ...]:
        return self.en if language == "en" else self.vi if language == "vi" else self.en + self.vi


@dataclass(frozen=True)
class ConceptMatch:
    """A glossary term found in a text: words [start, end) of `language` express `concept`."""

    concept: str
    language: str
    start: int
    end: int


def _singular(word: str) -> str:
    # English plurals only, and only the regular ones: "elections" → "election",
    # "casualties" → "casualty"; "crisis" and "press" keep their s.
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "is", "us")):
        return word[:-1]
    return word


# Every article's text is scanned (bridge keys, #14), and news repeats its words (#10).
_fold_word = lru_cache(maxsize=1 << 16)(fold)


def _words(text: str, language: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Lowercased words and their folded keys (English plurals made singular)."""
    lowered = WORD.findall(nfc(text).lower())
    folded = [_fold_word(word) for word in lowered]
    if language == "en":
        return tuple(map(_singular, lowered)), tuple(map(_singular, folded))
    return tuple(lowered), tuple(folded)


def term_words(text: str, language: str) -> tuple[str, ...]:
    """The keys a term or a text is matched on: folded words, English plurals made singular.

    >>> term_words("Lệnh ngừng bắn", "vi")
    ('lenh', 'ngung', 'ban')
    >>> term_words("Defence Ministers", "en")
    ('defence', 'minister')
    """
    return _words(text, language)[1]


_Candidate = tuple[tuple[str, ...], tuple[str, ...], str]


class Glossary:
    """Concepts and the index that finds their terms in a text."""

    def __init__(self, entries: Iterable[GlossaryEntry]) -> None:
        self.entries: dict[str, GlossaryEntry] = {}
        # language → first folded word → (folded words, written words, concept id), longest
        # terms first
        self._starts: dict[str, dict[str, list[_Candidate]]]
        self._starts = {language: {} for language in LANGUAGES}
        for entry in entries:
            self.entries[entry.id] = entry
            for language in LANGUAGES:
                for term in entry.terms(language):
                    written, key = _words(term, language)
                    if not key or len(key) > MAX_TERM_WORDS:
                        continue
                    candidate = (key, written, entry.id)
                    found = self._starts[language].setdefault(key[0], [])
                    if candidate not in found:
                        found.append(candidate)
        for by_word in self._starts.values():
            for candidates in by_word.values():
                candidates.sort(key=lambda item: -len(item[0]))

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, concept: object) -> bool:
        return concept in self.entries

    def get(self, concept: str) -> GlossaryEntry | None:
        return self.entries.get(concept)

    def matches(self, text: str, language: str) -> list[ConceptMatch]:
        """Terms of `language` in `text`, longest first at each word, not overlapping.

        >>> [m.concept for m in load_glossary().matches("Talks on a ceasefire", "en")]
        ['negotiation', 'ceasefire']
        """
        if language not in LANGUAGES:
            return self.matches(text, "en") + self.matches(text, "vi")
        written, words = _words(text, language)
        # Typed without diacritics: matched folded; with them: as written (see the docstring).
        exact = written != words
        starts = self._starts[language]
        found: list[ConceptMatch] = []
        i = 0
        while i < len(words):
            end = 0
            for key, term, concept in starts.get(words[i], ()):
                if end and len(key) < end - i:
                    break
                stop = i + len(key)
                if words[i:stop] == key and (not exact or written[i:stop] == term):
                    match = ConceptMatch(concept, language, i, stop)
                    if match not in found[-4:]:
                        found.append(match)
                    end = stop
            i = end or i + 1
        return found

    def concepts_in(self, text: str, language: str) -> set[str]:
        """Ids of the concepts whose `language` terms occur in `text` as whole words.

        >>> sorted(load_glossary().concepts_in("Cuộc bầu cử và lệnh ngừng bắn", "vi"))
        ['ceasefire', 'election']
        """
        return {match.concept for match in self.matches(text, language)}

    def expand(self, phrase: str, language: str) -> list[str]:
        """The other language's terms for the concept(s) `phrase` names in `language`.

        >>> load_glossary().expand("ceasefire", "en")[:2]
        ['lệnh ngừng bắn', 'ngừng bắn']
        """
        if language not in LANGUAGES:
            return self.expand(phrase, "en") + self.expand(phrase, "vi")
        other = "vi" if language == "en" else "en"
        written, key = _words(phrase, language)
        found: list[str] = []
        exact = written != key
        for _key, term, concept in self._starts[language].get(key[0] if key else "", ()):
            if _key == key and (not exact or written == term):
                found += [t for t in self.entries[concept].terms(other) if t not in found]
        return found


def _terms(cell: str, where: str) -> tuple[str, ...]:
    terms = tuple(nfc(term).strip() for term in cell.split("|"))
    if not all(terms):
        raise GlossaryError(f"{where}: an empty term (a stray '|'?)")
    return terms


def parse_glossary(text: str, origin: str = "glossary") -> list[GlossaryEntry]:
    """Entries of a glossary TSV: id, kind, English terms, Vietnamese terms ('|' between terms).

    >>> parse_glossary("id\\tkind\\ten\\tvi\\nvote\\tevent\\tvote|ballot\\tbỏ phiếu\\n")[0].en
    ('vote', 'ballot')
    """
    entries: list[GlossaryEntry] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{origin} line {number}"
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if tuple(cells) == HEADER:
            continue
        if len(cells) != len(HEADER):
            raise GlossaryError(f"{where}: {len(cells)} columns, expected {len(HEADER)}")
        concept, kind, en, vi = (cell.strip() for cell in cells)
        if not _ID.fullmatch(concept):
            raise GlossaryError(f"{where}: id {concept!r} is not lowercase letters, digits, -")
        if concept in seen:
            raise GlossaryError(f"{where}: id {concept!r} appears twice")
        if kind not in KINDS:
            raise GlossaryError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
        seen.add(concept)
        entries.append(GlossaryEntry(concept, kind, _terms(en, where), _terms(vi, where)))
    return entries


_SHIPPED: Glossary | None = None


def load_glossary() -> Glossary:
    """The shipped glossary (data/glossary.tsv), read once."""
    global _SHIPPED
    if _SHIPPED is None:
        entries = parse_glossary(DATA_PATH.read_text(encoding="utf-8"), DATA_PATH.name)
        _SHIPPED = Glossary(entries)
    return _SHIPPED

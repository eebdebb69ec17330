"""Link article text to registry entities, and collect proper names the registry lacks.

Pure: no DB. A Linker compiles every alias once into a trie over folded words (the same
words analysis.words() gives), so linking is one left-to-right pass; the longest alias that
passes the rules below wins and consumes its words.

Rules, in the order a match must pass them:
- Word boundaries: aliases match whole words; between two words of an alias the text may
  have any whitespace (a line break too, not a blank line) or a hyphen; other punctuation
  only where the alias has it ("U.S. Virgin Islands", "Nhà nước Hồi giáo (IS)").
- Accents: a word matches with the same diacritics (tone-mark placement aside: "hoà" is
  "hòa"). A word typed without any diacritics may match the folded alias when the alias is
  not Vietnamese ("Erdogan") or the whole article is typed without diacritics.
- Case: a capitalised alias word needs a capitalised text word; an acronym (IS, US, EU) needs
  the word in capitals, and acronyms that are also common words (IS, US, WHO) never match in
  an all-capitals line such as a Reuters headline. In an article typed without diacritics,
  Vietnamese aliases ignore case, because such text is usually typed without capitals too.
- One-syllable Vietnamese aliases (Anh, Mỹ, Pháp, Đức, Nga, Ý, Úc...) are also common words
  or given names, so they match in Vietnamese articles only, and only when capitalised, not
  followed by a syllable that makes a common word of them ("Pháp luật", "Ý kiến", "Anh ấy"),
  and not next to another capitalised Vietnamese syllable, which makes a personal name
  ("Tuấn Anh", "Thu Nga", "Đức Anh") unless it is a cue such as "Nước Anh". Sentence-initial
  "Anh" is the pronoun ("Anh cho biết...") unless followed by "và"/"cùng" or a comma or
  dash ("Anh và Pháp", "Anh, Pháp"). Lowercase forms in an unaccented article ("chinh phu nga
  va my") need a cue word before them or a coordinated country next to them.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache

from articles.entities.candidates import (
    STARTERS,
    CandidateName,
    capitalised_runs,
    junk_reason,
    trim_run,
)
from articles.entities.registry import EntityRecord
from articles.entities.words import HYPHENS, Doc, alias_words, name_key
from articles.text import VI_SYLLABLE, WORD, fold, nfc

# Combining tone marks: Vietnamese writers place them on different vowels ("hoà"/"hòa").
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
# Acronyms that are also ordinary words: meaningless when a whole line is in capitals.
_WORDLIKE_ACRONYMS = frozenset(
    "is us it as at an on or in no so to up who ap sec ida ico bis ec".split()
)

# One-syllable Vietnamese aliases: the next syllable that turns each into a common word.
_VI_COMPOUNDS = {
    alias: frozenset(followers.split())
    for alias, followers in {
        "anh": "ay em chi ta trai ho re ca hung hai ba tu lam con rang nay",
        "my": "pham thuat nhan man vi quan hoc nghe le mieu tho tuc dieu y kim cam tu",
        "phap": "luat ly lenh che y su danh mon quyen dinh nhan truong thuat bao dien phuc tri "
        "tang hoi khi hanh",
        "duc": "tin tinh do hanh phat chua cha me vua hy the ba ong tai giao kito",
        "y": "kien nghia tuong thuc chi dinh muon niem tu do nguyen thich vi te hop nghi toi "
        "anh em",
        "nhat": "ky trinh thuc dinh thiet le",
        "an": "tuong pham dinh hanh loat ky nut quan tin",
        "ao": "khoac dai so mua thun len giap quan choang tam ba coc gio ao cuoi vest phong dau "
        "lua vang xanh trang do den hong tim moi dep cua",
        "lao": "dong dao cong xao luc tam khoa lang",
    }.items()
}
# Words before a country name that make a one-syllable alias a place, not a given name.
_VI_CUES = frozenset(
    "nuoc nguoi phia tai o cua voi va tham sang den tu cung giua phu thong tuong giao doi".split()
)
_VI_AFTER_CUES = frozenset({"va", "cung"})
# Before a one-syllable alias these make it a language ("tiếng Anh") or a person ("chị Nga").
_VI_NOT_PLACE = frozenset(
    "tiếng chị anh em cô bà ông bác chú cháu bé cụ thím dì mợ chàng nàng tên họ".split()
)
# One-syllable aliases that open sentences as ordinary words ("Anh cho biết", "Ấn nút").
_VI_STRICT_AT_START = frozenset({"anh", "an", "ao"})
_VI_COORDINATORS = frozenset({"va", "voi", "cung", "and"})

# What Linker.link() finds in a text: mentions per registry id, and candidate names.
Links = tuple[dict[str, int], list[CandidateName]]


@dataclass(frozen=True)
class MentionSpan:
    entity_id: str
    alias: str
    start: int  # offsets into nfc(text)
    end: int


@dataclass(frozen=True)
class _Pattern:
    entity_id: str
    text: str
    lang: str
    keys: tuple[str, ...]  # accent keys, see _accent_key
    capitals: tuple[bool, ...]
    uppers: tuple[bool, ...]
    gaps: tuple[frozenset[str], ...]  # punctuation the alias has between word k and k+1
    short_vi: bool
    wordlike: bool
    dot_end: bool  # "Calif.", "N.J.": the abbreviation's full stop is part of the name


class _Node:
    __slots__ = ("children", "patterns")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.patterns: list[_Pattern] = []


class Linker:
    """Every alias of every record, compiled once; link as many texts as you like."""

    def __init__(self, records: Iterable[EntityRecord]) -> None:
        self._root = _Node()
        self._known: set[str] = set()
        self._kinds: dict[str, str] = {}
        for record in records:
            self._kinds[record.id] = record.kind
            for alias in record.aliases:
                pattern = _compile(record.id, alias.text, alias.lang, alias.acronym)
                if pattern is None:
                    continue
                node = self._root
                for word in alias_words(alias.text):
                    node = node.children.setdefault(fold(word), _Node())
                node.patterns.append(pattern)
                self._known.add(name_key(alias.text))

    def find_mentions(self, text: str, language: str) -> dict[str, int]:
        """How often each entity is mentioned.

        >>> from articles.entities.registry import country_records
        >>> Linker(country_records()).find_mentions("Anh và Pháp họp với Nga.", "vi")
        {'country-gb': 1, 'country-fr': 1, 'country-ru': 1}
        """
        return dict(Counter(mention.entity_id for mention in self.mentions(text, language)))

    def mentions(self, text: str, language: str) -> list[MentionSpan]:
        """Every mention in text order, with its offsets into nfc(text)."""
        return self._link(Doc(text, language))[0]

    def find_candidates(
        self, text: str, language: str, known: Collection[str] = ()
    ) -> list[CandidateName]:
        """Runs of capitalised words that neither the registry nor `known` names.

        >>> Linker([]).find_candidates("Họa sĩ Minh Đàm vẽ. Minh Đàm cười.", "vi")
        [CandidateName(text='Minh Đàm', lang='vi', count=2)]
        """
        return self.link(text, language, known)[1]

    def link(self, text: str, language: str, known: Collection[str] = ()) -> Links:
        """find_mentions and find_candidates in one pass over the text (an import does both).

        >>> Linker([]).link("Họa sĩ Minh Đàm vẽ.", "vi")
        ({}, [CandidateName(text='Minh Đàm', lang='vi', count=1)])
        """
        doc = Doc(text, language)
        spans, taken = self._link(doc)
        mentions = dict(Counter(span.entity_id for span in spans))
        return mentions, self._candidates(doc, language, taken, known)

    def _candidates(
        self, doc: Doc, language: str, taken: set[int], known: Collection[str]
    ) -> list[CandidateName]:
        also_known = {name_key(name) for name in known}
        counts: Counter[str] = Counter()
        for run in capitalised_runs(doc, taken):
            run = trim_run(doc, run)
            if len(run) < 2:
                continue
            name = " ".join(doc.text[doc.starts[run[0]] : doc.ends[run[-1]]].split())
            key = name_key(name)
            if key in self._known or key in also_known:
                continue
            # Junk never reaches the curators' queue (#14). Vietnamese name syllables are
            # ordinary words too, so "written in lower case elsewhere" says nothing there.
            generic = language != "vi" and all(doc.words[t].lower() in doc.lowercase for t in run)
            if not junk_reason(name, language, generic):
                counts[name] += 1
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return [CandidateName(name, language, count) for name, count in ordered]

    def _link(self, doc: Doc) -> tuple[list[MentionSpan], set[int]]:
        found: dict[int, tuple[int, _Pattern]] = {}  # first word -> (end word, pattern)
        pending: list[tuple[int, _Pattern]] = []
        i, count = 0, len(doc.words)
        while i < count:
            node, best, maybe = self._root, None, None
            j = i
            while j < count:
                child = node.children.get(doc.folded[j])
                if child is None:
                    break
                node, j = child, j + 1
                for pattern in node.patterns:
                    verdict = _accepts(pattern, doc, i)
                    if verdict is True:
                        best, maybe = (j, pattern), None
                        break
                    if verdict is None and best is None:
                        maybe = (j, pattern)
            if best is not None:
                found[i] = best
                i = best[0]
            else:
                if maybe is not None:
                    pending.append((i, maybe[1]))
                i += 1
        _coordinate(doc, found, pending, self._kinds)
        mentions: list[MentionSpan] = []
        taken: set[int] = set()
        for start in sorted(found):
            end, pattern = found[start]
            taken.update(range(start, end))
            mentions.append(
                MentionSpan(pattern.entity_id, pattern.text, doc.starts[start], doc.ends[end - 1])
            )
        return mentions, taken


def _accepts(pattern: _Pattern, doc: Doc, i: int) -> bool | None:
    """True: a mention. False: not one. None: only if a coordinated country vouches for it."""
    for k, key in enumerate(pattern.keys):
        t = i + k
        word = doc.words[t]
        if k and not _gap_ok(doc.gaps[t], pattern.gaps[k - 1]):
            return False
        if _accent_key(word) != key:
            plain = doc.folded[t] == word.lower()
            if not (plain and (doc.unaccented or pattern.lang != "vi")):
                return False
        if pattern.uppers[k]:
            if not word.isupper():
                return False
        elif pattern.capitals[k] and not word[0].isupper():
            if not (doc.unaccented and pattern.lang != "en"):
                return False
    if pattern.wordlike and doc.shouting[i]:
        return False
    if pattern.dot_end and doc.text[doc.ends[i + len(pattern.keys) - 1] :][:1] != ".":
        return False
    if pattern.short_vi:
        return _short_vi_verdict(pattern, doc, i)
    return True


def _short_vi_verdict(pattern: _Pattern, doc: Doc, i: int) -> bool | None:
    if doc.language != "vi":
        return False
    word, alias = doc.words[i], doc.folded[i]
    after = i + 1 if doc.joined(i + 1) else None
    before = i - 1 if doc.joined(i) else None
    if after is not None and doc.folded[after] in _VI_COMPOUNDS.get(alias, ()):
        return False
    if before is not None and doc.words[before] in _VI_NOT_PLACE:
        return False
    cue_before = before is not None and doc.folded[before] in _VI_CUES
    if not word[0].isupper():
        return True if cue_before else None
    strict = doc.shouting[i] or (alias in _VI_STRICT_AT_START and doc.sentence_initial[i])
    if strict:
        gap_after = doc.gaps[i + 1] if i + 1 < len(doc.words) else ""
        return (
            cue_before
            or (after is not None and doc.folded[after] in _VI_AFTER_CUES)
            or bool(set(gap_after) & (HYPHENS | {","}))
        )
    if before is not None and not cue_before and _name_syllable(doc, before):
        return False  # a given name: "Tuấn Anh", "Thu Nga", "Đức Anh"
    if after is not None and _name_syllable(doc, after):
        # "Mỹ Tâm" is a name; "tại Nga Ngày 25/8" is a run-on headline.
        return doc.folded[after] in STARTERS or doc.words[after].lower() in doc.lowercase
    return True


def _name_syllable(doc: Doc, k: int) -> bool:
    return doc.words[k][0].isupper() and bool(VI_SYLLABLE.fullmatch(doc.folded[k]))


def _coordinate(
    doc: Doc,
    found: dict[int, tuple[int, _Pattern]],
    pending: list[tuple[int, _Pattern]],
    kinds: dict[str, str],
) -> None:
    """Accept doubtful one-syllable names next to a linked place: "nga va my", "my, nga"."""
    changed = True
    while pending and changed:
        changed = False
        places = {start for start, (_, p) in found.items() if kinds.get(p.entity_id) == "place"}
        ends = {found[start][0] - 1 for start in places}
        for item in list(pending):
            i = item[0]
            if any(t in ends or t in places for t in _coordinated(doc, i)):
                found[i] = (i + 1, item[1])
                pending.remove(item)
                changed = True


def _coordinated(doc: Doc, i: int) -> list[int]:
    """Words linked to word i by a comma, a dash or a coordinating word."""
    linked = []
    for step in (-1, 1):
        near = i + step
        if not 0 <= near < len(doc.words):
            continue
        gap = doc.gaps[max(i, near)]
        if set(gap.strip()) & (HYPHENS | {","}):
            linked.append(near)
        elif doc.folded[near] in _VI_COORDINATORS and 0 <= near + step < len(doc.words):
            linked.append(near + step)
    return linked


def _compile(entity_id: str, text: str, lang: str, acronym: bool) -> _Pattern | None:
    matches = list(WORD.finditer(nfc(text)))
    if not matches:
        return None
    words = [match.group() for match in matches]
    gaps = tuple(
        frozenset(
            text_gap
            for text_gap in nfc(text)[matches[k].end() : matches[k + 1].start()]
            if not text_gap.isspace() and text_gap not in HYPHENS
        )
        for k in range(len(matches) - 1)
    )
    uppers = tuple(
        (acronym or len(word) > 1) and word.isupper() and any(c.isalpha() for c in word)
        for word in words
    )
    single = len(words) == 1 and not uppers[0]
    return _Pattern(
        entity_id=entity_id,
        text=text,
        lang=lang,
        keys=tuple(_accent_key(word) for word in words),
        capitals=tuple(word[0].isupper() for word in words),
        uppers=uppers,
        gaps=gaps,
        short_vi=single and lang == "vi" and bool(VI_SYLLABLE.fullmatch(fold(words[0]))),
        wordlike=uppers[0] and len(words) == 1 and words[0].lower() in _WORDLIKE_ACRONYMS,
        dot_end=nfc(text).endswith(".") and nfc(text)[matches[-1].end() :] == ".",
    )


def _gap_ok(gap: str, allowed: frozenset[str]) -> bool:
    if gap.count("\n") > 1:
        return False  # a blank line ends a paragraph; names do not span paragraphs
    return all(char.isspace() or char in HYPHENS or char in allowed for char in gap)


@lru_cache(maxsize=65536)
def _accent_key(word: str) -> str:
    """Lowercase word with its tone marks moved to the end, so placement does not matter.

    >>> _accent_key("Hoà") == _accent_key("hòa")
    True
    """
    decomposed = unicodedata.normalize("NFD", word.lower())
    base = "".join(char for char in decomposed if char not in _TONES)
    tones = "".join(sorted(char for char in decomposed if char in _TONES))
    return unicodedata.normalize("NFC", base) + tones

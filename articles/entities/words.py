"""The words of a text as the linker and the candidate finder both see them."""

from __future__ import annotations

from functools import lru_cache

from articles.text import WORD, fold, nfc

HYPHENS = frozenset("-‐‑–")
_SENTENCE_END = frozenset(".!?:;…\"“”'‘’([|•")


class Doc:
    """The words of one text with everything the rules ask about them, worked out once."""

    def __init__(self, text: str, language: str) -> None:
        self.text = nfc(text)
        self.language = (language or "").lower()[:2]
        matches = list(WORD.finditer(self.text))
        self.words = [match.group() for match in matches]
        self.starts = [match.start() for match in matches]
        self.ends = [match.end() for match in matches]
        self.folded = [fold_word(word) for word in self.words]
        self.gaps = [
            self.text[(self.ends[k - 1] if k else 0) : self.starts[k]] for k in range(len(matches))
        ]
        self.shouting = shouting_words(self.text, self.starts)
        self.sentence_initial = [
            k == 0 or "\n" in gap or (gap.strip()[-1:] in _SENTENCE_END and bool(gap.strip()))
            for k, gap in enumerate(self.gaps)
        ]
        self.lowercase = {word for word in self.words if word[:1].islower()}
        plain = [k for k, word in enumerate(self.words) if word.isalpha()]
        accented = sum(1 for k in plain if self.folded[k] != self.words[k].lower())
        # Vietnamese runs at well over half its words accented; a few percent is names.
        self.unaccented = self.language == "vi" and accented <= 0.05 * len(plain)

    def joined(self, k: int) -> bool:
        """Whether word k follows word k-1 with only spaces between them."""
        return 0 < k < len(self.words) and not self.gaps[k].strip()

    def joined_or_hyphen(self, k: int) -> bool:
        """Whether word k follows word k-1 in one paragraph: spaces, or a bare hyphen."""
        gap = self.gaps[k] if 0 < k < len(self.words) else "."
        return gap in HYPHENS or (gap.count("\n") < 2 and gap.isspace())


def shouting_words(text: str, starts: list[int]) -> list[bool]:
    """Per word: whether its line is written in capitals (a headline, a banner)."""
    flags = []
    line_end, shouting = -1, False
    for start in starts:
        if start > line_end:
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", start)
            line_end = len(text) if line_end == -1 else line_end
            line = text[line_start:line_end]
            letters = sum(1 for char in line if char.isalpha())
            shouting = letters >= 4 and not any(char.islower() for char in line)
        flags.append(shouting)
    return flags


def alias_words(text: str) -> list[str]:
    return WORD.findall(nfc(text))


def name_key(text: str) -> str:
    """Folded words of a name, so "Jens\\nStoltenberg" and "Jens Stoltenberg" agree.

    >>> name_key("Hà  Nội")
    'ha noi'
    """
    return " ".join(fold_word(word) for word in alias_words(text))


@lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    return fold(word)

"""Stories across languages (#14): what survives translation, pure.

Entities link only what the registry knows, so a report and its translation often share no
linked entity and were never compared. What a translation keeps is enough to find and judge
them: proper names spelled alike ("Kuechly", "NFL"), figures ("1.500" is "1,500"), years,
and glossary concepts (articles/concepts: "lệnh ngừng bắn" is "ceasefire"). An article's
keys are hashed into the Bridge table (articles/stories/bilingual_store.py), which finds the
other language's articles that share some, as Fingerprint finds copies; `resemblance` then
judges the pair. Nothing is re-clustered: each article is compared once, when it is filed.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable

from articles.concepts import load_glossary

# Two keys in common at least (one shared name is a coincidence), and their cosine:
# translations of one paragraph of the XQuAD set share 0.75 of their keys (median, 0.5 at the
# tenth percentile); paragraphs of different articles 0.03 at the 90th, 0.2 at the 99.9th.
MIN_SHARED = 2
KINDS = {"n": "names", "#": "figures", "y": "years", "c": "concepts"}
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_POSSESSIVE = re.compile(r"['’]s$")


def bridge_keys(
    text: str, language: str, names: Iterable[str] = (), figures: Iterable[str] = ()
) -> frozenset[str]:
    """The keys of a text that survive translation: its names and figures (as grouping.names
    and grouping.numbers find them), its years and its glossary concepts.

    >>> sorted(bridge_keys("Năm 1973, OPEC tăng giá dầu lên 1.500 đô la.", "vi", ["opec"]))
    ['c:dollar', 'c:oil', 'c:price-rise', 'n:opec', 'y:1973']
    """
    keys = {f"n:{_POSSESSIVE.sub('', name)}" for name in names}
    keys.update(f"#:{figure}" for figure in figures)
    keys.update(f"y:{year}" for year in _YEAR.findall(text))
    keys.update(f"c:{concept}" for concept in load_glossary().concepts_in(text, language))
    return frozenset(keys)


def resemblance(a: frozenset[str], b: frozenset[str]) -> float:
    """Cosine of two key sets, 0 below MIN_SHARED keys in common.

    >>> resemblance(frozenset({"n:nfl", "#:308", "y:2015"}), frozenset({"n:nfl", "#:308"}))
    0.8165
    """
    shared = len(a & b)
    if shared < MIN_SHARED:
        return 0.0
    return round(shared / math.sqrt(len(a) * len(b)), 4)


def reasons(a: frozenset[str], b: frozenset[str]) -> dict[str, list[str]]:
    """The shared keys by kind ("names", "figures", "years", "concepts"), sorted."""
    found: dict[str, list[str]] = {}
    for key in sorted(a & b):
        kind, _, value = key.partition(":")
        found.setdefault(KINDS[kind], []).append(value)
    return found


def hashes(keys: Iterable[str]) -> list[int]:
    """63-bit hashes of the keys, for the Bridge table (a signed BigIntegerField)."""
    return sorted(
        int.from_bytes(hashlib.blake2b(k.encode(), digest_size=8).digest(), "big") >> 1
        for k in keys
    )

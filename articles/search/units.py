"""Vietnamese words of several syllables in the search box are found as units.

Vietnamese writes a word as syllables separated by spaces ("Đà Nẵng", "tổng thư ký"), so a
search for `Đà Nẵng` that looks for "đà" and "nẵng" anywhere finds half the archive. The
query's adjacent syllables that form a word or a name are searched as a phrase; a single
syllable still finds every word that contains it, and English words are left alone.

Which pairs of syllables form words is learnt by `manage.py learn_word_units` from the
Vietnamese corpus (adjacent syllables that occur together far more often than apart, by the
Dice coefficient) plus every multi-syllable place, country and registry name, and shipped as
articles/search/data/vi-word-pairs.txt.gz (folded pairs, one per line). Pure: no database.
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from articles.text import VI_SYLLABLE, fold, nfc

PAIRS_PATH = Path(__file__).resolve().parent / "data" / "vi-word-pairs.txt.gz"
MIN_COUNT = 3
MIN_DICE = 0.02
# Within a run of words with nothing but spaces or a bare hyphen between them ("Thiên-Huế");
# other punctuation, a spaced dash included, ends a phrase.
_PHRASE = re.compile(r"[^\W\d_]+(?:(?:[ \t]+|-)[^\W\d_]+)*")


def syllables(text: str) -> Iterator[list[str]]:
    """Runs of Vietnamese syllables (lowercase, accents kept) next to each other in the text.

    >>> list(syllables("Ở Đà Nẵng, NATO họp."))
    [['ở', 'đà', 'nẵng'], ['họp']]
    """
    for phrase in _PHRASE.findall(nfc(text)):
        run: list[str] = []
        for word in phrase.replace("-", " ").split():
            if VI_SYLLABLE.fullmatch(fold(word)):
                run.append(word.lower())
                continue
            if run:
                yield run
            run = []
        if run:
            yield run


def learn_pairs(texts: Iterable[str], names: Iterable[str]) -> set[str]:
    """Folded syllable pairs that form words in `texts`, and every pair inside `names`.

    Counted with accents, because folding merges syllables ("ký", "kỳ", "kỹ" are all "ky")
    and hides the words they form; looked up folded, so "thu ky" finds "thư ký".

    >>> sorted(learn_pairs(["Hà Nội mưa. Hà Nội nắng. Ở Hà Nội, mưa to."] * 2, ["Hà Nam"]))
    ['ha nam', 'ha noi']
    """
    single: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    for text in texts:
        for run in syllables(text):
            single.update(run)
            pairs.update(f"{a} {b}" for a, b in zip(run, run[1:], strict=False))
    learnt = {
        fold(pair)
        for pair, count in pairs.items()
        if count >= MIN_COUNT and 2 * count / sum(single[word] for word in pair.split()) >= MIN_DICE
    }
    for name in names:
        for run in syllables(name):
            learnt.update(fold(f"{a} {b}") for a, b in zip(run, run[1:], strict=False))
    return learnt


def save_pairs(pairs: Iterable[str], path: Path = PAIRS_PATH) -> None:
    """Write the pairs sorted, with a fixed gzip time: the same pairs give the same bytes."""
    data = "".join(f"{pair}\n" for pair in sorted(pairs)).encode()
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as stream:
        stream.write(data)


@cache
def shipped_pairs() -> frozenset[str]:
    with gzip.open(PAIRS_PATH, "rt", encoding="utf-8") as stream:
        return frozenset(line.strip() for line in stream if line.strip())


def segment(words: list[str], pairs: frozenset[str] | None = None) -> list[tuple[int, int]]:
    """Split words into units: [start, end) runs whose neighbouring syllables form words.

    >>> segment(["ha", "noi", "mua", "lon"], frozenset({"ha noi", "mua lon"}))
    [(0, 2), (2, 4)]
    >>> segment(["Tổng", "thư", "ký", "NATO"], frozenset({"tong thu", "thu ky"}))
    [(0, 3), (3, 4)]
    """
    known = shipped_pairs() if pairs is None else pairs
    folded = [fold(word) for word in words]
    units: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(words) + 1):
        if i == len(words) or f"{folded[i - 1]} {folded[i]}" not in known:
            units.append((start, i))
            start = i
    return units

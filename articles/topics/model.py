"""The topic classifier behind topics/classifier.py: features, an averaged perceptron, its file.

One linear model per language over L2-normalised tf-idf of words and word bigrams. Pure
Python and deterministic: the same examples give the same file, byte for byte.
"""

from __future__ import annotations

import gzip
import json
import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise
from operator import mul
from pathlib import Path

from whoosh.analysis import STOP_WORDS

from articles.text import fold, stem_english, words
from articles.topics.signals import strip_marks

FORMAT = 1
# Chosen by 4-fold cross-validation inside the training split, never on the held-out one:
# 6k-25k features, 8-15 epochs and title weights 1-3 all scored within 0.01 macro-F1 on
# Vietnamese, so the smaller file wins.
MIN_DOCUMENTS = 3
MAX_FEATURES = 12_000
EPOCHS = 8
SEED = 20240601
# A topic an outlet rarely covers is repeated up to this many times in training (balanced()).
MAX_REPEAT = 8
# The title names the subject; counting its words twice lifts short, vague bodies.
TITLE_WEIGHT = 2
_DECIMALS = 4

Example = tuple[Counter[str], str]


@dataclass(frozen=True)
class LanguageModel:
    """Per-class weights over a fixed vocabulary, plus the softmax temperature."""

    classes: tuple[str, ...]
    vocabulary: dict[str, int]
    idf: tuple[float, ...]
    weights: tuple[tuple[float, ...], ...]
    temperature: float

    def scores(self, features: Counter[str]) -> list[tuple[str, float]]:
        """Classes with probabilities, best first; [] when no feature is known."""
        ids, xs = _vector(features, self.vocabulary, self.idf)
        if not ids:
            return []
        raw = [sum(map(mul, xs, map(row.__getitem__, ids))) for row in self.weights]
        probabilities = _softmax(raw, self.temperature)
        return sorted(zip(self.classes, probabilities, strict=True), key=lambda p: (-p[1], p[0]))

    def contributions(self, features: Counter[str], slug: str) -> list[tuple[str, float]]:
        """Features that pushed the text towards `slug`, strongest first (the explanation)."""
        ids, xs = _vector(features, self.vocabulary, self.idf)
        row = self.weights[self.classes.index(slug)]
        names = {self.vocabulary[name]: name for name in features if name in self.vocabulary}
        pairs = [(names[i], x * row[i]) for i, x in zip(ids, xs, strict=True)]
        return sorted((p for p in pairs if p[1] > 0), key=lambda p: (-p[1], p[0]))


@dataclass(frozen=True)
class Model:
    """One LanguageModel per language code ("en", "vi")."""

    languages: dict[str, LanguageModel]


def featurise(title: str, body: str, language: str, strip: bool = True) -> Counter[str]:
    """Word and bigram counts, title words counted twice (`strip`: outlets' marks left out).

    >>> sorted(featurise("Bóng đá", "", "vi").items())
    [('bong', 2), ('bong da', 2), ('da', 2)]
    """
    counts: Counter[str] = Counter()
    # Outlets' marks (datelines, bylines, credits, their names) say who wrote, not about what.
    if strip:
        title, body = strip_marks(title, body)
    for text, weight in ((title, TITLE_WEIGHT), (body, 1)):
        tokens = _tokens(text, language)
        for token in tokens:
            counts[token] += weight
        for bigram in map(" ".join, pairwise(tokens)):
            counts[bigram] += weight
    return counts


def fit(examples: Sequence[Example]) -> LanguageModel:
    """Train on all examples; calibrate probabilities on a model that did not see a fifth."""
    # Training-set scores are overconfident (the perceptron has fit them), so the temperature
    # comes from every fifth example, scored by a model trained on the other four fifths.
    probe = _fit_weights(balanced([e for i, e in enumerate(examples) if i % 5]))
    held = [(f, label) for f, label in examples[::5] if label in probe.classes]
    model = _fit_weights(balanced(examples))
    return replace(model, temperature=_temperature(probe, held))


def balanced(examples: Sequence[Example]) -> list[Example]:
    """The examples with each topic's repeated up to the largest topic's count (at most
    MAX_REPEAT times): an outlet that rarely covers a topic must still teach it (#14)."""
    sizes = Counter(label for _, label in examples)
    if not sizes:
        return list(examples)
    largest = max(sizes.values())
    out: list[Example] = []
    for round_ in range(MAX_REPEAT):
        out += [e for e in examples if sizes[e[1]] * round_ < largest]
    return out


def dump(model: Model, path: Path) -> None:
    """Write the model as gzip'd JSON, identical bytes for identical models."""
    languages = {
        code: {
            "classes": list(m.classes),
            "temperature": m.temperature,
            "features": sorted(m.vocabulary, key=m.vocabulary.__getitem__),
            "idf": list(m.idf),
            "weights": [[int(w) if w == 0 else w for w in row] for row in m.weights],
        }
        for code, m in sorted(model.languages.items())
    }
    text = json.dumps({"format": FORMAT, "languages": languages}, ensure_ascii=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same model must give the same file (git diffs, the determinism test).
    path.write_bytes(gzip.compress(text.encode(), compresslevel=9, mtime=0))


def load(path: Path) -> Model:
    """Read a file written by dump()."""
    data = json.loads(gzip.decompress(path.read_bytes()))
    if data.get("format") != FORMAT:
        raise ValueError(f"{path}: topic model format {data.get('format')!r}, expected {FORMAT}")
    return Model(
        {
            code: LanguageModel(
                classes=tuple(m["classes"]),
                vocabulary={name: i for i, name in enumerate(m["features"])},
                idf=tuple(m["idf"]),
                weights=tuple(tuple(float(w) for w in row) for row in m["weights"]),
                temperature=m["temperature"],
            )
            for code, m in data["languages"].items()
        }
    )


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    # Stemming is the slowest step for English and news repeats its words.
    return stem_english(word)


# The last few texts: an import featurises each text twice, for its topics and, marks left
# in, for story grouping (topics.text_vector), and the marks are rarely there (#10).
@lru_cache(maxsize=4)
def _tokens(text: str, language: str) -> tuple[str, ...]:
    # Folded, so Vietnamese typed without diacritics gets the same features. No stop list
    # outside English: "an", "to" and "do" are Vietnamese syllables.
    tokens = [t for t in words(fold(text)) if not t.isdigit()]
    if language == "en":
        return tuple(_stem(t) for t in tokens if t not in STOP_WORDS)
    return tuple(tokens)


def _vector(
    features: Counter[str], vocabulary: dict[str, int], idf: Sequence[float]
) -> tuple[list[int], list[float]]:
    # Sorted ids fix the order of the float sums, so scores never depend on word order.
    pairs = sorted((vocabulary[name], n) for name, n in features.items() if name in vocabulary)
    xs = [(1 + math.log(n)) * idf[i] for i, n in pairs]
    norm = math.sqrt(sum(x * x for x in xs)) or 1.0
    return [i for i, _ in pairs], [x / norm for x in xs]


def _select(
    examples: Sequence[Example], document_counts: Counter[str], classes: tuple[str, ...]
) -> list[str]:
    """The MAX_FEATURES features with the highest chi-squared for some class, sorted."""
    candidates = {name for name, n in document_counts.items() if n >= MIN_DOCUMENTS}
    per_class: dict[str, list[int]] = {name: [0] * len(classes) for name in candidates}
    class_sizes = [0] * len(classes)
    for features, label in examples:
        k = classes.index(label)
        class_sizes[k] += 1
        for name in features:
            if name in per_class:
                per_class[name][k] += 1
    total = len(examples)

    def chi2(name: str) -> float:
        best = 0.0
        for k, size in enumerate(class_sizes):
            a = per_class[name][k]
            b = document_counts[name] - a
            c = size - a
            d = total - size - b
            denominator = (a + c) * (b + d) * (a + b) * (c + d)
            if denominator:
                best = max(best, total * (a * d - c * b) ** 2 / denominator)
        return best

    ranked = sorted(candidates, key=lambda name: (-chi2(name), name))
    return sorted(ranked[:MAX_FEATURES])


def _fit_weights(examples: Sequence[Example]) -> LanguageModel:
    document_counts: Counter[str] = Counter()
    for features, _ in examples:
        document_counts.update(features.keys())
    classes = tuple(sorted({label for _, label in examples}))
    chosen = _select(examples, document_counts, classes)
    vocabulary = {name: i for i, name in enumerate(chosen)}
    total = len(examples)
    idf = tuple(round(math.log(total / document_counts[name]) + 1, _DECIMALS) for name in chosen)
    vectors = [(_vector(f, vocabulary, idf), classes.index(label)) for f, label in examples]
    rows = _perceptron(vectors, len(classes), len(chosen))
    weights = tuple(tuple(round(w, _DECIMALS) + 0.0 for w in row) for row in rows)
    return LanguageModel(classes, vocabulary, idf, weights, 1.0)


def _perceptron(
    vectors: Sequence[tuple[tuple[list[int], list[float]], int]], n_classes: int, n_features: int
) -> list[list[float]]:
    """Multiclass averaged perceptron with a margin of 1; seeded shuffles, so deterministic."""
    weights = [[0.0] * n_features for _ in range(n_classes)]
    # Daumé's trick: average = weights - totals / steps, without summing every step.
    totals = [[0.0] * n_features for _ in range(n_classes)]
    order = list(range(len(vectors)))
    rng = random.Random(SEED)
    step = 1
    for _ in range(EPOCHS):
        rng.shuffle(order)
        for j in order:
            (ids, xs), gold = vectors[j]
            raw = [sum(map(mul, xs, map(row.__getitem__, ids))) for row in weights]
            raw[gold] -= 1.0
            guess = max(range(n_classes), key=raw.__getitem__)
            if guess != gold:
                up, down = weights[gold], weights[guess]
                up_total, down_total = totals[gold], totals[guess]
                for i, x in zip(ids, xs, strict=True):
                    up[i] += x
                    down[i] -= x
                    up_total[i] += step * x
                    down_total[i] -= step * x
            step += 1
    return [
        [w - t / step for w, t in zip(row, total, strict=True)]
        for row, total in zip(weights, totals, strict=True)
    ]


def _softmax(raw: Sequence[float], temperature: float) -> list[float]:
    top = max(raw)
    exps = [math.exp((r - top) * temperature) for r in raw]
    total = sum(exps)
    return [e / total for e in exps]


def _temperature(model: LanguageModel, examples: Sequence[Example]) -> float:
    """The softmax temperature that best fits unseen labels (a coarse grid search)."""
    scored = []
    for features, label in examples:
        ids, xs = _vector(features, model.vocabulary, model.idf)
        if ids:
            raw = [sum(map(mul, xs, map(row.__getitem__, ids))) for row in model.weights]
            scored.append((raw, model.classes.index(label)))

    def log_likelihood(t: float) -> float:
        return sum(math.log(_softmax(raw, t)[gold] + 1e-12) for raw, gold in scored)

    grid: list[float] = [0.5 * 1.25**i for i in range(40)]
    best = max(grid, key=log_likelihood)
    return round(best, 3)

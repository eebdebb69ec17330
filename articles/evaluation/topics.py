"""Topic evaluation: top-topic precision, recall and F1 per class on held-out articles."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from articles.topics import TARGET_F1, Labelled, Model, classify, language_code


@dataclass(frozen=True)
class ClassScore:
    slug: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class LanguageReport:
    """Held-out figures for one language; confusion rows are gold, columns predicted."""

    language: str
    articles: int
    accuracy: float
    macro_f1: float
    classes: tuple[ClassScore, ...]
    confusion: tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class TopicReport:
    languages: dict[str, LanguageReport]


def evaluate(model: Model, records: Iterable[Labelled]) -> TopicReport:
    """Top-topic precision, recall and F1 per class, and macro-F1, per language."""
    pairs: dict[str, list[tuple[str, str]]] = {}
    for record in records:
        found = classify(record.title, record.body, record.language, model)
        predicted = found[0].slug if found else ""
        pairs.setdefault(language_code(record.language), []).append((record.topic, predicted))
    return TopicReport({code: _language_report(code, pairs[code]) for code in sorted(pairs)})


def format_report(report: TopicReport) -> str:
    """The report as the commands print it."""
    lines = []
    for code, language in report.languages.items():
        verdict = "meets" if language.macro_f1 >= TARGET_F1 else "BELOW"
        lines.append(
            f"{code}: macro-F1 {language.macro_f1:.4f} ({verdict} target {TARGET_F1}), "
            f"accuracy {language.accuracy:.4f}, {language.articles} held-out articles"
        )
        lines.append(f"  {'topic':<12}{'P':>7}{'R':>7}{'F1':>7}{'n':>6}   confusion (predicted →)")
        for score, row in zip(language.classes, language.confusion, strict=True):
            figures = f"{score.precision:7.3f}{score.recall:7.3f}{score.f1:7.3f}{score.support:6d}"
            lines.append(f"  {score.slug:<12}{figures}   {' '.join(f'{n:3d}' for n in row)}")
    return "\n".join(lines)


def _language_report(code: str, pairs: Sequence[tuple[str, str]]) -> LanguageReport:
    labels = sorted({gold for gold, _ in pairs} | {p for _, p in pairs if p})
    counts = Counter(pairs)
    classes = []
    for label in labels:
        hits = counts[label, label]
        predicted = sum(n for (_, p), n in counts.items() if p == label)
        support = sum(n for (g, _), n in counts.items() if g == label)
        precision = hits / predicted if predicted else 0.0
        recall = hits / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
        classes.append(ClassScore(label, precision, recall, f1, support))
    return LanguageReport(
        language=code,
        articles=len(pairs),
        accuracy=sum(counts[label, label] for label in labels) / len(pairs),
        macro_f1=sum(c.f1 for c in classes) / len(classes),
        classes=tuple(classes),
        confusion=tuple(tuple(counts[gold, p] for p in labels) for gold in labels),
    )

"""Attention over time: up to five searches counted per period on one chart, as counts or as
a share of all articles of the period (as Media Cloud normalises), optionally per language.

Counts come from the search layer's timeline (matches per day), regrouped into one common
granularity for every series; the chart is an SVG drawn here, so it reads without script.
"""

from __future__ import annotations

import calendar
import csv
import io
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext

from articles.models import Language
from articles.search import SearchParams, run
from articles.text import period_label

MAX_SEARCHES = 5
WIDTH, HEIGHT = 720, 260  # the chart's drawing area, in SVG units
LEFT, TOP, BOTTOM, RIGHT = 56, 12, 36, 12
LANGUAGE_NAMES = dict(Language.choices)


@dataclass(frozen=True)
class ComparedPeriod:
    start: date
    end: date
    label: str


@dataclass(frozen=True)
class Series:
    label: str
    query: str  # the search box's text, to link to the search
    language: str  # "" for every language
    counts: list[int]
    values: list[float]  # counts, or percent of all articles of the period (and language)
    points: str = ""  # SVG polyline points
    colour: int = 0  # series-N class of static/site.css


@dataclass(frozen=True)
class Comparison:
    granularity: str
    periods: list[ComparedPeriod]
    series: list[Series]
    measure: str  # "count" | "share"
    top: float  # the y axis's maximum
    x_labels: list[tuple[float, str]]
    y_labels: list[tuple[float, str]]

    @property
    def rows(self) -> list[tuple[ComparedPeriod, list[float]]]:
        return [(p, [s.values[i] for s in self.series]) for i, p in enumerate(self.periods)]


def coverage(params: SearchParams) -> Comparison | None:
    """Articles over time by language (story and entity pages); None when none is dated."""
    found = compare([(gettext("Articles"), params)], "count", split=True)
    return found if found.periods else None


def day_counts(params: SearchParams) -> dict[date, int]:
    results = run(replace(params, offset=0, limit=1, facets=True, snippets=False))
    return dict(results.timeline.days) if results.timeline else {}


def compare(
    searches: list[tuple[str, SearchParams]], measure: str = "count", split: bool = False
) -> Comparison:
    """The series of each (label, params), in periods common to all of them."""
    languages = [code for code, _ in Language.choices] if split else [""]
    raw: list[tuple[str, str, str, dict[date, int]]] = []
    for label, params in searches[:MAX_SEARCHES]:
        for language in languages:
            narrowed = replace(params, languages=(language,)) if language else params
            raw.append((label, params.q, language, day_counts(narrowed)))
    every_day = [day for *_, days in raw for day in days]
    if not every_day:
        return Comparison("year", [], [], measure, 0, [], [])
    granularity = _granularity(min(every_day), max(every_day))
    periods = _periods(min(every_day), max(every_day), granularity)
    totals: dict[str, list[int]] = {}
    if measure == "share":
        base = searches[0][1]
        everything = SearchParams(date_from=base.date_from, date_to=base.date_to)
        for language in languages:
            scope = replace(everything, languages=(language,)) if language else everything
            totals[language] = _bucket(day_counts(scope), periods, granularity)
    series = []
    for n, (label, q, language, days) in enumerate(raw):
        counts = _bucket(days, periods, granularity)
        if measure == "share":
            values = [
                round(100 * c / t, 2) if t else 0.0
                for c, t in zip(counts, totals[language], strict=True)
            ]
        else:
            values = [float(c) for c in counts]
        series.append(Series(label, q, language, counts, values, colour=n % 10))
    return _drawn(Comparison(granularity, periods, series, measure, 0, [], []))


def _granularity(first: date, last: date) -> str:
    span = (last - first).days
    return "year" if span > 3 * 366 else "month" if span > 92 else "day"


def _start(day: date, granularity: str) -> date:
    if granularity == "year":
        return date(day.year, 1, 1)
    if granularity == "month":
        return date(day.year, day.month, 1)
    return day


def _periods(first: date, last: date, granularity: str) -> list[ComparedPeriod]:
    periods = []
    cursor = _start(first, granularity)
    while cursor <= last:
        if granularity == "year":
            end, label = date(cursor.year, 12, 31), str(cursor.year)
        elif granularity == "month":
            end = date(cursor.year, cursor.month, calendar.monthrange(cursor.year, cursor.month)[1])
            label = period_label(cursor, "month", get_language() or "en")
        else:
            end, label = cursor, period_label(cursor, "day", get_language() or "en")
        periods.append(ComparedPeriod(cursor, end, label))
        cursor = end + timedelta(days=1)
    return periods


def _bucket(days: dict[date, int], periods: list[ComparedPeriod], granularity: str) -> list[int]:
    index = {p.start: i for i, p in enumerate(periods)}
    counts = [0] * len(periods)
    for day, count in days.items():
        slot = index.get(_start(day, granularity))
        if slot is not None:
            counts[slot] += count
    return counts


def _drawn(found: Comparison) -> Comparison:
    """Polyline points and axis labels in the chart's coordinates."""
    top = max((v for s in found.series for v in s.values), default=0.0) or 1.0
    n = len(found.periods)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return round(LEFT + (inner_w * i / (n - 1) if n > 1 else inner_w / 2), 1)

    def y(value: float) -> float:
        return round(TOP + inner_h - inner_h * value / top, 1)

    series = [
        replace(s, points=" ".join(f"{x(i)},{y(v)}" for i, v in enumerate(s.values)))
        for s in found.series
    ]
    step = max(1, -(-n // 8))  # at most eight labels under the axis
    x_labels = [(x(i), found.periods[i].label) for i in range(0, n, step)]
    unit = "%" if found.measure == "share" else ""
    y_labels = [(y(top * f), f"{_number(top * f)}{unit}") for f in (0, 0.5, 1)]
    return replace(found, series=series, top=top, x_labels=x_labels, y_labels=y_labels)


def _number(value: float) -> str:
    """An axis label in the interface language's decimal separator ("2.5" or "2,5")."""
    places = 0 if value >= 10 or value == int(value) else 1
    return number_format(round(value, places), places, use_l10n=True)


def as_csv(found: Comparison) -> str:
    """The table: one row per period, one column per series (UTF-8 with BOM)."""
    out = io.StringIO()
    writer = csv.writer(out)
    names = [f"{s.label} [{s.language}]" if s.language else s.label for s in found.series]
    writer.writerow(["period_start", "period_end", *names])
    for period, values in found.rows:
        writer.writerow([period.start.isoformat(), period.end.isoformat(), *map(_cell, values)])
    return "\ufeff" + out.getvalue()


def _cell(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.2f}"

"""Facets and the timeline: engine counts turned into labelled, clickable values.

Counting is the engine's job, asked for through haystack's portable `SearchQuerySet.facet()`
(Whoosh via haystack's FieldFacet support, PostgreSQL by GROUP BY over the matching rows), so
the counts are exact over the whole result set, not the current page. Only labels and links
are worked out here, in Python, with one database query per facet that needs names.
"""

from __future__ import annotations

import calendar
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from django.utils.translation import get_language

from articles.models import Entity, Language, Source, Topic
from articles.search.params import FACETS, YEAR_FIELD, SearchParams, narrowed_to, toggled
from articles.text import day_number, number_day, period_label

# Long facets (entities) show their most frequent values only; counts stay exact.
_MAX_VALUES = 15


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    query: str  # the query string that toggles this value


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    values: list[FacetValue]


@dataclass(frozen=True)
class Bar:
    label: str
    start: date
    end: date
    count: int
    height: int  # percent of the tallest bar
    selected: bool
    query: str  # the query string that narrows the search to this bar


@dataclass(frozen=True)
class Timeline:
    granularity: str  # "year" | "month" | "day"
    bars: list[Bar]
    undated: int
    # Matches per publication day as YYYYMMDD numbers, oldest first.
    day_numbers: tuple[tuple[int, int], ...] = ()

    @property
    def days(self) -> tuple[tuple[date, int], ...]:
        """Matches per publication day, oldest first (comparisons regroup several searches)."""
        return tuple((number_day(number), count) for number, count in self.day_numbers)


Counts = dict[str, list[tuple[object, int]]]


def build_facets(counts: Counts, params: SearchParams) -> list[Facet]:
    """Facets in display order, each value labelled, counted and linked."""
    facets = []
    date_range = (params.date_from, params.date_to)
    for facet in FACETS:
        name = facet.name
        # 0 and "" are what a column holds for "no value" (an article with no source).
        pairs = [
            (str(value), count)
            for value, count in counts.get(facet.field, [])
            if value not in (None, "", 0, "0")
        ]
        chosen = params.selected[name]
        # A selected value with no match left still shows, so it can be unselected.
        pairs += [(value, 0) for value in chosen if value not in {v for v, _ in pairs}]
        labels = _labels(name, [value for value, _ in pairs])
        ordered = sorted(pairs, key=lambda p: (p[0] not in chosen, -p[1], labels.get(p[0], p[0])))
        values = [
            FacetValue(
                value,
                labels.get(value, value),
                count,
                value in chosen,
                toggled(params, name, value),
            )
            for value, count in ordered[: max(_MAX_VALUES, len(chosen))]
        ]
        if values:
            facets.append(Facet(name, facet.label, values))
    years = sorted(
        (int(str(v)), c)
        for v, c in counts.get(YEAR_FIELD, [])
        if v not in (None, "") and 0 < int(str(v)) < 10_000
    )
    if years:
        values = []
        for year, count in reversed(years):
            start, end = date(year, 1, 1), date(year, 12, 31)
            values.append(
                FacetValue(
                    str(year),
                    str(year),
                    count,
                    date_range == (start, end),
                    narrowed_to(params, start, end),
                )
            )
        facets.append(Facet("year", "Year", values))
    return facets


def build_timeline(
    day_counts: Iterable[tuple[object, int]], total: int, params: SearchParams
) -> Timeline:
    """Bars by year, month or day, whichever fits the span, with empty periods filled in.

    The engine counts per day (YYYYMMDD numbers, thousands of them for a common word): a
    bar's count is found by bisecting the sorted numbers and subtracting running totals, and
    a date is made per bar, not per day.
    """
    numbers, counts = _days(day_counts)
    if not numbers:
        return Timeline("year", [], total)
    # Matches up to each day: a bar's count is the difference at its two ends.
    running = list(accumulate(counts, initial=0))
    first, last = number_day(numbers[0]), number_day(numbers[-1])
    span = (last - first).days
    granularity = "year" if span > 3 * 366 else "month" if span > 92 else "day"
    periods = []
    cursor = _period(first, granularity)[0]
    while cursor <= last:
        start, end = _period(cursor, granularity)
        low = bisect_left(numbers, day_number(start))
        high = bisect_right(numbers, day_number(end))
        periods.append((start, end, running[high] - running[low]))
        cursor = end + timedelta(days=1)
    tallest = max(count for _, _, count in periods)
    bars = [
        Bar(
            _bar_label(start, granularity),
            start,
            end,
            count,
            round(100 * count / tallest),
            (params.date_from, params.date_to) == (start, end),
            narrowed_to(params, start, end),
        )
        for start, end, count in periods
    ]
    return Timeline(
        granularity, bars, total - running[-1], tuple(zip(numbers, counts, strict=True))
    )


def _days(day_counts: Iterable[tuple[object, int]]) -> tuple[list[int], list[int]]:
    """The valid days (YYYYMMDD) oldest first, and their counts. An engine gives each day
    once, as a number: those are sorted and cut to the valid range without a Python step
    per day (a common word has thousands of days); anything else is read value by value."""
    pairs = list(day_counts)
    found: dict[Any, int] = dict(pairs)
    try:
        numbers = sorted(found)
    except TypeError:  # numbers mixed with None or text
        numbers = []
    ends = numbers[:1] + numbers[-1:]
    if not (ends and len(found) == len(pairs) and all(type(n) is int for n in ends)):
        found = {}
        for value, count in pairs:
            number = int(str(value)) if value not in (None, "") else 0
            found[number] = found.get(number, 0) + count
        numbers = sorted(found)
    numbers = numbers[bisect_left(numbers, _FIRST_DAY) : bisect_right(numbers, _LAST_DAY)]
    return numbers, list(map(found.__getitem__, numbers))


# The YYYYMMDD numbers that can be a day.
_FIRST_DAY, _LAST_DAY = 10_000_101, 99_991_231


def _period(day: date, granularity: str) -> tuple[date, date]:
    if granularity == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    if granularity == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return date(day.year, day.month, 1), date(day.year, day.month, last)
    return day, day


def _bar_label(start: date, granularity: str) -> str:
    # The pages' one date format (issue #17), not a format of the timeline's own.
    return period_label(start, granularity, get_language() or "en")


def _labels(name: str, values: list[str]) -> dict[str, str]:
    if name == "language":
        return {code: str(label) for code, label in Language.choices}
    if name == "source":
        ids = [int(v) for v in values if v.isdigit()]
        return {
            str(pk): label
            for pk, label in Source.objects.filter(pk__in=ids).values_list("pk", "name")
        }
    if name == "topic":
        names = {
            slug: f"{en} / {vi}"
            for slug, en, vi in Topic.objects.filter(slug__in=values).values_list(
                "slug", "name_en", "name_vi"
            )
        }
        return {"none": "No topic yet / Chưa phân loại", **names}
    if name == "entity":
        ids = [int(v) for v in values if v.isdigit()]
        return {str(e.pk): str(e) for e in Entity.objects.filter(pk__in=ids)}
    return {}

"""Dates for readers: one format per interface language, and continuous periods for charts.

Every page shows a date through `day_label` (issue #17: three formats across the pages
before), and every chart over time counts through `continuous`, so a month, day or year
without articles is a bar of zero instead of missing (2006 no longer sits next to 2016).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS_EN = [
    "", "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
# Periods a chart may hold before it steps up to a coarser one (days → months → years).
MAX_DAYS, MAX_MONTHS = 92, 180


def day_number(day: date | None) -> int:
    """A day as the search index holds it (its day field): YYYYMMDD, 0 for no date.

    >>> day_number(date(2011, 4, 30)), number_day(20110430), day_number(None)
    (20110430, datetime.date(2011, 4, 30), 0)
    """
    return day.year * 10_000 + day.month * 100 + day.day if day else 0


def number_day(number: int) -> date:
    """The day of a YYYYMMDD number (the inverse of day_number)."""
    return date(number // 10_000, number // 100 % 100, number % 100)


def day_label(day: date | None, precision: str = "day", language: str = "en") -> str:
    """A date as precisely as it is known, in the interface language's one format.

    >>> d = date(2016, 5, 21)
    >>> day_label(d), day_label(d, "month"), day_label(d, "year"), day_label(None)
    ('21 May 2016', 'May 2016', '2016', 'date unknown')
    >>> day_label(d, language="vi"), day_label(d, "month", "vi-VN"), day_label(None, language="vi")
    ('21/05/2016', '05/2016', 'chưa rõ ngày')
    """
    vietnamese = language.lower().startswith("vi")
    if day is None or precision == "unknown":
        return "chưa rõ ngày" if vietnamese else "date unknown"
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return f"{day.month:02d}/{day.year}" if vietnamese else f"{MONTHS_EN[day.month]} {day.year}"
    if vietnamese:
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    return f"{day.day} {MONTHS_EN[day.month]} {day.year}"


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    count: int
    height: int  # percent of the busiest period
    tick: bool  # the first period of its year (months) or month (days): labelled on the axis


@dataclass(frozen=True)
class Chart:
    unit: str  # "day", "month" or "year"
    periods: list[Period]

    @property
    def total(self) -> int:
        return sum(p.count for p in self.periods)


def period_of(day: date, unit: str) -> tuple[date, date]:
    """The first and last day of the day, month or year holding `day`.

    >>> period_of(date(2016, 2, 10), "month")
    (datetime.date(2016, 2, 1), datetime.date(2016, 2, 29))
    """
    if unit == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    if unit == "month":
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day, day


def choose_unit(first: date, last: date, finest: str = "day") -> str:
    """Days for a short span, months up to fifteen years, years beyond; never finer than `finest`.

    >>> choose_unit(date(2016, 5, 1), date(2016, 5, 30))
    'day'
    >>> choose_unit(date(2006, 1, 1), date(2017, 1, 1)), choose_unit(date(2000, 1, 1), date.max)
    ('month', 'year')
    >>> choose_unit(date(2016, 5, 1), date(2016, 5, 30), finest="month")
    'month'
    """
    if finest == "day" and (last - first).days < MAX_DAYS:
        return "day"
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    return "month" if months <= MAX_MONTHS else "year"


def continuous(counts: Iterable[tuple[date, int]], finest: str = "day") -> Chart:
    """Counts per day, month or year from the first to the last, empty periods included.

    >>> chart = continuous([(date(2016, 1, 9), 2), (date(2016, 4, 2), 1), (date(2016, 1, 20), 2)],
    ...                    finest="month")
    >>> chart.unit, [(p.start.month, p.count, p.height) for p in chart.periods]
    ('month', [(1, 4, 100), (2, 0, 0), (3, 0, 0), (4, 1, 25)])
    """
    days: dict[date, int] = {}
    for day, count in counts:
        days[day] = days.get(day, 0) + count
    if not days:
        return Chart(finest, [])
    first, last = min(days), max(days)
    unit = choose_unit(first, last, finest)
    buckets: dict[date, int] = {}
    for day, count in days.items():
        start = period_of(day, unit)[0]
        buckets[start] = buckets.get(start, 0) + count
    tallest = max(buckets.values()) or 1
    periods: list[Period] = []
    cursor = period_of(first, unit)[0]
    while cursor <= last:
        start, end = period_of(cursor, unit)
        count = buckets.get(start, 0)
        tick = unit == "year" or (start.month == 1 if unit == "month" else start.day == 1)
        periods.append(Period(start, end, count, round(100 * count / tallest), tick or not periods))
        cursor = end + timedelta(days=1)
    return Chart(unit, periods)


def period_label(start: date, unit: str, language: str = "en") -> str:
    """A chart period's label in the interface language's format.

    >>> period_label(date(2016, 5, 1), "month"), period_label(date(2016, 5, 1), "day", "vi")
    ('May 2016', '01/05/2016')
    """
    return day_label(start, unit, language)

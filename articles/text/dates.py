"""Publication dates: parse Vietnamese/English date text and pick the dateline's date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from articles.text.cleaning import first_sentence, is_prose


@dataclass(frozen=True)
class PartialDate:
    day: int | None
    month: int | None
    year: int | None


_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?P<y>(?:19|20)\d\d)(?!\d)"
# Words that put a bare "21/5" in date context; without one, "1/2" is just a fraction.
_DATE_WORD = r"(?:ngày|hôm|sáng|trưa|chiều|tối|đêm|rạng sáng|thứ \w+,?|chủ nhật,?|on)\s+"

_ORDINAL = r"(?:st|nd|rd|th)?"
_NOT_AFTER = r"(?<![\d/.,-])"  # no day/month starts inside "2,799" or "4-5/12"
_NGAY_THANG = rf"\bngày\s+(?P<d>\d{{1,2}})\s+tháng\s+(?P<m>\d{{1,2}})(?:\s*(?:năm|,|/)\s*{_YEAR})?"
_THANG = rf"\btháng\s+(?P<m>\d{{1,2}})(?!\d)(?:\s*(?:năm\s+|/|,\s*|-){_YEAR})?"
_NUMERIC_DATE = rf"{_NOT_AFTER}(?P<a>\d{{1,2}})(?P<sep>[/.-])(?P<b>\d{{1,2}})(?P=sep){_YEAR}"
_DAY_MONTH = rf"\b(?P<d>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?{_MONTH}\b(?:,?\s+{_YEAR})?"

# (pattern, how to read it): "ab" is day/month or month/day depending on the language.
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"\b{_YEAR}[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}})(?!\d)"), "named"),
    (re.compile(_NGAY_THANG, re.I), "named"),
    (re.compile(_THANG, re.I), "named"),
    (re.compile(_NUMERIC_DATE), "ab"),
    (re.compile(rf"{_NOT_AFTER}(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})(?![\d/])"), "ab"),
    (re.compile(rf"\b{_MONTH}\s+(?P<d>\d{{1,2}}){_ORDINAL}\b(?:,?\s+{_YEAR})?", re.I), "named"),
    (re.compile(_DAY_MONTH, re.I), "named"),
    (re.compile(rf"\b{_MONTH}\s+{_YEAR}", re.I), "named"),
    (re.compile(rf"\bnăm\s+{_YEAR}", re.I), "year"),
]
_CONTEXT = re.compile(rf"{_DATE_WORD}$", re.I)

# A dateline is a short line that is mostly date: what remains after removing these is a label.
_DATELINE_NOISE = re.compile(
    r"\b(?:thứ (?:hai|ba|tư|năm|sáu|bảy)|chủ nhật|cập nhật|đăng|ngày|lúc|giờ|published|updated"
    r"|posted|last|on|at|monday|tuesday|wednesday|thursday|friday|saturday|sunday|gmt|utc|am|pm)\b"
    r"|\d{1,2}[:h]\d{2}(?::\d{2})?|\(?gmt\s*[+-]\s*\d+\)?|[^\w\s]",
    re.I,
)
_CAPTION = re.compile(r"\|\s*$|\((?:nguồn|ảnh|photo|source|credit)\s*:", re.I)
_HEAD_LINES = 8


def parse_date_text(s: str, lang: str | None) -> PartialDate | None:
    """Return the first valid date expression in s, keeping only the parts it states.

    >>> parse_date_text("Thứ Hai, 19/10/2024 10:30 (GMT+7)", "vi")
    PartialDate(day=19, month=10, year=2024)
    """
    found = _find_dates(s, lang, strict=False)
    return found[0][2] if found else None


def find_publication_date(
    text: str, lang: str | None, *, reference: date | None = None
) -> tuple[date | None, str]:
    """Date and precision from the dateline or the lead's first sentence of a cleaned article.

    >>> lead = "VOV.VN - Ông Stoltenberg hôm 21/5 cho biết NATO không đưa quân tới Libya."
    >>> find_publication_date(lead, "vi", reference=date(2016, 6, 1))
    (datetime.date(2016, 5, 21), 'day')
    """
    lines = [line.strip() for line in text.split("\n", 200)[:200] if line.strip()][:_HEAD_LINES]
    weak: PartialDate | None = None
    for line in lines:
        if _CAPTION.search(line):
            continue
        if len(line) <= 120:
            found = _find_dates(line, lang, strict=False)
            if found and _is_dateline(line, found[0][0], found[0][1]):
                return resolve(found[0][2], reference)
        if is_prose(line):
            # The lead: only its first sentence speaks for the publication date; later
            # sentences and paragraphs talk about events.
            found = _find_dates(first_sentence(line)[:300], lang, strict=True)
            weak = found[0][2] if found else None
            break
    return resolve(weak, reference) if weak else (None, "unknown")


def resolve(partial: PartialDate | None, reference: date | None = None) -> tuple[date | None, str]:
    """Turn a partial date into (first day of the known period, precision); years need evidence.

    >>> resolve(PartialDate(21, 5, None), date(2016, 5, 1))
    (datetime.date(2015, 5, 21), 'day')
    """
    if partial is None or (partial.month is None and partial.year is None):
        return None, "unknown"
    year = partial.year
    if year is None:
        if reference is None or partial.month is None:
            return None, "unknown"
        year = reference.year
        # The article cannot postdate the reference, so a later day/month means last year.
        if (partial.month, partial.day or 1) > (reference.month, reference.day):
            year -= 1
    precision = "day" if partial.day else "month" if partial.month else "year"
    try:
        return date(year, partial.month or 1, partial.day or 1), precision
    except ValueError:
        return None, "unknown"


def _find_dates(s: str, lang: str | None, *, strict: bool) -> list[tuple[int, int, PartialDate]]:
    found: list[tuple[int, int, PartialDate]] = []
    for pattern, order in _PATTERNS:
        for match in pattern.finditer(s):
            if order == "year" and strict:
                continue
            partial = _to_partial(match, order, lang)
            if partial is None:
                continue
            if strict and partial.year is None and not _CONTEXT.search(s[: match.start()][-30:]):
                continue
            found.append((match.start(), match.end(), partial))
    # Earliest first; at the same start the longer match says more ("ngày 21 tháng 5 năm 2016").
    found.sort(key=lambda item: (item[0], -item[1]))
    return found


def _to_partial(match: re.Match[str], order: str, lang: str | None) -> PartialDate | None:
    groups = match.groupdict()
    year = int(groups["y"]) if groups.get("y") else None
    if order == "ab":
        a, b = int(groups["a"]), int(groups["b"])
        # English pages write month first; if that reading is impossible, the other one wins.
        readings = [(b, a), (a, b)] if lang == "en" else [(a, b), (b, a)]
        for day, month in readings:
            if _valid(day, month, year):
                return PartialDate(day, month, year)
        return None
    if order == "year":
        return PartialDate(None, None, year)
    named_month = int(groups["m"]) if groups.get("m") else _month_number(groups.get("mon"))
    named_day = int(groups["d"]) if groups.get("d") else None
    if named_month is None or not _valid(named_day, named_month, year):
        return None
    return PartialDate(named_day, named_month, year)


def _month_number(name: str | None) -> int | None:
    # "may" is also a verb: only the capitalised word names the month.
    if name is None or name == "may":
        return None
    return _MONTHS.get(name[:3].lower())


def _valid(day: int | None, month: int, year: int | None) -> bool:
    try:
        # 2000 is a leap year, so a yearless 29/2 stays possible.
        date(year or 2000, month, day or 1)
    except ValueError:
        return False
    return True


def _is_dateline(line: str, start: int, end: int) -> bool:
    rest = _DATELINE_NOISE.sub(" ", line[:start] + " " + line[end:])
    return len(rest.split()) <= 3

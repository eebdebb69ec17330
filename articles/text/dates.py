"""Publication dates: parse Vietnamese/English date text and pick the dateline's date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from articles.text.cleaning import is_prose


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

# A publication line is a date and labels: what remains after removing these names the outlet.
_DATELINE_NOISE = re.compile(
    r"\b(?:thứ (?:hai|ba|tư|năm|sáu|bảy)|chủ nhật|cập nhật|đăng|ngày|lúc|giờ|thời gian|xuất bản"
    r"|published|updated|posted|first|last|date|on|at|monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday|gmt|utc|am|pm)\b"
    r"|\d{1,2}[:h]\d{2}(?::\d{2})?|\(?gmt\s*[+-]\s*\d+\)?|[^\w\s]",
    re.I,
)
_CAPTION = re.compile(r"\|\s*$|\((?:nguồn|ảnh|photo|source|credit)\s*:", re.I)
_HEAD_LINES = 8
_PUBLICATION_LINE_MAX = 120
_WIRE_PREFIX_MAX = 60  # "WEST HARTFORD, Conn., " and "TP Hồ Chí Minh, " fit
_PUNCTUATION = re.compile(r"[^\w\s.&'’]|(?<!\w)\.|\.(?!\w)")
# Words that open a sentence about when something happened, in either language.
_EVENT_WORDS = frozenset(
    "ngày hôm sáng trưa chiều tối đêm rạng khuya vào lúc từ đến trong thứ chủ đầu cuối giữa"
    " on in at since until from after before last this next early late"
    " monday tuesday wednesday thursday friday saturday sunday".split()
)
_BEFORE_DATELINE = re.compile(r"(?:,|\s[-–—])\s*$")
# After the day: perhaps a time and an agency "(Reuters)", then the dash, or the line ends.
_AFTER_DATELINE = re.compile(r",?\s*(?:\d{1,2}[:h]\d{2}\s*)?(?:\([^()\n]{1,40}\)\s*)?(?:[-–—]|$)")


def parse_date_text(s: str, lang: str | None) -> PartialDate | None:
    """Return the first valid date expression in s, keeping only the parts it states.

    >>> parse_date_text("Thứ Hai, 19/10/2024 10:30 (GMT+7)", "vi")
    PartialDate(day=19, month=10, year=2024)
    """
    found = _find_dates(s, lang)
    return found[0][2] if found else None


def find_publication_date(
    text: str, lang: str | None, *, reference: date | None = None
) -> tuple[date | None, str]:
    """Date and precision from a dateline or publication line at the head of a cleaned article.

    Only two forms speak for the publication date (#18): a short line that is a full date and
    nothing but labels ("Thứ Bảy, 21/5/2016 14:30 (GMT+7)", "Published 5 April 2016"), and a
    wire dateline opening a line ("HOUSTON, March 2 - ..."). A date in the story, even in the
    lead's first words ("Ngày 11/1/2021, hầm Hải Vân 2 ..."), dates an event, not the page.

    >>> find_publication_date("Tiêu đề\\nCập nhật: 08:15 ngày 21/05/2016\\nBài viết.", "vi")
    (datetime.date(2016, 5, 21), 'day')
    >>> wire = "HOUSTON, March 2 - Texas Commerce Bancshares Inc said it filed a plan."
    >>> find_publication_date(wire, "en", reference=date(1987, 3, 5))
    (datetime.date(1987, 3, 2), 'day')
    >>> lead = "Ngày 11/1/2021, hầm Hải Vân 2 được thông xe sau hơn bốn năm thi công trên đèo."
    >>> find_publication_date(lead, "vi", reference=date(2021, 4, 26))
    (None, 'unknown')
    """
    lines = [line.strip() for line in text.split("\n", 200)[:200] if line.strip()][:_HEAD_LINES]
    for line in lines:
        if _CAPTION.search(line):
            continue
        partial = _publication_line(line, lang) or _wire_dateline(line, lang)
        if partial is not None:
            return resolve(partial, reference)
        if is_prose(line):
            # The lead: past its opening, every date belongs to the story.
            break
    return None, "unknown"


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


def _find_dates(s: str, lang: str | None) -> list[tuple[int, int, PartialDate]]:
    found: list[tuple[int, int, PartialDate]] = []
    for pattern, order in _PATTERNS:
        for match in pattern.finditer(s):
            partial = _to_partial(match, order, lang)
            if partial is None:
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


def _publication_line(line: str, lang: str | None) -> PartialDate | None:
    """A short line that is a whole date plus labels: an outlet, a place, "Cập nhật", a time.

    >>> _publication_line("VOV.VN - 21/5/2016", "vi")
    PartialDate(day=21, month=5, year=2016)
    >>> _publication_line("Nine mths ended Dec 31, 1986", "en") is None
    True
    """
    if len(line) > _PUBLICATION_LINE_MAX:
        return None
    found = _find_dates(line, lang)
    if not found:
        return None
    start, end, partial = found[0]
    # A page prints its day in full; a yearless or month-only line is a heading or a table row.
    if partial.day is None or partial.year is None:
        return None
    rest = _DATELINE_NOISE.sub(" ", line[:start] + " " + line[end:]).split()
    # What is left may name the outlet or the place ("VOV.VN", "Hà Nội"), never say something:
    # a lowercase word ("ended", "sẽ diễn ra") or "Sáng" makes it a sentence about an event.
    if len(rest) > 3 or not all(_is_name(word) for word in rest):
        return None
    return partial


def _wire_dateline(line: str, lang: str | None) -> PartialDate | None:
    """A wire dateline opening a line: a place or an outlet, the day, then a dash.

    >>> _wire_dateline("READING, Penn., Feb 26 - Penn Traffic Co said ...", "en")
    PartialDate(day=26, month=2, year=None)
    >>> _wire_dateline("TGVN. Ngày 13/2, Tổng thư ký NATO cho biết ...", "vi") is None
    True
    """
    found = _find_dates(line[: _WIRE_PREFIX_MAX + 40], lang)
    if not found:
        return None
    start, end, partial = found[0]
    prefix = _PUNCTUATION.sub(" ", line[:start]).split()
    if not 0 < len(prefix) <= 6 or start > _WIRE_PREFIX_MAX or partial.day is None:
        return None
    # "PLACE, date" or "OUTLET - date"; a headline running into a date ("YEAR ENDED DEC 31")
    # has neither.
    if not _BEFORE_DATELINE.search(line, 0, start):
        return None
    # "HOUSTON", "Hà Nội", "VOV.VN": names only. "Ngày", "On", "Sáng" open an event sentence.
    if not all(_is_name(word) for word in prefix):
        return None
    # The dash is what makes it a dateline: "Ngày 13/2, <event>" goes on with a comma.
    return partial if _AFTER_DATELINE.match(line, end) else None


def _is_name(word: str) -> bool:
    return word[0].isupper() and word.casefold() not in _EVENT_WORDS

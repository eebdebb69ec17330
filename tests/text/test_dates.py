"""articles.text.dates: date text parsing, year resolution, and choosing the publication date."""

from __future__ import annotations

from datetime import date

import pytest

from articles.text import PartialDate, find_publication_date, parse_date_text, resolve
from tests.paths import demo_text

REF = date(2016, 6, 1)


@pytest.mark.parametrize(
    ("text", "lang", "reference", "published", "precision"),
    [
        ("ngày 19/10/2024", "vi", None, date(2024, 10, 19), "day"),
        ("21/5/2016", "vi", None, date(2016, 5, 21), "day"),
        ("19-10-2024", "vi", None, date(2024, 10, 19), "day"),
        ("Thứ Hai, 19/10/2024 10:30 (GMT+7)", "vi", None, date(2024, 10, 19), "day"),
        ("ngày 21 tháng 5 năm 2016", "vi", None, date(2016, 5, 21), "day"),
        ("tháng 5 năm 2016", "vi", None, date(2016, 5, 1), "month"),
        ("tháng 5/2016", "vi", None, date(2016, 5, 1), "month"),
        ("Năm 2016", "vi", None, date(2016, 1, 1), "year"),
        ("hôm 13/2", "vi", None, None, "unknown"),
        ("hôm 21/5", "vi", REF, date(2016, 5, 21), "day"),
        ("Ngày 13/2,", "vi", REF, date(2016, 2, 13), "day"),
        # A yearless date after the reference day belongs to the year before.
        ("hôm 21/6", "vi", REF, date(2015, 6, 21), "day"),
        ("tháng 5", "vi", REF, date(2016, 5, 1), "month"),
        ("31/2/2016", "vi", None, None, "unknown"),
        ("29/2", "vi", date(2016, 3, 1), date(2016, 2, 29), "day"),
        ("29/2", "vi", date(2015, 3, 1), None, "unknown"),
        ("March 31, 2016", "en", None, date(2016, 3, 31), "day"),
        ("31 March 2016", "en", None, date(2016, 3, 31), "day"),
        ("2016-03-31", "en", None, date(2016, 3, 31), "day"),
        ("2016-04-05T10:30:00+00:00", "en", None, date(2016, 4, 5), "day"),
        ("April 5, 2016 10:30 GMT", "en", None, date(2016, 4, 5), "day"),
        ("Apr. 5th, 2016", "en", None, date(2016, 4, 5), "day"),
        ("March 2016", "en", None, date(2016, 3, 1), "month"),
        ("March 31", "en", None, None, "unknown"),
        ("March 31", "en", REF, date(2016, 3, 31), "day"),
        ("03/04/2016", "en", None, date(2016, 3, 4), "day"),
        ("03/04/2016", "vi", None, date(2016, 4, 3), "day"),
        ("13/04/2016", "en", None, date(2016, 4, 13), "day"),
        ("we may 5 times", "en", REF, None, "unknown"),
        ("no date here", "en", REF, None, "unknown"),
    ],
)
def test_parse_and_resolve(
    text: str, lang: str, reference: date | None, published: date | None, precision: str
) -> None:
    assert resolve(parse_date_text(text, lang), reference) == (published, precision)


def test_parse_keeps_only_the_parts_the_text_states() -> None:
    assert parse_date_text("hôm 21/5 cho biết", "vi") == PartialDate(21, 5, None)
    assert parse_date_text("tháng 5/2016", "vi") == PartialDate(None, 5, 2016)
    assert parse_date_text("31/2", "vi") is None


@pytest.mark.parametrize(
    ("text", "lang", "reference", "expected"),
    [
        # The dateline line wins over dates inside the story.
        (
            "Thứ Sáu, 15/9/2023 14:05 (GMT+7)\nMưa lớn ở Đà Nẵng\n"
            "Trận mưa từ ngày 12/9/2023 đã làm ngập nhiều tuyến phố ở trung tâm thành phố.",
            "vi",
            None,
            (date(2023, 9, 15), "day"),
        ),
        # A date in the lead's first sentence counts; only the reference gives it a year.
        (
            "Tiêu đề\nVOV.VN - Tổng Thư ký NATO hôm 21/5 cho biết, NATO không đưa quân tới Libya.",
            "vi",
            None,
            (None, "unknown"),
        ),
        (
            "Tiêu đề\nTGVN. Ngày 13/2, Tổng thư ký NATO cho biết chính phủ Iraq đã đồng ý.",
            "vi",
            date(2020, 2, 20),
            (date(2020, 2, 13), "day"),
        ),
        # Dates after the lead's first sentence are events, not the publication date.
        (
            "Headline here\nThe new government arrived in Tripoli to bring stability, officials "
            "said. It had landed on March 31, 2016 after weeks of talks.",
            "en",
            None,
            (None, "unknown"),
        ),
        # A fraction is not a date: "1/2" needs a date word before it.
        (
            "Tiêu đề\nKhoảng 1/2 dân số thành phố đã được tiêm vắc xin trong đợt đầu tiên.",
            "vi",
            REF,
            (None, "unknown"),
        ),
        # Photo captions carry event dates, not the page's.
        (
            "Ảnh chụp ngày 19/10/2024. (Nguồn: Reuters) |\n"
            "Các Bộ trưởng đã họp tại Naples để bàn về hỗ trợ cho Ukraine trong năm tới.",
            "vi",
            None,
            (None, "unknown"),
        ),
        ("", "vi", REF, (None, "unknown")),
    ],
)
def test_find_publication_date(
    text: str, lang: str, reference: date | None, expected: tuple[date | None, str]
) -> None:
    assert find_publication_date(text, lang, reference=reference) == expected


def test_footer_dates_beyond_the_head_are_never_chosen() -> None:
    text = "\n".join(
        ["Tiêu đề", "Ông A cho biết NATO không có kế hoạch đưa quân tới Libya trong năm nay."]
        + [f"Đoạn {i} của bài viết, không có ngày tháng nào cả ở đây." for i in range(10)]
        + ["- Aguila, Turkish Envoy Discuss Cooperation - January 14, 2025"]
    )
    assert find_publication_date(text, "vi") == (None, "unknown")


def test_event_date_inside_the_story_is_not_the_publication_date() -> None:
    # 004 says "arrived in Tripoli on March 31" in its fourth paragraph.
    assert find_publication_date(demo_text("004"), "en", reference=date(2016, 4, 6)) == (
        None,
        "unknown",
    )

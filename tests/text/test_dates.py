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


# A lead sentence that opens with or carries a date tells when something happened (#18): on an
# unseen outlet most such dates were not the day of publication ("Ngày 11/1/2021, hầm Hải Vân
# 2 ..." in an article of 26/4). The outlet's tag before it ("TGVN.", "VOV.VN -") changes
# nothing: the sentence goes on with a comma and a clause, not a dash.
LEAD_EVENTS = [
    ("Ngày 11/1/2021, hầm Hải Vân 2 chính thức được thông xe sau hơn bốn năm thi công.", "vi"),
    ("TGVN. Ngày 13/2, Tổng thư ký NATO cho biết chính phủ Iraq đã đồng ý cho NATO ở lại.", "vi"),
    ("VOV.VN - Tổng Thư ký NATO hôm 21/5 cho biết, NATO không đưa quân tới Libya.", "vi"),
    ("Hà Nội - Ngày 19/10/2024, Tổng thư ký NATO Mark Rutte cho biết ông đang thảo luận.", "vi"),
    ("ANTĐ - Hội đồng thành phố ngày 18/10 đã thông qua quy định cấm ô tô chạy xăng, dầu.", "vi"),
    ("Sáng 22/12, Ban chỉ huy phòng chống lụt bão thành phố Hải Phòng họp khẩn cấp.", "vi"),
    ("Hôm 16/7, Chi cục Thú y Lạng Sơn đã tiêu huỷ 42.000 quả trứng gà nhập lậu.", "vi"),
    ("Ngày 4/1/2005 sẽ diễn ra hội thảo du học trường Northumbria tại Hà Nội.", "vi"),
    ("Ngày 21 tháng 5 năm 2016, Quốc hội khóa XIV bắt đầu kỳ họp đầu tiên tại Hà Nội.", "vi"),
    ("On March 31, 2016, the UN-backed government arrived in Tripoli to bring stability.", "en"),
    ("The government arrived in Tripoli on March 31, 2016, officials said on Friday.", "en"),
    ("March 2, 2016: the company said it would cut 500 jobs at its plant in Ohio.", "en"),
    ("LONDON - The company said on March 2 it would cut 500 jobs at its plant in Leeds.", "en"),
    # Headlines and table rows that end in a date are not datelines either.
    ("ESSO SAF <ESSF.PA> YEAR ENDED DEC 31 1986", "en"),
    ("Nine mths ended Dec 31, 1986", "en"),
    ("Sáng 30/4/1975", "vi"),
]


@pytest.mark.parametrize(("lead", "lang"), LEAD_EVENTS)
def test_lead_event_dates_are_not_publication_dates(lead: str, lang: str) -> None:
    # With a crawl date, even a yearless event date could be resolved: still none is taken.
    for text in (lead, f"Tiêu đề của bài\n{lead}"):
        assert find_publication_date(text, lang, reference=date(2024, 12, 1)) == (
            None,
            "unknown",
        )


# Datelines and publication lines: the only text that speaks for the day of publication.
DATELINES = [
    ("Cập nhật: 08:15 ngày 21/05/2016", "vi", None, date(2016, 5, 21)),
    ("Thứ Bảy, 21/5/2016 14:30 (GMT+7)", "vi", None, date(2016, 5, 21)),
    ("Chủ nhật, 22/5/2016 | 08:15", "vi", None, date(2016, 5, 22)),
    ("VOV.VN - 21/5/2016", "vi", None, date(2016, 5, 21)),
    ("Ngày đăng: 21/05/2016", "vi", None, date(2016, 5, 21)),
    ("Hà Nội, ngày 21 tháng 5 năm 2016", "vi", None, date(2016, 5, 21)),
    ("Published 5 April 2016", "en", None, date(2016, 4, 5)),
    ("Updated: April 5, 2016 10:30 am EDT", "en", None, date(2016, 4, 5)),
    ("By John Smith | April 5, 2016", "en", None, date(2016, 4, 5)),
    # A yearless dateline needs the crawl date for its year.
    ("HOUSTON, March 2 - Texas Commerce Bancshares said it filed a plan.", "en", None, None),
    (
        "HOUSTON, March 2 - Texas Commerce Bancshares said it filed a plan.",
        "en",
        date(1987, 3, 5),
        date(1987, 3, 2),
    ),
    ("READING, Penn., Feb 26 - Penn Traffic Co said it sold a unit.", "en", REF, date(2016, 2, 26)),
    ("NEW YORK, FEb 26 - Shr profit 15 cts vs profit four cts", "en", REF, date(2016, 2, 26)),
    (
        "TOKYO, Feb 27 (Reuters) - Japan's consumer prices fell in January.",
        "en",
        REF,
        date(2016, 2, 27),
    ),
    (
        "PARIS, March 2, 2016 (AFP) - France said on Wednesday it would act.",
        "en",
        None,
        date(2016, 3, 2),
    ),
    ("HOUSTON, March 2", "en", REF, date(2016, 3, 2)),
    (
        "Hà Nội, 21/5 (TTXVN) - Tổng Thư ký NATO cho biết NATO không đưa quân tới Libya.",
        "vi",
        REF,
        date(2016, 5, 21),
    ),
    (
        "VOV.VN - 21/5/2016 - Tổng Thư ký NATO cho biết NATO không đưa quân tới Libya.",
        "vi",
        None,
        date(2016, 5, 21),
    ),
]


@pytest.mark.parametrize(("line", "lang", "reference", "published"), DATELINES)
def test_datelines_and_publication_lines_give_the_date(
    line: str, lang: str, reference: date | None, published: date | None
) -> None:
    expected = (published, "day") if published else (None, "unknown")
    # Above the headline, between headline and lead, or opening the lead: all read the same.
    assert find_publication_date(line, lang, reference=reference) == expected
    lead = "Các bộ trưởng đã họp tại Naples để bàn về hỗ trợ cho Ukraine trong năm tới và sau đó."
    text = f"Tiêu đề của bài\n{line}\n{lead}"
    assert find_publication_date(text, lang, reference=reference) == expected


def test_a_dateline_after_the_lead_is_part_of_the_story() -> None:
    text = (
        "Tiêu đề\nCác bộ trưởng đã họp tại Naples để bàn về hỗ trợ cho Ukraine trong năm tới.\n"
        "Cập nhật: 08:15 ngày 21/05/2016"
    )
    assert find_publication_date(text, "vi") == (None, "unknown")


@pytest.mark.parametrize(
    ("seed", "crawled"),
    [("000", date(2016, 5, 24)), ("001", date(2020, 2, 16)), ("002", date(2024, 10, 22))],
)
def test_seed_lead_events_stay_undated_even_with_a_crawl_date(seed: str, crawled: date) -> None:
    # "hôm 21/5 cho biết", "TGVN. Ngày 13/2, ...", "Ngày 19/10, ...": the curator's manifest
    # dates these pages; their text states only when the Secretary General spoke.
    assert find_publication_date(demo_text(seed), "vi", reference=crawled) == (None, "unknown")


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

"""extract_text / extract_html: the five seed pages, golden HTML pages, and hostile input."""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from articles.ingest import Extracted, extract_html, extract_text
from articles.text import find_publication_date
from tests.paths import DEMO_FILES, PAGES, demo_text


@pytest.fixture(scope="module")
def seeds() -> dict[str, Extracted]:
    return {number: extract_text(demo_text(number)) for number in DEMO_FILES}


@pytest.mark.parametrize(
    ("number", "title"),
    [
        ("000", "NATO không có kế hoạch triển khai lực lượng chiến đấu tại Libya"),
        ("001", "Iraq 'bật đèn xanh' cho NATO ở lại"),
        ("003", "NATO Chief: We are ready to help disarm militias in Libya"),
        ("004", "NATO chief: No plans for combat troops in Libya"),
    ],
)
def test_extract_text_finds_the_headline(
    seeds: dict[str, Extracted], number: str, title: str
) -> None:
    assert seeds[number].title == title


def test_extract_text_makes_a_title_from_the_lead_when_the_first_line_is_a_caption(
    seeds: dict[str, Extracted],
) -> None:
    title = seeds["002"].title
    assert title.startswith("Tổng thư ký Tổ chức Hiệp ước Bắc Đại Tây Dương (NATO) Mark Rutte")
    assert "Nguồn" not in title and "Naples của Italy" not in title
    assert len(title) <= 121
    assert title.endswith("…") and not title.endswith(" …")


@pytest.mark.parametrize("number", list(DEMO_FILES))
def test_title_is_not_repeated_as_the_first_paragraph(
    seeds: dict[str, Extracted], number: str
) -> None:
    extracted = seeds[number]
    assert extracted.body.split("\n\n")[0] != extracted.title
    assert extracted.body.count(extracted.title) <= 1


@pytest.mark.parametrize(
    ("number", "language"),
    [("000", "vi"), ("001", "vi"), ("002", "vi"), ("003", "en"), ("004", "en")],
)
def test_extract_text_detects_language(
    seeds: dict[str, Extracted], number: str, language: str
) -> None:
    assert seeds[number].language == language


@pytest.mark.parametrize(
    ("number", "name", "domain"),
    [
        ("000", "VOV.VN", "vov.vn"),
        ("001", "Báo Thế giới và Việt Nam", "baoquocte.vn"),
        ("002", None, None),  # only a Reuters photo credit: not the publisher
        ("003", "Libyan Express", "libyanexpress.com"),
        ("004", "Al Jazeera", "aljazeera.com"),
    ],
)
def test_extract_text_finds_source_from_markers_in_the_raw_text(
    seeds: dict[str, Extracted], number: str, name: str | None, domain: str | None
) -> None:
    assert (seeds[number].source_name, seeds[number].source_domain) == (name, domain)


@pytest.mark.parametrize("number", list(DEMO_FILES))
def test_seed_dates_without_year_stay_unknown(seeds: dict[str, Extracted], number: str) -> None:
    # Footer/teaser dates such as 001's "7/12/2025" and 003's "January 14, 2025" must lose.
    assert (seeds[number].published, seeds[number].precision) == (None, "unknown")


WIRE_PAGE = """NATO plans no combat mission in Libya
BRUSSELS, May 21 (Reuters) - NATO Secretary General Jens Stoltenberg said on Saturday the \
alliance had no plans to send combat troops to Libya but stood ready to help its new government.
"""


def test_reference_date_supplies_the_year_for_the_dateline() -> None:
    assert find_publication_date(WIRE_PAGE, "en", reference=date(2016, 5, 24)) == (
        date(2016, 5, 21),
        "day",
    )
    extracted = extract_text(WIRE_PAGE)
    cleaned = f"{extracted.title}\n\n{extracted.body}"
    assert find_publication_date(cleaned, "en", reference=date(2016, 6, 1)) == (
        date(2016, 5, 21),
        "day",
    )


def test_reference_date_does_not_date_the_seed_lead_event() -> None:
    # 000's "hôm 21/5 cho biết" says when Stoltenberg spoke, not when VOV published (#18).
    assert find_publication_date(demo_text("000"), "vi", reference=date(2016, 5, 21)) == (
        None,
        "unknown",
    )


KEEPS = [
    ("000", "Tổng Thư ký NATO Jens Stoltenberg hôm 21/5 cho biết"),
    ("000", "Hiện Liên Hợp Quốc đang áp đặt một lệnh cấm vận đối với Libya"),
    ("001", "bật đèn xanh"),
    ("001", "Động thái diễn ra vài tuần sau khi Iraq yêu cầu"),
    ("001", "Munich Đức vào ngày 14/2"),
    ("002", "Mark Rutte cho biết ông đang thảo luận"),
    ("002", "Rất vui khi được ở Naples với các Bộ trưởng Quốc phòng G7"),
    ("002", "các Bộ trưởng G7 đã kêu gọi Iran ngừng hỗ trợ Hamas"),
    ("002", "Bộ trưởng Quốc phòng Ukraine đã tham gia các cuộc thảo luận tại Naples."),
    ("003", "The Secretary General of NATO has told Sky News"),
    ("003", "“We are ready to help,” Mr Stoltenberg confirmed."),
    ("003", "create really dangerous situations."),
    ("004", "NATO is not planning combat operations inside Libya"),
    ("004", "arrived in Tripoli on March 31"),
    ("004", "surveillance, monitoring and counter-terrorism"),
]
DROPS = [
    ("000", "Mời quý độc giả theo dõi VOV.VN trên"),
    ("000", "Tin liên quan"),
    ("000", "Mỹ mở rộng trừng phạt IS ở Libya"),
    ("000", "Obama"),
    ("000", "Montenegro"),
    ("001", "Theo dõi Baoquocte.vn trên"),
    ("001", "TIN LIÊN QUAN"),
    ("001", "iraq bat den xanh cho nato o lai"),
    ("001", "Nga - NATO sẽ đàm phán tại Baku"),
    ("001", "(Nguồn: AP)"),
    ("001", "Lịch cúp điện"),
    ("001", "Audi A6"),
    ("001", "Phiên bản di động"),
    ("002", "(Nguồn: Reuters)"),
    ("002", "Tổng thống Ukraine ký ban hành luật"),
    ("002", "Nga khẳng định sẽ hỗ trợ quân sự nếu Triều Tiên"),
    ("002", "|"),
    ("003", "[su_note"),
    ("003", "The views expressed"),
    ("003", "How to submit an Op-Ed"),
    ("003", "Aguila, Turkish Envoy"),
    ("003", "January 14, 2025"),
    ("004", "Get all your news in one place"),
    ("004", "100’s of premium titles"),
    ("004", "Start reading"),
    ("004", "Also read: When is the next Libya intervention?"),
    ("004", "Sign up to read this article"),
    ("004", "Related Stories"),
    ("004", "Download the app"),
    ("004", "One app. One membership."),
]


@pytest.mark.parametrize(("number", "phrase"), KEEPS)
def test_body_keeps_the_story(seeds: dict[str, Extracted], number: str, phrase: str) -> None:
    assert phrase in seeds[number].body


@pytest.mark.parametrize(("number", "phrase"), DROPS)
def test_body_drops_page_noise(seeds: dict[str, Extracted], number: str, phrase: str) -> None:
    assert phrase not in seeds[number].body


def test_body_keeps_paragraph_order_and_blank_line_separators(
    seeds: dict[str, Extracted],
) -> None:
    body = seeds["000"].body
    paragraphs = body.split("\n\n")
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith("VOV.VN - Tổng Thư ký NATO")
    assert paragraphs[1].startswith("Theo ông Stoltenberg")
    assert paragraphs[3].startswith("Hiện Liên Hợp Quốc")
    # Seed 002 has single newlines between paragraphs; the body normalises them.
    assert "\n" not in seeds["002"].body.replace("\n\n", "")
    assert len(seeds["002"].body.split("\n\n")) == 6


@pytest.mark.parametrize("number", list(DEMO_FILES))
def test_decomposed_input_gives_the_same_result(seeds: dict[str, Extracted], number: str) -> None:
    decomposed = unicodedata.normalize("NFD", demo_text(number))
    assert decomposed != demo_text(number) or number in ("003", "004")
    assert extract_text(decomposed) == seeds[number]


def test_control_characters_are_stripped(seeds: dict[str, Extracted]) -> None:
    noisy = demo_text("000").replace("Stoltenberg", "Stolten\x00berg\x07").replace("\n", "\r\n")
    extracted = extract_text(noisy)
    assert extracted.body == seeds["000"].body
    assert "\x00" not in extracted.body and "\r" not in extracted.body


def test_url_domain_wins_and_names_only_its_own_site() -> None:
    text = demo_text("004")
    direct = extract_text(text, url="https://www.aljazeera.com/news/2016/4/5/nato")
    assert (direct.source_name, direct.source_domain) == ("Al Jazeera", "aljazeera.com")
    assert direct.url == "https://www.aljazeera.com/news/2016/4/5/nato"
    aggregated = extract_text(text, url="https://www.inkl.com/news/nato-chief")
    assert (aggregated.source_name, aggregated.source_domain) == (None, "inkl.com")


SYNTHETIC_VI = """Thời sự
Thế giới
Thứ Hai, 19/10/2024 10:30 (GMT+7)
Hà Lan cấm xe chạy xăng ở trung tâm Amsterdam từ năm 2030
ANTĐ - Hội đồng thành phố ngày 18/10 đã thông qua quy định cấm ô tô chạy xăng, dầu đi vào \
khu trung tâm từ năm 2030 nhằm giảm ô nhiễm không khí.
Theo dõi Anninhthudo.vn trên
ha lan cam xe chay xang o trung tam amsterdam tu nam 2030 Đức tăng thuế với xe cũ
Ảnh: Một tuyến phố ở Amsterdam.
Theo kế hoạch, xe máy chạy xăng cũng sẽ bị hạn chế dần, trong khi thành phố mở rộng mạng \
lưới trạm sạc công cộng cho xe điện.
Xem thêm
Đức tăng thuế với xe cũ
Đức tăng thuế với xe cũ
Chính phủ Đức vừa công bố mức thuế mới đối với các phương tiện trên 15 năm tuổi, áp dụng \
từ đầu năm sau.
Pháp mở rộng vùng phát thải thấp ...
Phiên bản di động
"""


def test_noise_rules_generalise_to_an_unseen_vietnamese_page() -> None:
    extracted = extract_text(SYNTHETIC_VI)
    assert extracted.title == "Hà Lan cấm xe chạy xăng ở trung tâm Amsterdam từ năm 2030"
    assert (extracted.published, extracted.precision) == (date(2024, 10, 19), "day")
    assert extracted.source_domain == "anninhthudo.vn"
    assert extracted.body.split("\n\n") == [
        "ANTĐ - Hội đồng thành phố ngày 18/10 đã thông qua quy định cấm ô tô chạy xăng, dầu đi "
        "vào khu trung tâm từ năm 2030 nhằm giảm ô nhiễm không khí.",
        "Theo kế hoạch, xe máy chạy xăng cũng sẽ bị hạn chế dần, trong khi thành phố mở rộng "
        "mạng lưới trạm sạc công cộng cho xe điện.",
    ]


RELATED_BOX_MID_STORY = """Cao tốc Bắc - Nam thông xe thêm ba đoạn tuyến
Bộ Giao thông vận tải hôm nay cho biết ba đoạn cao tốc mới đã được đưa vào khai thác, rút \
ngắn thời gian đi lại giữa các tỉnh miền Trung.
TIN LIÊN QUAN
Giá vé cầu đường sẽ được điều chỉnh
Bộ Tài chính vừa công bố dự thảo điều chỉnh mức phí tại nhiều trạm thu phí trên cả nước.
Một đoạn cao tốc mới thông xe. (Ảnh: TTXVN)
Theo chủ đầu tư, tổng chiều dài ba đoạn tuyến là hơn 200 km với tổng mức đầu tư khoảng \
30.000 tỷ đồng.
Các phương tiện được phép lưu thông với tốc độ tối đa 90 km/h trong giai đoạn đầu khai thác.
"""


def test_related_box_inside_the_story_is_cut_and_the_story_resumes() -> None:
    paragraphs = extract_text(RELATED_BOX_MID_STORY).body.split("\n\n")
    assert [p.split()[0] for p in paragraphs] == ["Bộ", "Theo", "Các"]


SYNTHETIC_EN = """Home > World > Europe
Published April 5, 2016 10:30 GMT
Dutch court halts airport expansion over noise
AMSTERDAM — A Dutch court on Tuesday ordered the government to halt the expansion of a \
regional airport until it completes a new study of noise levels.
Read more: Airport noise rules tightened
Residents' groups welcomed the decision and said they would push for a cap on night flights.
Most Read
Storm closes schools across the north
Storm closes schools across the north
Heavy snow forced the closure of more than 200 schools on Monday, officials said.
© 2016 The Daily Example. All rights reserved.
"""


def test_noise_rules_generalise_to_an_unseen_english_page() -> None:
    extracted = extract_text(SYNTHETIC_EN)
    assert extracted.title == "Dutch court halts airport expansion over noise"
    assert extracted.language == "en"
    assert (extracted.published, extracted.precision) == (date(2016, 4, 5), "day")
    assert len(extracted.body.split("\n\n")) == 2
    for noise in ("Home >", "Read more", "Most Read", "Storm closes", "Heavy snow", "©"):
        assert noise not in extracted.body


def test_unaccented_vietnamese_page_is_vi() -> None:
    text = (
        "Iraq bat den xanh cho NATO o lai\n\n"
        "Ngay 13/2, Tong thu ky NATO cho biet chinh phu Iraq da dong y cho cac luc luong "
        "cua lien minh tiep tuc o lai nuoc nay de huan luyen quan doi."
    )
    assert extract_text(text).language == "vi"


HOSTILE = ["", "   \n\t  \n", "\x00\x01\x1f\x7f", "\ufeff", "<<<>>>", "[su_note]", "|", "…"]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("extract", [extract_text, extract_html])
def test_hostile_input_gives_empty_fields(extract: Any, text: str) -> None:
    extracted = extract(text)
    assert (extracted.title, extracted.body, extracted.language) == ("", "", None)
    assert (extracted.published, extracted.precision) == (None, "unknown")


def test_five_megabytes_of_text_still_extracts() -> None:
    text = demo_text("001")
    huge = text * (5_000_000 // len(text))
    extracted = extract_text(huge)
    assert extracted.title == "Iraq 'bật đèn xanh' cho NATO ở lại"
    assert "Munich Đức vào ngày 14/2" in extracted.body
    assert extract_text("x" * 5_000_000).body == ""


def test_garbage_html_never_raises() -> None:
    garbage = "<div>" * 50_000 + "<p>text &amp;&bogus; <!-- open comment <![CDATA[ x" + "</i>" * 10
    assert extract_html(garbage).body == ""
    assert extract_html("<" * 100_000 + "&#xFFFFFFF; &#0;").title == ""


def _golden_cases() -> list[Path]:
    return sorted(PAGES.glob("*.html"))


@pytest.mark.parametrize("page", _golden_cases(), ids=lambda path: path.stem)
def test_extract_html_matches_golden_file(page: Path) -> None:
    expected: dict[str, Any] = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    extracted = extract_html(page.read_text(encoding="utf-8"), url=expected.get("url"))
    assert extracted.title == expected["title"]
    assert extracted.language == expected["language"]
    published = extracted.published.isoformat() if extracted.published else None
    assert (published, extracted.precision) == (expected["published"], expected["precision"])
    assert extracted.source_name == expected["source_name"]
    assert extracted.source_domain == expected["source_domain"]
    for phrase in expected["body_contains"]:
        assert phrase in extracted.body
    for phrase in expected["body_excludes"]:
        assert phrase not in extracted.body
    if "body" in expected:
        assert extracted.body == expected["body"]


def test_golden_folder_is_not_empty() -> None:
    assert len(_golden_cases()) >= 3

"""The workspace's pages in headless Chromium: each page in English and in Vietnamese at
desktop and phone widths, the download button, the comparison page, saving a search."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from articles.models import Article, SavedSearch
from tests.test_pages_browser import OVERFLOW

pytestmark = [pytest.mark.browser]

PASSWORD = "a long pass phrase 42"
# Each page: its address (given the saved search's id), whether it needs an analyst logged
# in, and (selector, English, Vietnamese) texts it must show, each only in its language.
PAGES: dict[str, tuple[Callable[[int], str], bool, list[tuple[str, str, str]]]] = {
    "login": (
        lambda pk: "/accounts/login/",
        False,
        [
            ("h1", "Log in", "Đăng nhập"),
            ("form.login", "Username", "Tên đăng nhập"),
            ("form.login", "Password", "Mật khẩu"),
            (".account .hint", "Accounts are made by the archive's staff.", "Tài khoản do"),
        ],
    ),
    "results": (
        lambda pk: "/search/?q=NATO",
        True,
        [
            (".downloads", "Download every match:", "Tải xuống toàn bộ kết quả:"),
            ("#top-terms", "Top terms", "Từ nổi bật"),
            (".save-search", "Save this search as", "Lưu tìm kiếm với tên"),
            (".hit time", "21 May 2016", "21/05/2016"),
        ],
    ),
    "saved_list": (
        lambda pk: "/saved/",
        True,
        [
            ("h1", "Saved searches", "Tìm kiếm đã lưu"),
            (".saved-searches thead", "Name", "Tên"),
            (".saved-searches thead", "Search", "Tìm kiếm"),
        ],
    ),
    "saved": (
        lambda pk: f"/saved/{pk}/",
        True,
        [
            (".kicker", "Saved searches", "Tìm kiếm đã lưu"),
            ("#new-heading", "New since you last looked", "Mới kể từ lần xem trước"),
            ("#follow-heading", "Follow", "Theo dõi"),
            (".saved-settings", "E-mail digest", "Thư tóm tắt"),
            (".saved-settings select", "daily", "mỗi ngày"),
            ("#revoke", "New feed address", "Đổi địa chỉ nguồn tin"),
            (".hit time", "21 May 2016", "21/05/2016"),
        ],
    ),
    "compare": (
        lambda pk: "/compare/?q=NATO&q=Iraq&split=1",
        False,
        [
            ("h1", "Compare over time", "So sánh theo thời gian"),
            ("form.compare legend", "Up to five searches", "Tối đa năm tìm kiếm"),
            ("form.compare", "By language", "Theo ngôn ngữ"),
            ("#comparison-measure", "Articles per", "Số bài mỗi"),
            (".comparison-table thead", "Period", "Giai đoạn"),
        ],
    ),
    "terms": (
        lambda pk: "/search/terms/?q=NATO",
        False,
        [
            ("h1", "Top terms", "Từ nổi bật"),
            (".hint", "Back to the results", "Quay lại kết quả"),
            ("section.top-terms h2", "matches read", "bài đã đọc"),
            ("section.top-terms thead", "Archive", "Toàn kho"),
        ],
    ),
}


@pytest.fixture
def demo_site(live_server: Any, transactional_db: None, demo: dict[str, Article]) -> str:
    return str(live_server.url)


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_workspace_page_in_both_languages_and_widths_in_chromium(
    live_server: Any,
    transactional_db: None,
    linked_demo: dict[str, Article],
    browser: Any,
    name: str,
    language: str,
    width: int,
) -> None:
    analyst = User.objects.create_user("lan", "lan@example.org", PASSWORD)
    # Everything the demo has is "new" to this search: its page lists dated matches.
    kept = SavedSearch.objects.create(user=analyst, name="NATO 2016", query="q=NATO")
    address, needs_login, texts = PAGES[name]
    context = browser.new_context(locale={"en": "en-US", "vi": "vi-VN"}[language])
    context.set_default_timeout(60_000)
    page = context.new_page()
    try:
        page.set_viewport_size({"width": width, "height": 900})
        if needs_login:
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("input[name=username]", "lan")
            page.fill("input[name=password]", PASSWORD)
            page.click("form.login button")
            page.wait_for_url("**/saved/")
        page.goto(live_server.url + address(kept.pk))
        assert page.get_attribute("html", "lang") == language
        for selector, english, vietnamese in texts:
            shown = " ".join(page.locator(selector).all_inner_texts())
            wanted, other = (english, vietnamese) if language == "en" else (vietnamese, english)
            assert wanted in shown and other not in shown, (selector, wanted, shown)
        headings = page.locator("h1, h2, th, button, label").all_inner_texts()
        assert not [h for h in headings if " · " in h]  # no side-by-side bilingual text left
        found = page.evaluate(OVERFLOW)
        assert found["scrollWidth"] <= width and not found["wide"], found
    finally:
        context.close()


def test_saved_page_shows_when_last_seen_in_the_interface_language_in_chromium(
    live_server: Any, transactional_db: None, linked_demo: dict[str, Article], browser: Any
) -> None:
    analyst = User.objects.create_user("lan", "lan@example.org", PASSWORD)
    kept = SavedSearch.objects.create(user=analyst, name="NATO", query="q=NATO")
    pattern = {
        "en": r"\(\d{1,2} [A-Z][a-z]+ \d{4} \d\d:\d\d UTC\)",
        "vi": r"\(\d\d/\d\d/\d{4} \d\d:\d\d UTC\)",
    }
    for language, locale in (("en", "en-US"), ("vi", "vi-VN")):
        context = browser.new_context(locale=locale)
        context.set_default_timeout(60_000)
        page = context.new_page()
        try:
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("input[name=username]", "lan")
            page.fill("input[name=password]", PASSWORD)
            page.click("form.login button")
            page.wait_for_url("**/saved/")
            page.goto(f"{live_server.url}/saved/{kept.pk}/")  # seen now
            page.goto(f"{live_server.url}/saved/{kept.pk}/")
            heading = page.inner_text("#new-heading")
            assert re.search(pattern[language], heading), heading
            assert page.inner_text("#new-count") == "0"
            assert page.inner_text(".hits li") in ("Nothing new.", "Không có gì mới.")
            assert (page.inner_text(".hits li") == "Không có gì mới.") == (language == "vi")
        finally:
            context.close()


def test_download_buttons_save_every_result_in_chromium(demo_site: str, page: Any) -> None:
    page.goto(demo_site + "/search/?q=Stoltenberg&language=vi")
    count = int(page.inner_text("#result-count"))
    assert count == 2
    with page.expect_download(timeout=120_000) as csv_download:
        page.click("#download-csv")
    name = csv_download.value.suggested_filename
    assert name.startswith("newsarchive_stoltenberg_language-vi_") and name.endswith("Z.csv")
    raw = Path(csv_download.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == count
    for row in rows:
        article = Article.objects.get(pk=row["id"])
        assert (row["title"], row["text"], row["language"]) == (article.title, article.body, "vi")
    with page.expect_download(timeout=120_000) as ndjson_download:
        page.click("#download-ndjson")
    lines = Path(ndjson_download.value.path()).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [int(row["id"]) for row in rows]
    # On a phone the buttons are on the screen too.
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(demo_site + "/search/?q=Stoltenberg")
    assert page.locator("#download-csv").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_comparison_page_draws_the_searches_without_script_in_chromium(
    live_server: Any, transactional_db: None, linked_demo: dict[str, Article], browser: Any
) -> None:
    for width in (1200, 375):
        # No JavaScript at all: the chart, the table and the form must work without it.
        context = browser.new_context(java_script_enabled=False, locale="vi-VN")
        context.set_default_timeout(60_000)
        page = context.new_page()
        try:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(live_server.url + "/compare/")
            assert "So sánh theo thời gian" in page.inner_text("h1")
            inputs = page.locator("form.compare input[name=q]")
            inputs.nth(0).fill("NATO")
            inputs.nth(1).fill("Iraq")
            page.check("input[name=split]")
            page.click("form.compare button")
            page.wait_for_url("**split=1**")
            assert page.locator("svg.chart polyline").count() == 4  # two searches, two languages
            box = page.locator("svg.chart").bounding_box()
            assert box["width"] > 200 and box["height"] > 60
            headers = page.locator(".comparison-table th").all_inner_texts()
            assert headers[1:] == ["NATO [vi]", "NATO [en]", "Iraq [vi]", "Iraq [en]"]
            assert page.locator(".comparison-table tbody tr").count() >= 1
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            with page.expect_download(timeout=120_000) as download:
                page.click("#comparison-csv")
            assert download.value.suggested_filename == "newsarchive-comparison.csv"
        finally:
            context.close()


def test_log_in_save_a_search_and_follow_it_in_chromium(demo_site: str, page: Any) -> None:
    User.objects.create_user("lan", "lan@example.org", PASSWORD)
    for width in (1200, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(demo_site + "/search/?q=Libya")
        page.click("text=Log in to save this search")
        page.fill("input[name=username]", "lan")
        page.fill("input[name=password]", PASSWORD)
        page.click("form.login button")
        page.wait_for_url("**/search/?q=Libya")  # back where the analyst was
        page.fill(".save-search input[name=name]", f"Libya {width}")
        page.click(".save-search button")
        page.wait_for_url("**/saved/*/")
        assert page.inner_text("h1") == f"Libya {width}"
        assert page.inner_text("#new-count") == "0"
        assert "New since you last looked" in page.inner_text("#new-heading")
        feed = page.get_attribute("#feed-url", "href")
        assert feed and feed.endswith(".atom")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.click('nav >> text="Saved"')
        assert page.locator(".saved-searches tbody tr").count() == (1 if width == 1200 else 2)
        page.click('nav >> text="Log out"')
        page.wait_for_url(demo_site + "/")


def test_top_terms_page_links_back_at_phone_width(demo_site: str, page: Any) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(demo_site + "/search/?q=NATO")
    page.click("#top-terms")
    page.wait_for_url("**/search/terms/?q=NATO")
    assert page.inner_text("h1") == "Top terms: NATO"
    assert page.locator("section.top-terms").count() == 2  # Vietnamese and English matches
    # Five demo articles: the matches are most of the archive, so nothing stands out (the
    # links are followed in tests/workspace/test_terms.py, on 800 corpus articles).
    for section in page.locator("section.top-terms").all():
        assert section.locator("a").count() or "Nothing stands out." in section.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.click("#back-to-results")
    assert int(page.inner_text("#result-count")) >= 1

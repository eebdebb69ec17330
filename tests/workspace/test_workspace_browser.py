"""The workspace's pages in headless Chromium: the download button, the comparison page."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from articles.models import Article

pytestmark = [pytest.mark.browser]


@pytest.fixture
def demo_site(live_server: Any, transactional_db: None, demo: dict[str, Article]) -> str:
    return str(live_server.url)


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
    from django.contrib.auth.models import User

    User.objects.create_user("lan", "lan@example.org", "a long pass phrase 42")
    for width in (1200, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(demo_site + "/search/?q=Libya")
        page.click("text=Log in to save this search")
        page.fill("input[name=username]", "lan")
        page.fill("input[name=password]", "a long pass phrase 42")
        page.click("form.login button")
        page.wait_for_url("**/search/?q=Libya")  # back where the analyst was
        page.fill(".save-search input[name=name]", f"Libya {width}")
        page.click(".save-search button")
        page.wait_for_url("**/saved/*/")
        assert page.inner_text("h1") == f"Libya {width}"
        assert page.inner_text("#new-count") == "0"
        assert "Mới kể từ lần xem trước" in page.inner_text("#new-heading")
        feed = page.get_attribute("#feed-url", "href")
        assert feed and feed.endswith(".atom")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.click('nav >> text="Saved"')
        assert page.locator(".saved-searches tbody tr").count() == (1 if width == 1200 else 2)
        page.click('nav >> text="Log out"')
        page.wait_for_url(demo_site + "/")


def test_top_terms_page_in_both_languages_at_phone_width(demo_site: str, page: Any) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(demo_site + "/search/?q=NATO")
    page.click("#top-terms")
    page.wait_for_url("**/search/terms/?q=NATO")
    assert "Top terms · Từ nổi bật" in page.inner_text("h1")
    assert page.locator("section.top-terms").count() == 2  # Vietnamese and English matches
    # Five demo articles: the matches are most of the archive, so nothing stands out (the
    # links are followed in tests/workspace/test_terms.py, on 800 corpus articles).
    for section in page.locator("section.top-terms").all():
        assert section.locator("a").count() or "Không có từ nổi bật" in section.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.click("text=Back to the results · Quay lại kết quả")
    assert int(page.inner_text("#result-count")) >= 1

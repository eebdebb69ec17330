"""The real pages in headless Chromium: search from the home page, filter, open an article."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from articles.models import Article

pytestmark = [pytest.mark.browser]


@pytest.fixture
def demo_site(live_server: Any, transactional_db: None, demo: dict[str, Article]) -> str:
    return str(live_server.url)


def test_search_from_the_home_page_in_chromium(demo_site: str, page: Any) -> None:
    page.goto(demo_site + "/")
    page.fill("input[name=q]", "bat den xanh")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("#result-count")
    assert page.inner_text("#result-count") == "1"
    hit = page.locator(".hit h3 a")
    assert hit.inner_text() == "Iraq 'bật đèn xanh' cho NATO ở lại"
    assert page.locator(".hit mark").first.inner_text() == "bật"
    hit.click()
    assert page.locator("article h1").inner_text() == "Iraq 'bật đèn xanh' cho NATO ở lại"
    assert "Báo Thế giới và Việt Nam" in page.inner_text(".meta")


def test_language_filter_and_phone_layout(demo_site: str, page: Any) -> None:
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(demo_site + "/search/?q=Libya")
    # Long snippets and a wide timeline must not push the facets off the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1200
    assert page.locator(".facets").bounding_box()["x"] < 1200
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(demo_site + "/search/?q=Stoltenberg")
    assert page.inner_text("#result-count") == "4"
    page.select_option("select[name=language]", "vi")
    page.click(".filters button")
    page.wait_for_url("**language=vi**")
    assert page.inner_text("#result-count") == "2"
    assert set(page.locator(".hit").evaluate_all("els => els.map(e => e.lang)")) == {"vi"}
    # Readable on a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_script_in_an_article_shows_as_text(
    live_server: Any, transactional_db: None, page: Any, tmp_path: Path
) -> None:
    (tmp_path / "x.jsonl").write_text(
        '{"url": "https://e.org/x", "title": "Cảnh báo <script>window.pwned=1</script>", '
        '"body": "Nội dung <img src=x onerror=window.pwned=2> về an ninh mạng ở Hà Nội."}',
        encoding="utf-8",
    )
    call_command("import_articles", str(tmp_path), stdout=StringIO())
    page.goto(str(live_server.url) + "/search/?q=ha+noi")
    assert "<script>window.pwned=1</script>" in page.inner_text(".hit h3")
    page.click(".hit h3 a")
    assert "onerror" in page.inner_text("article .body")
    assert page.evaluate("window.pwned === undefined")


def test_one_result_per_story_then_the_story_page_in_chromium(
    live_server: Any, transactional_db: None, linked_demo: dict[str, Article], page: Any
) -> None:
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(str(live_server.url) + "/search/?q=Libya")
    assert page.inner_text("#result-count") == "3"
    page.check("input[name=collapse]")
    page.click(".filters button")
    page.wait_for_url("**collapse=1**")
    assert page.inner_text("#result-count") == "1"
    assert "3 articles in both languages" in page.inner_text(".hit .story-link")
    page.click(".hit .story-link a")
    assert page.inner_text("h1") == "NATO chief: No plans for combat troops in Libya"
    entries = page.locator(".story-timeline .entry")
    assert entries.count() == 3
    assert entries.evaluate_all("els => els.map(e => e.dataset.language)") == ["en", "en", "vi"]
    assert "first report" in entries.first.inner_text()
    languages = page.inner_text("#coverage-language")
    assert "English 2 · 67%" in languages and "Tiếng Việt 1 · 33%" in languages
    assert "Jens Stoltenberg" in page.inner_text("#story-entities")
    # On a phone the timeline and the coverage stack, nothing wider than the screen.
    page.set_viewport_size({"width": 375, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # The stories index leads back to it.
    page.click("nav.sections a")
    page.click(".story-item h3 a")
    assert page.inner_text("h1") == "NATO chief: No plans for combat troops in Libya"

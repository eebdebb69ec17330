"""The language switcher in headless Chromium (issue #13): at desktop and phone widths the
reader switches to Vietnamese, the choice follows them from page to page, and back."""

from __future__ import annotations

from typing import Any

import pytest

from articles.models import Article
from tests.test_pages_browser import OVERFLOW

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("width", [1280, 375])
def test_switching_language_in_chromium(
    live_server: Any,
    transactional_db: None,
    linked_demo: dict[str, Article],
    page: Any,
    width: int,
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(str(live_server.url) + "/")  # the context's browser asks for en-US
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1") == "Search Vietnamese and English news"
    page.click(".language-switch button[value=vi]")
    page.wait_for_function("document.documentElement.lang === 'vi'")
    assert page.url == str(live_server.url) + "/"
    assert page.inner_text("h1") == "Tìm tin tức tiếng Việt và tiếng Anh"
    assert page.locator(".language-switch button[value=vi]").is_disabled()
    # The choice is remembered: a search typed next is answered in Vietnamese, DD/MM/YYYY.
    page.fill(".searchbox input[name=q]", "nato")
    page.click(".searchbox button")
    page.wait_for_url("**/search/?q=nato")
    assert page.get_attribute("html", "lang") == "vi"
    assert page.inner_text(".filters button") == "Lọc"
    dates = page.locator(".hit time").all_inner_texts()
    assert dates and all(len(d) == 10 and d[2] == d[5] == "/" for d in dates), dates
    found = page.evaluate(OVERFLOW)
    assert found["scrollWidth"] <= width and not found["wide"], found
    # Back to English, on the same search.
    page.click(".language-switch button[value=en]")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.url.endswith("/search/?q=nato")
    assert page.inner_text(".filters button") == "Filter"
    english = page.locator(".hit time").all_inner_texts()
    assert len(english) == len(dates) and all(" 20" in d and "/" not in d for d in english), english

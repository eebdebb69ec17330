"""The search page's controls in headless Chromium: exact accents, sort, the syntax help, and
the concepts line; all under the strict Content-Security-Policy (no inline script or style)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from articles.models import Article

pytestmark = [pytest.mark.browser]


@pytest.fixture
def demo_site(live_server: Any, transactional_db: None, demo: dict[str, Article]) -> str:
    return str(live_server.url)


def _watch_csp(page: Any) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def _dates(page: Any) -> list[str]:
    titles = page.locator(".hit h3 a").all_inner_texts()
    published = dict(Article.objects.values_list("title", "published"))
    return [str(published[title]) for title in titles]


def test_exact_accents_switch_narrows_and_stays_on(demo_site: str, page: Any) -> None:
    violations = _watch_csp(page)
    page.goto(demo_site + "/search/?q=bật")
    assert page.inner_text("#result-count") == "2"  # folded: any accents on "bat"
    assert not page.is_checked("input[name=accents]")
    page.check("input[name=accents]")
    page.click(".filters button")
    page.wait_for_url("**accents=exact**")
    assert page.inner_text("#result-count") == "1"
    assert page.is_checked("input[name=accents]")
    assert "bật" in page.inner_text(".hit mark")
    # The JSON link carries the switch: the export answers the same search.
    href = page.get_attribute(".count a", "href")
    assert "accents=exact" in href
    assert page.evaluate(f"fetch({href!r}).then(r => r.json()).then(d => d.count)") == 1
    assert violations == []


def test_sort_control_orders_by_date_both_ways(demo_site: str, page: Any) -> None:
    violations = _watch_csp(page)
    page.goto(demo_site + "/search/?q=NATO")
    assert page.input_value("select[name=sort]") == "relevance"
    page.select_option("select[name=sort]", "oldest")
    page.click(".filters button")
    page.wait_for_url("**sort=oldest**")
    oldest = _dates(page)
    assert len(oldest) == 5 and oldest == sorted(oldest)
    assert page.input_value("select[name=sort]") == "oldest"
    page.select_option("select[name=sort]", "newest")
    page.click(".filters button")
    page.wait_for_url("**sort=newest**")
    assert _dates(page) == oldest[::-1]
    assert violations == []


def test_syntax_help_lists_all_syntax_in_both_languages(demo_site: str, page: Any) -> None:
    violations = _watch_csp(page)
    page.goto(demo_site + "/search/?q=NATO")
    assert not page.is_visible("#syntax-help table")
    page.click("#syntax-help summary")
    assert page.is_visible("#syntax-help table")
    help_text = page.inner_text("#syntax-help")
    for syntax in (
        "AND",
        "OR",
        "NOT",
        "(nato OR un) libya",
        '"Hà Nội"',
        "title:",
        "source:",
        "lang:vi",
        "liby*",
        "-russia",
        "accents=exact",
        "sort=newest",
        "sort=oldest",
    ):
        assert syntax in help_text, syntax
    # The page's browser asks for English: the help is in English, and in Vietnamese once the
    # reader switches (issue #13).
    assert "Parentheses group" in help_text and "Exclusion" in help_text
    assert "Ngoặc đơn để nhóm" not in help_text
    page.click(".language-switch button[value=vi]")
    page.wait_for_function("document.documentElement.lang === 'vi'")
    page.click("#syntax-help summary")
    help_text = page.inner_text("#syntax-help")
    assert "Ngoặc đơn để nhóm" in help_text and "Loại trừ" in help_text
    assert "Parentheses group" not in help_text and "(nato OR un) libya" in help_text
    # Strict CSP: the page works with no inline script or style at all.
    assert page.locator("script").count() == 0
    assert page.locator("[style]").count() == 0
    assert violations == []


def test_concepts_line_and_literal_link_in_chromium(demo_site: str, page: Any) -> None:
    call_command("load_concepts", stdout=StringIO())
    page.goto(demo_site + "/search/?q=defence+minister")
    assert "defence minister" in page.inner_text("#concepts")
    assert "bộ trưởng quốc phòng" in page.inner_text("#concepts")
    languages = set(page.locator(".hit").evaluate_all("els => els.map(e => e.lang)"))
    assert languages == {"vi"}
    page.click("#literal-concepts")
    page.wait_for_url("**literal=1**")
    assert page.locator("#concepts").count() == 0
    assert page.locator(".hit").count() == 0

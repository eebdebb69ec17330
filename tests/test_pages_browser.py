"""Every page in headless Chromium at desktop (1280 px) and phone (375 px) width: nothing
overflows sideways, checked in the page and backed by a full-page screenshot (issue #17)."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import pytest

from articles.models import Article, Entity, Mention
from tests.factories import make_article

pytestmark = [pytest.mark.browser]

# Elements wider than the viewport, or reaching past its right edge outside a clipping box
# (a chart's bars are clipped by their own box, which must itself fit).
OVERFLOW = """() => {
  const width = window.innerWidth;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible") return true;
    }
    return false;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const past = (r.right > width + 0.5 || r.left < -0.5) && !clipped(el);
    if (r.width > width + 0.5 || past) {
      const where = `${Math.round(r.left)}..${Math.round(r.right)}`;
      wide.push(`${el.tagName.toLowerCase()}.${el.className} ${where}`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 8)};
}"""


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


def page_urls(demo: dict[str, Article]) -> dict[str, str]:
    article = demo["000"]
    assert article.story_id is not None and article.source_id is not None
    nato = Entity.objects.get(registry_id="nato")
    return {
        "home": "/",
        "search": "/search/?q=nato",
        "search-filtered": "/search/?q=nato&from=01/04/2016&to=2016-12-31&per_page=50",
        "article": f"/articles/{article.pk}/",
        "source": f"/sources/{article.source_id}/",
        "entity": f"/entities/{nato.pk}/",
        "stories": "/stories/?singles=1",
        "story": f"/stories/{article.story_id}/",
        "bad-date": "/search/?q=nato&from=31/02/2016",
    }


@pytest.fixture
def long_words(linked_demo: dict[str, Article]) -> Article:
    """An article whose title, body and URL are one unbroken token: the worst case for width."""
    token = "Thànhphố" * 40
    article = make_article(
        title=f"{token} NATO",
        body=f"{token}. NATO https://example.org/{'a' * 300} tiếp tục thảo luận.",
        source=linked_demo["000"].source,
        story=linked_demo["000"].story,
        published=linked_demo["000"].published,
    )
    Mention.objects.create(article=article, entity=Entity.objects.get(registry_id="nato"))
    return article


@pytest.mark.parametrize("width", [1280, 375])
def test_no_page_overflows_sideways(
    live_server: Any,
    transactional_db: None,
    linked_demo: dict[str, Article],
    long_words: Article,
    page: Any,
    tmp_path: Path,
    width: int,
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    problems: dict[str, object] = {}
    for name, url in page_urls(linked_demo).items():
        response = page.goto(str(live_server.url) + url)
        assert response is not None
        assert response.status == (400 if name == "bad-date" else 200), name
        found = page.evaluate(OVERFLOW)
        shot = tmp_path / f"{name}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        shot_width, shot_height = png_size(shot)
        if found["scrollWidth"] > width or found["wide"] or shot_width != width:
            problems[name] = {**found, "screenshot": (shot_width, shot_height, str(shot))}
        assert shot_height >= 300, name  # a real page was drawn, not an empty frame
    assert problems == {}


def test_dates_and_paging_in_chromium(
    live_server: Any, transactional_db: None, linked_demo: dict[str, Article], page: Any
) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(str(live_server.url) + "/search/?q=nato")
    total = int(page.inner_text("#result-count"))
    assert total == 5
    page.fill("input[name=from]", "01/04/2016")
    page.fill("input[name=to]", "2016-05-31")
    page.click(".filters button")
    page.wait_for_url("**from=01%2F04%2F2016**")
    assert page.inner_text("#result-count") == "3"
    assert page.input_value("input[name=to]") == "31/05/2016"
    dates = page.locator(".hit time").all_inner_texts()
    assert dates and all(d.endswith(" 2016") and d.split()[1] in {"April", "May"} for d in dates)
    # A bad date: a message on the page, the form still there to correct it.
    page.fill("input[name=from]", "31/02/2016")
    page.click(".filters button")
    assert "Enter a valid date" in page.inner_text(".errors")
    # The entity page: its chart and its paged articles, with a per-page choice.
    nato = Entity.objects.get(registry_id="nato")
    page.goto(f"{live_server.url}/entities/{nato.pk}/")
    assert (
        page.locator(".chart .bar").count()
        > page.locator(".chart .bar:not([data-count='0'])").count()
        > 1
    )
    assert page.locator(".hit").count() == 5
    assert page.locator(".hit .chip").count() >= 5
    page.locator(".hit h3 a").first.click()
    assert page.locator("#article-entities .chip").count() >= 2
    page.locator("#article-entities .chip", has_text="NATO").first.click()
    assert page.inner_text("h1") == str(nato)

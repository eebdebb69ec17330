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

"""Copies in the archive (issue #18): an article is a copy only if its own text is in the
other; a live page that grows never swallows the articles it quotes, and every article stays
findable by its own title; built from real VNTC articles."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings

from articles.ingest import RawInput, ingest_all
from articles.models import Article
from articles.search import SearchParams, run

CORPORA = settings.CORPORA_DIR

pytestmark = pytest.mark.django_db

PAGE_TITLE = "Trực tiếp: tin tức cập nhật trong ngày"
DAY = "2006-03-01"
# Prose above the first headline: the extractor takes headline-like lines above the first
# paragraph of prose for the page's own headline and leaves them out of the body.
INTRO = (
    "Trang này được cập nhật liên tục trong ngày với những tin tức mới nhất từ các báo, "
    "tin mới nhất ở trên cùng, mời bạn đọc theo dõi."
)


def short_articles() -> list[dict[str, Any]]:
    with open(CORPORA / "vi_vntc_sample.jsonl", encoding="utf-8") as handle:
        records = [json.loads(line) for _, line in zip(range(600), handle, strict=False)]
    return [r for r in records if r["body"].count("\n\n") >= 2 and len(r["body"]) < 1500]


def item(key: str, title: str, body: str, source: str, published: str = DAY) -> RawInput:
    fields = {
        "title": title,
        "body": body,
        "language": "vi",
        "source": source,
        "published": published,
    }
    return RawInput(name=key, key=key, format="json", raw=json.dumps(fields), fields=fields)


def live_page(records: list[dict[str, Any]]) -> str:
    """A live-update page: headline and paragraphs of each article it reprints, newest first."""
    parts = [part for r in reversed(records) for part in [r["title"], *r["body"].split("\n\n")]]
    return "\n\n".join([INTRO, *parts])


def found(title: str) -> set[str]:
    return {hit.article.key for hit in run(SearchParams(q=title)).hits}


def test_a_growing_live_page_lets_go_of_its_copies_and_swallows_nothing(
    registry: None, index_worker: Callable[[], int]
) -> None:
    short = short_articles()
    first, later = short[5], short[12]
    # The page opens with one article, reprinted whole; the article itself arrives next:
    # for now it is the page's copy (the same text, the page first).
    ingest_all([item("page", PAGE_TITLE, live_page([first]), "Báo Mới")])
    ingest_all([item("first", first["title"], first["body"], "VnExpress")])
    page = Article.objects.get(key="page")
    assert Article.objects.get(key="first").copy_of_id == page.pk
    # Over the day the page grows to a dozen articles, headlines and all, one of which
    # arrives after it: the page is the original of none of them.
    grown = [first, *short[20:30], later]
    ingest_all([item("page", PAGE_TITLE, live_page(grown), "Báo Mới")])
    ingest_all([item("later", later["title"], later["body"], "Tuổi Trẻ")])
    page.refresh_from_db()
    assert all(r["title"] in page.body for r in grown) and len(page.body) > 10 * len(later["body"])
    assert not Article.objects.exclude(copy_of=None).exists()
    index_worker()
    assert "first" in found(first["title"]) and "later" in found(later["title"])


def test_a_credited_reprint_without_its_last_paragraph_is_a_copy_and_quoting_is_not(
    registry: None, index_worker: Callable[[], int]
) -> None:
    short = short_articles()
    original, other = short[5], short[6]
    paragraphs = original["body"].split("\n\n")
    reprint = "\n\n".join([*paragraphs[:-1], "(Theo VnExpress)"])
    # Another article that quotes the original's opening paragraph.
    quoting = "\n\n".join([paragraphs[0], other["body"]])
    ingest_all(
        [
            item("original", original["title"], original["body"], "VnExpress"),
            item("reprint", original["title"], reprint, "Báo Mới", "2006-03-02"),
            item("quoting", other["title"], quoting, "Tuổi Trẻ", "2006-03-02"),
        ]
    )
    first, copy = Article.objects.get(key="original"), Article.objects.get(key="reprint")
    assert copy.copy_of_id == first.pk and copy.story_id == first.story_id
    assert Article.objects.get(key="quoting").copy_of_id is None
    assert first.copy_of_id is None
    # Folded under its original, which a search for its headline finds.
    index_worker()
    assert found(original["title"]) >= {"original"} and "reprint" not in found(original["title"])

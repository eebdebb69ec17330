"""Searches a visitor can send that must stay cheap, and hidden articles that must stay hidden."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from whoosh import query as whoosh_query

from articles.entities import link_article
from articles.indexing import enqueue
from articles.models import Article, Entity, EntityStatus, IndexQueue, Visibility
from articles.search import SearchParams, run
from tests.factories import make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def field_walks(monkeypatch: pytest.MonkeyPatch, whoosh_engine: Any) -> Iterator[list[str]]:
    """Fields whose whole vocabulary a search walked (Whoosh's Every(field) reads every term).
    Whoosh only, on either database: PostgreSQL filters columns, with no vocabulary to walk."""
    walked: list[str] = []
    original = whoosh_query.Every.matcher

    def matcher(self: whoosh_query.Every, searcher: Any, context: Any = None) -> Any:
        if self.fieldname not in (None, "*"):
            walked.append(self.fieldname)
        return original(self, searcher, context)

    monkeypatch.setattr(whoosh_query.Every, "matcher", matcher)
    yield walked


def test_filters_that_match_everything_never_walk_the_vocabulary(
    client: Client, indexed: Callable[..., Article], field_walks: list[str]
) -> None:
    source = make_source(name="VOV.VN", domain="vov.vn")
    for n in range(5):
        indexed(title=f"Tin số {n}", body="Hà Nội hôm nay.", source=source)
    indexed(title="Tin khác", body="Đà Nẵng.")
    # The "Search this source" link: the source facet is counted without its own filter.
    page = client.get("/search/", {"source": source.pk})
    assert page.status_code == 200 and page.content.decode().count('<li class="hit') == 5
    everything = client.get("/api/articles/", {"copies": "1"}).json()
    assert everything["count"] == 6
    assert client.get("/api/articles/").json()["count"] == 6
    assert field_walks == []


def test_an_articles_hidden_original_is_never_shown_and_the_copy_stands_in(
    client: Client, indexed: Callable[..., Article], index_worker: Callable[[], int]
) -> None:
    body = "Tổng thư ký NATO Jens Stoltenberg nói liên minh sẵn sàng hỗ trợ Libya."
    original = indexed(title="NATO sẵn sàng hỗ trợ Libya", body=body, source=make_source())
    copy = indexed(
        title="NATO sẵn sàng hỗ trợ Libya (bản sao)",
        body=body,
        source=make_source(),
        copy_of=original,
    )
    assert [h.article.pk for h in run(SearchParams(q="Stoltenberg")).hits] == [original.pk]
    Article.objects.filter(pk=original.pk).update(visibility=Visibility.HIDDEN)
    enqueue([original.pk])  # what the admin's hide action does
    index_worker()
    # The copy is found by default (it is the visible first publication now), by its title too.
    assert [h.article.pk for h in run(SearchParams(q="Stoltenberg")).hits] == [copy.pk]
    assert [h.article.pk for h in run(SearchParams(q='"bản sao"')).hits] == [copy.pk]
    detail = client.get(f"/articles/{copy.pk}/").content.decode()
    assert "A republished copy" not in detail and original.title not in detail.replace(
        copy.title, ""
    )
    row = client.get("/api/articles/", {"q": "Stoltenberg"}).json()["results"][0]
    assert row["id"] == copy.pk and row["copy_of"] is None
    assert client.get(f"/articles/{original.pk}/").status_code == 404


def test_hidden_articles_stay_out_of_counts_while_index_writes_fail(
    client: Client,
    indexed: Callable[..., Article],
    monkeypatch: pytest.MonkeyPatch,
    index_worker: Callable[[], int],
) -> None:
    kept = indexed(title="Libya hôm nay", body="Tin Libya.", language="vi")
    gone = indexed(title="Libya hôm qua", body="Tin Libya cũ.", language="en")
    backend_class = type(__import__("haystack").connections["default"].get_backend())

    def full_disk(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    for method in ("apply", "update", "remove"):
        monkeypatch.setattr(backend_class, method, full_disk)
    gone.visibility = Visibility.HIDDEN
    gone.save()
    assert index_worker() == 0
    assert IndexQueue.objects.filter(article_id=gone.pk).exists()  # the write failed
    found = client.get("/api/articles/", {"q": "libya"}).json()
    assert [r["id"] for r in found["results"]] == [kept.pk] and found["count"] == 1
    languages = {v["value"]: v["count"] for v in found["facets"]["language"]}
    assert languages == {"vi": 1}
    monkeypatch.undo()
    assert index_worker() == 1
    assert not IndexQueue.objects.exists()
    assert client.get("/api/articles/", {"q": "libya"}).json()["count"] == 1


def test_candidates_have_no_public_page_and_hidden_text_makes_none(
    client: Client, registry: None, indexed: Callable[..., Article]
) -> None:
    secret = indexed(
        title="Bản nháp",
        body="Ông Phạm Văn Bí Mật gặp bà Trần Thị Kín ở Hà Nội.",
        visibility=Visibility.HIDDEN,
    )
    link_article(secret)
    assert not Entity.objects.filter(status=EntityStatus.CANDIDATE).exists()
    shown = indexed(title="Tin", body="Ông Phạm Văn Công khai gặp bà Trần Thị Rõ ở Hà Nội.")
    link_article(shown)
    candidates = list(Entity.objects.filter(status=EntityStatus.CANDIDATE))
    assert candidates
    for candidate in candidates:
        assert client.get(f"/entities/{candidate.pk}/").status_code == 404

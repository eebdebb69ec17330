"""Curation in the admin: edits and hiding reach search at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article, IndexQueue, Source
from articles.search import SearchParams, run
from tests.factories import make_article, make_source

pytestmark = pytest.mark.django_db


def found(q: str) -> list[int]:
    return [hit.article.pk for hit in run(SearchParams(q=q)).hits]


def test_hide_action_removes_articles_from_search(
    admin_client: Client, indexed: Callable[..., Article], index_worker: Callable[[], int]
) -> None:
    keep = indexed(title="Stoltenberg ở Brussels")
    hide = indexed(title="Stoltenberg ở Libya")
    assert sorted(found("stoltenberg")) == sorted([keep.pk, hide.pk])
    response = admin_client.post(
        "/admin/articles/article/",
        {"action": "hide", "_selected_action": [hide.pk]},
        follow=True,
    )
    assert "1 article(s) now hidden." in response.content.decode()
    # At once, before the index worker runs: hidden articles are filtered on read.
    assert found("stoltenberg") == [keep.pk]
    assert run(SearchParams(q="libya")).total == 0
    assert index_worker() == 1
    assert found("stoltenberg") == [keep.pk]


def test_editing_an_article_updates_search(
    admin_client: Client, indexed: Callable[..., Article], index_worker: Callable[[], int]
) -> None:
    article = indexed(title="Tiêu đề cũ", body="Nội dung về NATO.")
    response = admin_client.post(
        f"/admin/articles/article/{article.pk}/change/",
        {
            "title": "Tiêu đề mới về Libya",
            "source": "",
            "language": "vi",
            "url": "",
            "visibility": "published",
            "published": "2016-05-21",
            "published_precision": "day",
            "body": "Nội dung về NATO.",
            "topic_links-TOTAL_FORMS": "0",
            "topic_links-INITIAL_FORMS": "0",
        },
    )
    index_worker()
    assert response.status_code == 302
    assert found("libya") == [article.pk]
    assert found('"tiêu đề cũ"') == []


def test_source_admin_lists_filters_and_toggles_active(admin_client: Client) -> None:
    vov = make_source(name="VOV.VN", language="vi")
    make_source(name="Al Jazeera", language="en")
    page = admin_client.get("/admin/articles/source/", {"language__exact": "vi"}).content.decode()
    assert "VOV.VN" in page and "Al Jazeera" not in page
    response = admin_client.post(
        "/admin/articles/source/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": vov.pk,
            "_save": "Save",
            "language__exact": "vi",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert Source.objects.get(pk=vov.pk).is_active is False


def test_article_admin_search_and_filters(
    admin_client: Client, indexed: Callable[..., Article]
) -> None:
    indexed(title="Rutte ở Naples", language="vi")
    indexed(title="NATO chief", language="en")
    page = admin_client.get("/admin/articles/article/", {"q": "Rutte"}).content.decode()
    assert "Rutte ở Naples" in page and "NATO chief" not in page
    page = admin_client.get("/admin/articles/article/", {"language__exact": "en"}).content.decode()
    assert "NATO chief" in page and "Rutte ở Naples" not in page


def test_article_list_shows_the_index_queue_and_warns_when_it_is_stuck(
    admin_client: Client, index_worker: Callable[[], int]
) -> None:
    article = make_article(title="Chưa tìm được")
    page = admin_client.get("/admin/articles/article/").content.decode()
    assert "Search index: 1 saved change(s) not yet searchable" in page
    assert "index_worker" not in page
    # Nothing indexed it for ten minutes: the worker is probably down.
    IndexQueue.objects.filter(article_id=article.pk).update(
        queued_at=timezone.now() - timedelta(minutes=10)
    )
    page = admin_client.get("/admin/articles/article/").content.decode()
    assert "the oldest for 10\xa0minutes" in page and "manage.py index_worker" in page
    index_worker()
    assert "Search index" not in admin_client.get("/admin/articles/article/").content.decode()

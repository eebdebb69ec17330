"""Curation in the admin: edits and hiding reach search at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from articles.models import Article, Source
from articles.search import SearchParams, run
from tests.factories import make_source

pytestmark = pytest.mark.django_db


def found(q: str) -> list[int]:
    return [hit.article.pk for hit in run(SearchParams(q=q)).hits]


def test_hide_action_removes_articles_from_search(
    admin_client: Client, indexed: Callable[..., Article], django_capture_on_commit_callbacks: Any
) -> None:
    keep = indexed(title="Stoltenberg ở Brussels")
    hide = indexed(title="Stoltenberg ở Libya")
    assert sorted(found("stoltenberg")) == sorted([keep.pk, hide.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/articles/article/",
            {"action": "hide", "_selected_action": [hide.pk]},
            follow=True,
        )
    assert "1 article(s) now hidden." in response.content.decode()
    assert found("stoltenberg") == [keep.pk]
    assert run(SearchParams(q="libya")).total == 0


def test_editing_an_article_updates_search(
    admin_client: Client, indexed: Callable[..., Article], django_capture_on_commit_callbacks: Any
) -> None:
    article = indexed(title="Tiêu đề cũ", body="Nội dung về NATO.")
    with django_capture_on_commit_callbacks(execute=True):
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

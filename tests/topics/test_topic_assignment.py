"""Topics at import, in search, and curated in the admin: a curator's choice survives."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from articles.models import Article, Topic
from articles.search import SearchParams, run
from tests.paths import DEMO

pytestmark = pytest.mark.django_db


def slugs(article: Article) -> list[str]:
    return sorted(article.topics.values_list("slug", flat=True))


def test_import_assigns_topics_from_the_model(demo: dict[str, Article]) -> None:
    assert Topic.objects.count() == 11
    assert all(slugs(demo[seed]) == ["world"] for seed in ("000", "001", "002"))
    assert all(slugs(article) for article in demo.values())


def test_topic_facet_and_filter(client: Client, demo: dict[str, Article]) -> None:
    results = run(SearchParams(q="nato"))
    topic = next(f for f in results.facets if f.name == "topic")
    assert {v.value: v.count for v in topic.values}["world"] == 3
    assert {v.value: v.label for v in topic.values}["world"] == "World / Thế giới"
    assert run(SearchParams(q="nato", topics=("world",))).total == 3
    page = client.get("/search/", {"q": "nato", "topic": "world"}).content.decode()
    assert '<span id="result-count">3</span>' in page


def test_curated_topics_survive_reprocessing(
    admin_client: Client, demo: dict[str, Article], index_worker: Callable[[], int]
) -> None:
    article = demo["000"]
    sport = Topic.objects.get(slug="sport")
    link = article.topic_links.get()
    response = admin_client.post(
        f"/admin/articles/article/{article.pk}/change/",
        {
            "title": article.title,
            "source": article.source_id,
            "language": "vi",
            "url": "",
            "visibility": "published",
            "published": "2016-05-21",
            "published_precision": "day",
            "body": article.body,
            "topics_curated": "",
            "topic_links-TOTAL_FORMS": "1",
            "topic_links-INITIAL_FORMS": "1",
            "topic_links-MIN_NUM_FORMS": "0",
            "topic_links-MAX_NUM_FORMS": "1000",
            "topic_links-0-id": link.pk,
            "topic_links-0-article": article.pk,
            "topic_links-0-topic": sport.pk,
        },
    )
    index_worker()
    assert response.status_code == 302, response.content.decode()[-3000:]
    article.refresh_from_db()
    assert article.topics_curated and slugs(article) == ["sport"]
    assert run(SearchParams(q="stoltenberg", topics=("sport",))).total == 1
    call_command("assign_topics", stdout=StringIO())
    call_command("import_articles", str(DEMO), stdout=StringIO())
    assert slugs(Article.objects.get(pk=article.pk)) == ["sport"]
    assert slugs(Article.objects.get(pk=demo["001"].pk)) == ["world"]

"""accents=exact and sort on the page's form and in the export, with clear errors for bad values."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from articles.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(demo: dict[str, Article], index_worker: Callable[[], int]) -> dict[str, Article]:
    index_worker()
    return demo


def _published(ids: list[int]) -> list[str]:
    dates = dict(Article.objects.values_list("pk", "published"))
    return [str(dates[pk]) for pk in ids]


def test_export_sorts_by_date_both_ways(client: Client, site: dict[str, Article]) -> None:
    def ids(**extra: str) -> list[int]:
        data = client.get("/api/articles/", {"q": "NATO", **extra}).json()
        return [row["id"] for row in data["results"]]

    oldest, newest = ids(sort="oldest"), ids(sort="newest")
    assert len(oldest) == 5
    assert _published(oldest) == sorted(_published(oldest))
    assert newest == oldest[::-1]
    assert sorted(ids(sort="relevance")) == sorted(ids()) == sorted(oldest)
    # Sorted by date, there is no relevance score to report.
    data = client.get("/api/articles/", {"q": "NATO", "sort": "newest"}).json()
    assert {row["score"] for row in data["results"]} == {0.0}


def test_export_and_page_match_only_the_accents_typed(
    client: Client, site: dict[str, Article]
) -> None:
    folded = client.get("/api/articles/", {"q": "bật"}).json()
    exact = client.get("/api/articles/", {"q": "bật", "accents": "exact"}).json()
    assert exact["count"] == 1 < folded["count"]
    assert exact["results"][0]["id"] == site["001"].pk
    page = client.get("/search/", {"q": "bật", "accents": "exact", "sort": "newest"})
    html = page.content.decode()
    assert '<span id="result-count">1</span>' in html
    assert 'name="accents" value="exact" checked' in html
    assert '<option value="newest" selected>' in html
    # Paging and facet links keep both.
    assert "accents=exact&amp;sort=newest" in html


@pytest.mark.parametrize(("name", "value"), [("sort", "random"), ("accents", "none")])
def test_bad_values_get_a_clear_message(
    client: Client, site: dict[str, Article], name: str, value: str
) -> None:
    api = client.get("/api/articles/", {"q": "NATO", name: value})
    assert api.status_code == 400
    assert "Select a valid choice" in api.json()["fields"][name][0]["message"]
    page = client.get("/search/", {"q": "NATO", name: value})
    assert page.status_code == 400
    assert "Select a valid choice" in page.content.decode()

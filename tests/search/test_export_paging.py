"""Following the export's `next` returns every match exactly once, whatever the page size."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings

from articles.evaluation import ranking
from articles.search import SearchParams, run

pytestmark = pytest.mark.django_db


def follow(client: Client, **params: Any) -> tuple[list[int], int]:
    response = client.get("/api/articles/", params).json()
    count, ids = response["count"], [row["id"] for row in response["results"]]
    while response["next"]:
        response = client.get(response["next"]).json()
        ids += [row["id"] for row in response["results"]]
    return ids, count


def everything(q: str) -> list[int]:
    found: list[int] = []
    offset: int | None = 0
    while offset is not None:
        results = run(SearchParams(q=q, facets=False, offset=offset, limit=200))
        found += [hit.article.pk for hit in results.hits]
        offset = results.next_offset
    return found


# A client walking thousands of matches makes more requests a minute than the rate limit
# allows one address: the limit has its own test (tests/test_security.py).
@override_settings(EXPORT_RATE="1000000/m")
def test_next_walks_every_match_once_in_one_order(client: Client) -> None:
    ranking.build(settings.CORPORA_DIR, 1_000)  # 2,000 real articles, both languages
    for q, at_least, limits in (
        ("", 2_000, (50, 137, 200)),  # everything, newest first
        ("the", 900, (50, 200)),
        ("market OR thị trường", 300, (200,)),
    ):
        expected = everything(q)
        assert len(expected) >= at_least, q
        for limit in limits:
            ids, count = follow(client, q=q, limit=limit)
            assert count == len(expected), (q, limit)
            assert len(ids) == len(set(ids)), (q, limit)  # no repeats
            assert ids == expected, (q, limit)  # the search's order, every match


def test_page_is_honoured_and_cannot_be_mixed_with_a_cursor(client: Client, indexed: Any) -> None:
    made = [indexed(title=f"NATO {n}", body="NATO họp.") for n in range(7)]
    first = client.get("/api/articles/", {"q": "nato", "limit": 3}).json()
    second = client.get("/api/articles/", {"q": "nato", "limit": 3, "page": 2}).json()
    third = client.get("/api/articles/", {"q": "nato", "limit": 3, "page": 3}).json()
    pages = [[r["id"] for r in page["results"]] for page in (first, second, third)]
    assert sum(pages, []) == everything("nato") and len(set(sum(pages, []))) == len(made)
    assert "facets" in first and not second.get("facets")
    mixed = client.get(first["next"] + "&page=2")
    assert mixed.status_code == 400 and mixed.json()["error"] == "invalid parameters"

"""Equal scores rank by article id: an order never depends on how the index was written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command

from articles.indexing import enqueue
from articles.models import Article
from articles.search import SearchParams, run

pytestmark = pytest.mark.django_db


def ranked(**params: Any) -> list[int]:
    return [hit.article.pk for hit in run(SearchParams(limit=50, **params)).hits]


def test_ties_keep_one_order_through_updates_and_rebuilds(
    indexed: Callable[..., Article], index_worker: Callable[[], int]
) -> None:
    # Twelve articles the query scores alike, and two that score higher.
    twins = [indexed(title=f"Bản tin {n}", body="Hà Nội mưa lớn.") for n in range(12)]
    best = [indexed(title="Hà Nội Hà Nội", body="Hà Nội mưa lớn ở Hà Nội.") for _ in range(2)]
    before = ranked(q="ha noi")
    assert set(before[:2]) == {a.pk for a in best}
    assert before[2:] == sorted(a.pk for a in twins)
    # Rewriting documents moves them to the end of the index (new document numbers).
    enqueue([a.pk for a in reversed(twins[::2])])
    index_worker()
    assert ranked(q="ha noi") == before
    call_command("rebuild_index", "--noinput", verbosity=0)
    assert ranked(q="ha noi") == before
    # The same order with or without facets, and page by page.
    assert ranked(q="ha noi", facets=False) == before
    pages = [
        hit.article.pk
        for offset in range(0, 14, 5)
        for hit in run(SearchParams(q="ha noi", offset=offset, limit=5)).hits
    ]
    assert pages == before

"""The search syntax on the demo archive: operators, groups, fields, prefixes, exclusions."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from articles.models import Article
from articles.search import SearchParams, run


def seeds(demo: dict[str, Article], q: str) -> list[str]:
    by_pk = {article.pk: seed for seed, article in demo.items()}
    return sorted(by_pk[hit.article.pk] for hit in run(SearchParams(q=q, limit=50)).hits)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("NATO Libya", ["000", "003", "004"]),
        ("NATO AND Libya", ["000", "003", "004"]),  # AND is an operator, not a word
        ("Libya OR Iraq", ["000", "001", "003", "004"]),
        ("NATO NOT Libya", ["001", "002"]),
        ("NATO -Libya", ["001", "002"]),
        ("(Libya OR Iraq) NOT Stoltenberg", []),
        ("title:Libya", ["000", "003", "004"]),
        ("title:Iraq", ["001"]),  # 004 names Iraq in its text only
        ("lang:vi NATO", ["000", "001", "002"]),
        ("lang:en NATO", ["003", "004"]),
        ("source:VOV.VN", ["000"]),
        ("source:aljazeera.com Libya", ["004"]),
        ("source:nowhere", []),
        ("liby*", ["000", "003", "004"]),
        ("stoltenb*", ["000", "001", "003", "004"]),
    ],
)
def test_syntax_on_the_demo(demo: dict[str, Article], q: str, expected: list[str]) -> None:
    assert seeds(demo, q) == expected


def test_the_export_reads_the_same_syntax(client: Client, demo: dict[str, Article]) -> None:
    rows = client.get("/api/articles/", {"q": "NATO AND Libya"}).json()["results"]
    assert sorted(r["language"] for r in rows) == ["en", "en", "vi"]


@pytest.mark.django_db
def test_an_exclusion_removes_every_form_the_search_matches(
    indexed: Callable[..., Article],
) -> None:
    plain = indexed(title="Bank results", body="The bank reported profits.", language="en")
    indexed(title="Bank rates", body="The bank raised interest rates.", language="en")
    indexed(title="Banks and savers", body="Banks pay interests to savers.", language="en")
    found = [hit.article.pk for hit in run(SearchParams(q="bank -interest")).hits]
    assert found == [plain.pk]


@pytest.mark.django_db
def test_exact_accents_match_only_the_diacritics_typed(indexed: Callable[..., Article]) -> None:
    green = indexed(title="Iraq bật đèn xanh cho NATO", body="Iraq bật đèn xanh.")
    caught = indexed(title="Bắt giữ", body="Cảnh sát bắt được kẻ trộm đèn.")
    both = [h.article.pk for h in run(SearchParams(q="bat")).hits]
    assert sorted(both) == sorted([green.pk, caught.pk])
    assert [h.article.pk for h in run(SearchParams(q="bật", exact_accents=True)).hits] == [green.pk]
    assert [h.article.pk for h in run(SearchParams(q="bắt", exact_accents=True)).hits] == [
        caught.pk
    ]
    assert run(SearchParams(q="bat", exact_accents=True)).hits == []
    # The folded default still ranks the exact accents first.
    assert [h.article.pk for h in run(SearchParams(q="bật")).hits][0] == green.pk


@pytest.mark.django_db
def test_sort_by_date_newest_or_oldest(indexed: Callable[..., Article]) -> None:
    from datetime import date

    old = indexed(title="NATO 2016", body="NATO.", published=date(2016, 5, 21))
    new = indexed(title="NATO 2024", body="NATO NATO NATO.", published=date(2024, 10, 19))
    mid = indexed(title="NATO 2020", body="NATO.", published=date(2020, 2, 13))
    ranked = {
        s: [h.article.pk for h in run(SearchParams(q="nato", sort=s)).hits]
        for s in ("newest", "oldest")
    }
    assert ranked["newest"] == [new.pk, mid.pk, old.pk]
    assert ranked["oldest"] == [old.pk, mid.pk, new.pk]

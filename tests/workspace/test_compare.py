"""Comparisons over time: counts and shares per period, per language, as SVG, table and CSV."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from articles.models import Article
from articles.search import SearchParams, run
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def matches(q: str = "", **filters: Any) -> list[Article]:
    found: list[Article] = []
    offset: int | None = 0
    while offset is not None:
        results = run(SearchParams(q=q, facets=False, offset=offset, limit=200, **filters))
        found += [hit.article for hit in results.hits]
        offset = results.next_offset
    return found


def per_year(articles: list[Article]) -> Counter[str]:
    return Counter(str(a.published.year) for a in articles if a.published)


def csv_table(client: Client, params: dict[str, Any]) -> list[list[str]]:
    response = client.get("/compare/", {**params, "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_counts_per_period_match_the_searches(client: Client, linked_demo: Any) -> None:
    params = {"q": ["NATO", "Iraq"]}
    page = client.get("/compare/", params)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<polyline") == 2 and "<script" not in html
    rows = csv_table(client, params)
    assert rows[0] == ["period_start", "period_end", "NATO", "Iraq"]
    nato, iraq = per_year(matches("NATO")), per_year(matches("Iraq"))
    assert sum(nato.values()) >= 2 and sum(iraq.values()) >= 1
    got = {row[0][:4]: (int(row[2]), int(row[3])) for row in rows[1:]}
    assert got == {year: (nato[year], iraq[year]) for year in got}
    assert set(nato) | set(iraq) <= set(got)
    # The table on the page has the same numbers.
    assert f"<td>{rows[1][0][:4]}</td>" in html


def test_share_of_all_articles_split_by_language(client: Client, linked_demo: Any) -> None:
    rows = csv_table(client, {"q": ["NATO"], "measure": "share", "split": "1"})
    assert rows[0][2:] == ["NATO [vi]", "NATO [en]"]
    for language, column in (("vi", 2), ("en", 3)):
        mine = per_year(matches("NATO", languages=(language,)))
        everything = per_year(matches("", languages=(language,)))
        for row in rows[1:]:
            year = row[0][:4]
            expected = round(100 * mine[year] / everything[year], 2) if everything[year] else 0
            assert float(row[column]) == pytest.approx(expected), (language, year)


def test_shares_are_written_per_language_and_the_chart_still_draws(
    linked_demo: Any, index_worker: Callable[[], int]
) -> None:
    """A share is "33.33%" in English and "33,33%" in Vietnamese; SVG coordinates keep dots."""
    params = {"q": ["NATO"], "measure": "share", "split": "1"}
    # Unrelated Vietnamese articles of 2016 until NATO's share of that year is no whole percent.
    decimal: list[str] = []
    for n in range(12):
        rows = csv_table(Client(), params)
        decimal = sorted({row[2] for row in rows[1:] if "." in row[2]})
        if decimal:
            break
        day = {"published": date(2016, 5, 21), "published_precision": "day"}
        make_article(title=f"Tin thời tiết {n}", body="Trời nắng.", **day)
        index_worker()
    assert decimal
    pages = {
        language: Client(HTTP_ACCEPT_LANGUAGE=language).get("/compare/", params).content.decode()
        for language in ("en", "vi")
    }
    for share in decimal:
        assert f'<td class="num">{share}%</td>' in pages["en"]
        assert f'<td class="num">{share.replace(".", ",")}%</td>' in pages["vi"]
    for html in pages.values():
        points = re.findall(r'points="([^"]*)"', html)
        assert points and all(re.fullmatch(r"[\d.]+,[\d.]+( [\d.]+,[\d.]+)*", p) for p in points)
        assert re.search(r'<line class="grid" x1="56" x2="708" y1="[\d.]+" y2="[\d.]+">', html)
    assert "Percent of all articles per" in pages["en"]
    assert "Phần trăm trên tổng số bài mỗi" in pages["vi"] and "Percent" not in pages["vi"]


def test_bad_comparisons_get_a_message(client: Client, demo: Any) -> None:
    six = client.get("/compare/", {"q": ["a", "b", "c", "d", "e", "f"]})
    assert six.status_code == 400 and "At most 5 searches." in six.content.decode()
    six_vi = Client(HTTP_ACCEPT_LANGUAGE="vi").get("/compare/", {"q": list("abcdef")})
    assert six_vi.status_code == 400 and "Tối đa 5 tìm kiếm." in six_vi.content.decode()
    backwards = client.get("/compare/", {"q": "nato", "from": "2020-01-01", "to": "2019-01-01"})
    assert backwards.status_code == 400
    assert client.get("/compare/", {"q": "nato", "measure": "pie"}).status_code == 400
    assert client.get("/compare/").status_code == 200  # the empty form


def test_story_and_entity_pages_show_coverage_by_language(
    client: Client, linked_demo: dict[str, Article]
) -> None:
    article = linked_demo["000"]
    assert article.story_id is not None
    story = client.get(f"/stories/{article.story_id}/").content.decode()
    members = matches(story=article.story_id)
    languages = {a.language for a in members if a.published}
    assert story.count('<polyline class="series') == 2  # one line per language, even empty
    assert 'id="coverage"' in story and len(languages) >= 1
    entity = article.mentions.first().entity
    page = client.get(f"/entities/{entity.pk}/").content.decode()
    assert 'id="coverage"' in page and page.count('<polyline class="series') == 2

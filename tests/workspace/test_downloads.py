"""Complete downloads: every match, once, in the search's order, as CSV and NDJSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings

from articles.evaluation import ranking
from articles.models import Article, Visibility
from articles.search import SearchParams, run

pytestmark = pytest.mark.django_db


def everything(q: str, **filters: Any) -> list[int]:
    found: list[int] = []
    offset: int | None = 0
    while offset is not None:
        results = run(SearchParams(q=q, facets=False, offset=offset, limit=200, **filters))
        found += [hit.article.pk for hit in results.hits]
        offset = results.next_offset
    return found


def fetch(client: Client, **params: Any) -> tuple[Any, bytes]:
    response = client.get("/search/download/", params)
    assert response.status_code == 200, response.content[:500]
    assert response.streaming
    return response, b"".join(response.streaming_content)


def read_csv(body: bytes) -> list[dict[str, str]]:
    assert body.startswith("\ufeff".encode())  # spreadsheets read UTF-8 only with the BOM
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_csv_has_the_vietnamese_text_intact(client: Client, demo: dict[str, Article]) -> None:
    response, body = fetch(client, q="Libya", format="csv")
    rows = read_csv(body)
    assert [int(row["id"]) for row in rows] == everything("Libya")
    assert len(rows) >= 2
    vietnamese = [row for row in rows if row["language"] == "vi"]
    assert vietnamese, rows
    article = Article.objects.get(pk=vietnamese[0]["id"])
    assert vietnamese[0]["title"] == article.title and vietnamese[0]["text"] == article.body
    assert any(ch in vietnamese[0]["text"] for ch in "ảạầờượệ")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="newsarchive_libya_')
    assert disposition.endswith('Z.csv"')


def test_ndjson_every_match_and_never_a_hidden_article(
    client: Client, demo: dict[str, Article]
) -> None:
    everyone = everything("")
    hidden = demo["002"]
    assert hidden.pk in everyone
    Article.objects.filter(pk=hidden.pk).update(visibility=Visibility.HIDDEN)
    response, body = fetch(client, language="vi", format="ndjson")
    lines = [json.loads(line) for line in body.decode().splitlines()]
    expected = everything("", languages=("vi",))
    assert [row["id"] for row in lines] == expected
    assert hidden.pk not in expected and hidden.pk not in [row["id"] for row in lines]
    assert {row["language"] for row in lines} == {"vi"}
    assert "_language-vi_" in response["Content-Disposition"]
    assert response["X-Search-Query"] == "language=vi"


@override_settings(EXPORT_RATE="1000000/m")
def test_a_download_walks_thousands_of_matches_once_in_order(client: Client) -> None:
    ranking.build(settings.CORPORA_DIR, 600)  # 1,200 real articles, both languages
    for q in ("", "the OR của"):
        expected = everything(q)
        assert len(expected) >= 500, q
        _, body = fetch(client, q=q, format="csv")
        ids = [int(row["id"]) for row in read_csv(body)]
        assert ids == expected and len(set(ids)) == len(ids), q
        _, body = fetch(client, q=q, format="ndjson")
        assert [json.loads(line)["id"] for line in body.splitlines()] == expected, q


def test_bad_parameters_get_a_message_not_a_500(client: Client, demo: dict[str, Article]) -> None:
    assert client.get("/search/download/", {"q": "x", "format": "xlsx"}).status_code == 400
    assert client.get("/search/download/", {"q": "x"}).status_code == 400
    backwards = {"from": "2020-01-01", "to": "2019-01-01", "format": "csv"}
    response = client.get("/search/download/", backwards)
    assert response.status_code == 400
    assert "start date is after" in response.content.decode()
    head = client.head("/search/download/", {"q": "libya", "format": "csv"})
    assert head.status_code == 200 and head.content == b""

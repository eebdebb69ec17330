"""Pages and the JSON export, through Django's test client."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from articles.models import Article
from tests.factories import make_source

pytestmark = pytest.mark.django_db


def export(client: Client, url: str = "/api/articles/", **params: Any) -> dict[str, Any]:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_home_lists_latest_articles_and_sources(
    client: Client, indexed: Callable[..., Article]
) -> None:
    source = make_source(name="VOV.VN")
    indexed(
        title="Tin mới nhất về NATO",
        source=source,
        published=date(2016, 5, 21),
        published_precision="day",
    )
    page = client.get("/").content.decode()
    assert "Tin mới nhất về NATO" in page
    assert "VOV.VN" in page
    assert 'name="q"' in page


def test_search_page_shows_ranked_highlighted_results(
    client: Client, indexed: Callable[..., Article]
) -> None:
    indexed(title="Iraq bật đèn xanh", body="Chính phủ Iraq đã bật đèn xanh cho NATO.")
    response = client.get("/search/", {"q": "bat den xanh"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Iraq bật đèn xanh" in page
    assert "<mark>bật</mark> <mark>đèn</mark> <mark>xanh</mark>" in page
    assert '<span id="result-count">1</span>' in page


def test_article_text_is_escaped_everywhere(
    client: Client, indexed: Callable[..., Article]
) -> None:
    article = indexed(
        title="<script>alert('t')</script> tiêu đề",
        body="Trước <script>alert('b')</script> sau <b>đậm</b>.",
    )
    pages = [
        client.get("/search/", {"q": "tiêu đề"}),
        client.get("/search/", {"q": "script"}),
        client.get(f"/articles/{article.pk}/"),
        client.get("/"),
    ]
    for response in pages:
        html = response.content.decode()
        assert "<script>" not in html
        assert "&lt;script&gt;" in html
    assert "<b>đậm</b>" not in pages[2].content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "x" * 501}, "at most 500 characters"),
        ({"q": "nato", "language": "fr"}, "Select a valid choice"),
        ({"q": "nato", "from": "2016-13-45"}, "Enter a valid date"),
        (
            {"q": "nato", "from": "2020-01-01", "to": "2019-01-01"},
            "start date is after the end date",
        ),
        ({"q": "nato", "source": "abc"}, "Enter a whole number"),
        ({"q": "nato", "page": "0"}, "greater than or equal to 1"),
    ],
)
def test_bad_search_parameters_give_a_clear_message(
    client: Client, params: dict[str, str], message: str
) -> None:
    page = client.get("/search/", params)
    assert page.status_code == 400
    assert message in page.content.decode()
    api = client.get("/api/articles/", params)
    assert api.status_code == 400
    body = api.json()
    assert body["error"] == "invalid parameters"
    assert message in str(body["fields"])


def test_article_page_shows_date_precision_source_and_original(
    client: Client, indexed: Callable[..., Article]
) -> None:
    source = make_source(name="Al Jazeera", domain="aljazeera.com")
    article = indexed(
        title="NATO chief",
        body="Body.",
        language="en",
        source=source,
        url="https://www.aljazeera.com/news/nato",
        published=date(2016, 4, 1),
        published_precision="month",
    )
    page = client.get(f"/articles/{article.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "April 2016" in page
    assert "precision: month" in page
    assert 'href="https://www.aljazeera.com/news/nato"' in page
    assert f'href="/sources/{source.pk}/"' in page
    assert 'lang="en"' in page


def test_source_page_lists_its_articles(client: Client, indexed: Callable[..., Article]) -> None:
    source = make_source(name="VOV.VN", domain="vov.vn")
    indexed(title="Bài của VOV", source=source)
    indexed(title="Bài khác")
    page = client.get(f"/sources/{source.pk}/").content.decode()
    assert "Bài của VOV" in page
    assert "Bài khác" not in page
    assert client.get("/sources/999999/").status_code == 404


def test_hidden_article_is_gone_from_pages_and_export(
    client: Client, indexed: Callable[..., Article]
) -> None:
    article = indexed(title="Stoltenberg bí mật", visibility="hidden")
    assert client.get(f"/articles/{article.pk}/").status_code == 404
    assert "Stoltenberg" not in client.get("/").content.decode()
    assert export(client, q="Stoltenberg")["count"] == 0


def test_export_shape(client: Client, indexed: Callable[..., Article]) -> None:
    source = make_source(name="VOV.VN", domain="vov.vn")
    article = indexed(
        title="NATO không có kế hoạch",
        body="Tổng Thư ký NATO Jens Stoltenberg.",
        source=source,
        published=date(2016, 5, 21),
        published_precision="day",
        url="https://vov.vn/nato-123",
    )
    data = export(client, q="stoltenberg")
    assert data["count"] == 1
    assert data["next"] is None
    (row,) = data["results"]
    assert row["id"] == article.pk
    assert row["url"] == "https://vov.vn/nato-123"
    assert row["title"] == "NATO không có kế hoạch"
    assert row["language"] == "vi"
    assert row["source"] == {"id": source.pk, "name": "VOV.VN", "domain": "vov.vn"}
    assert row["published"] == "2016-05-21"
    assert row["published_precision"] == "day"
    assert "Stoltenberg" in row["snippet"] and "<mark>" not in row["snippet"]
    assert row["text"] == "Tổng Thư ký NATO Jens Stoltenberg."


def test_export_cursor_returns_every_match(client: Client, indexed: Callable[..., Article]) -> None:
    for n in range(57):
        indexed(title=f"NATO {n}", body="Libya")
    data = export(client, q="libya", limit=10)
    ids = [row["id"] for row in data["results"]]
    while data["next"]:
        assert data["count"] == 57
        next_url = urlsplit(data["next"])
        data = export(client, f"{next_url.path}?{next_url.query}")
        ids += [row["id"] for row in data["results"]]
    assert len(ids) == 57 == len(set(ids))


def test_export_without_query_lists_everything_newest_first(
    client: Client, indexed: Callable[..., Article]
) -> None:
    old = indexed(title="Old", published=date(2001, 1, 1), published_precision="day")
    new = indexed(title="New", published=date(2020, 1, 1), published_precision="day")
    undated = indexed(title="Undated")
    data = export(client)
    assert [row["id"] for row in data["results"]] == [new.pk, old.pk, undated.pk]


def test_export_rejects_a_forged_cursor(client: Client) -> None:
    response = client.get("/api/articles/", {"q": "nato", "cursor": "eyJvZmZzZXQiOjV9:forged"})
    assert response.status_code == 400
    assert "cursor" in response.json()["fields"]


# The search's own statements, on an engine that is the database: PostgreSQL's savepoint,
# time budget (set, then put back inside the test's transaction), one statement for the
# hits, their count and the facets, release.
ENGINE_QUERIES = {"whoosh": 0, "postgres": 5}


def test_search_and_export_query_counts(
    client: Client,
    indexed: Callable[..., Article],
    django_assert_max_num_queries: Any,
    search_engine: str,
) -> None:
    source = make_source()
    for n in range(15):
        indexed(title=f"NATO {n}", source=source)
    # Hits + source, mentions, entities, the linker's version, the concept glossary's version,
    # facet labels, the hidden articles still queued for the index: a fixed number, however
    # many hits.
    searching = ENGINE_QUERIES[search_engine]
    # The glossary and the linker's aliases are read once per process, then only their
    # versions: count a warm process, as served (run alone, this test is the first to search).
    export(client, q="warm")
    with django_assert_max_num_queries(8 + searching):
        assert export(client, q="nato")["count"] == 15
    with django_assert_max_num_queries(9 + searching):
        assert client.get("/search/", {"q": "nato"}).status_code == 200


def test_the_filter_form_as_a_browser_sends_it_is_valid(client: Client, indexed: Any) -> None:
    # "any language" and empty dates arrive as empty values: they mean no filter.
    article = indexed(title="NATO chief", body="Body.", language="en")
    page = client.get(
        "/search/", {"q": "nato", "language": "", "from": "", "to": "", "collapse": "1"}
    )
    assert page.status_code == 200
    assert f'href="/articles/{article.pk}/"' in page.content.decode()

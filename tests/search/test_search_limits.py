"""A search that runs too long, or an index that cannot be written or read: never a 500.

The index is a folder on disk for Whoosh and a table for PostgreSQL: each engine's way of
becoming unreadable is tested on that engine (the Whoosh tests run on either database).
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings
from haystack import connections

from articles.models import Article
from articles.search import backend

pytestmark = pytest.mark.django_db


@pytest.fixture
def read_only_disk(monkeypatch: pytest.MonkeyPatch, whoosh_engine: Any) -> None:
    """The index folder as a read-only mount shows it: nothing there can be opened to write."""
    real_access = os.access

    def access(path: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        return False if mode & os.W_OK else real_access(path, mode, *args, **kwargs)

    @contextmanager
    def no_lock(path: str) -> Iterator[None]:
        raise OSError(errno.EROFS, "Read-only file system", path)
        yield  # pragma: no cover

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(backend, "_file_lock", no_lock)
    connections.reload("default")  # a fresh process: the backend sets itself up again


def test_a_read_only_index_still_answers_searches(
    client: Client,
    whoosh_engine: Any,
    indexed: Callable[..., Article],
    request: pytest.FixtureRequest,
) -> None:
    article = indexed(title="Bật đèn xanh cho NATO", body="Iraq bật đèn xanh.")
    request.getfixturevalue("read_only_disk")
    for params in ({"q": "bat den xanh"}, {"q": "NATO", "language": "vi"}, {"language": "vi"}):
        page = client.get("/search/", params)
        assert page.status_code == 200, params
        assert f'href="/articles/{article.pk}/"' in page.content.decode()
        assert client.get("/api/articles/", params).json()["count"] == 1


@contextmanager
def _unreadable_index(search_engine: str, request: pytest.FixtureRequest) -> Iterator[None]:
    """Whoosh: nothing was ever indexed and a read-only disk cannot create the index.
    PostgreSQL: the table gone from under the running site (a botched migration, a revoked
    grant); the search fails in its own savepoint, so the test's transaction goes on."""
    if search_engine == "whoosh":
        request.getfixturevalue("read_only_disk")
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE articles_searchdocument RENAME TO searchdocument_away")
    yield
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE searchdocument_away RENAME TO articles_searchdocument")


def test_an_unreadable_index_is_a_503_with_a_message(
    client: Client, db: None, search_engine: str, request: pytest.FixtureRequest
) -> None:
    with _unreadable_index(search_engine, request):
        for language, message in [
            ("en", "Search is unavailable"),
            ("vi", "Tìm kiếm tạm thời không hoạt động"),
        ]:
            page = client.get("/search/", {"q": "Hà Nội"}, HTTP_ACCEPT_LANGUAGE=language)
            assert page.status_code == 503 and page["Retry-After"] == "30"
            assert message in page.content.decode()
        # The API in English whatever the reader's language, the Vietnamese beside it.
        api = client.get("/api/articles/", {"q": "Hà Nội"}, HTTP_ACCEPT_LANGUAGE="vi")
        assert api.status_code == 503 and api.json()["error"] == "search unavailable"
        assert api.json()["message"].startswith("Search is unavailable")
        assert api.json()["message_vi"].startswith("Tìm kiếm tạm thời không hoạt động")
    if search_engine == "postgres":
        assert client.get("/api/articles/", {"q": "Hà Nội"}).json()["count"] == 0


def _stuck_engine(monkeypatch: pytest.MonkeyPatch, search_engine: str) -> None:
    """An engine stuck on a pathological query: Whoosh in Python, PostgreSQL in a statement
    that only the database can stop (the timer signal is switched off, so the 503 proves
    that PostgreSQL's statement_timeout cancelled it)."""
    if search_engine == "whoosh":

        def endless(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
            while True:
                time.sleep(0.05)

        monkeypatch.setattr(backend.LockingWhooshBackend, "_search", endless)
        return
    from articles.search import budget, postgres

    real_answer = postgres.PostgresSearchBackend._answer

    def sleeping_answer(self: Any, *args: Any, **kwargs: Any) -> Any:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(600)")
        return real_answer(self, *args, **kwargs)

    @contextmanager
    def no_alarm(seconds: float) -> Iterator[None]:
        yield

    monkeypatch.setattr(postgres.PostgresSearchBackend, "_answer", sleeping_answer)
    monkeypatch.setattr(budget, "_alarm", no_alarm)


def test_a_search_past_its_time_budget_is_a_503_with_a_message(
    client: Client,
    indexed: Callable[..., Article],
    monkeypatch: pytest.MonkeyPatch,
    search_engine: str,
) -> None:
    indexed(title="Hà Nội", body="Mưa lớn ở Hà Nội.")
    _stuck_engine(monkeypatch, search_engine)
    started = time.monotonic()
    with override_settings(SEARCH_TIME_BUDGET=0.5):
        page = client.get("/search/", {"q": "ha noi"})
        api = client.get("/api/articles/", {"q": "ha noi"})
    assert time.monotonic() - started < 300  # stopped, not waited out (pg_sleep is 600 s)
    assert page.status_code == 503 and "took too long" in page.content.decode()
    assert api.status_code == 503 and "took too long" in api.json()["message"]
    monkeypatch.undo()
    assert client.get("/api/articles/", {"q": "ha noi"}).json()["count"] == 1


def test_a_search_inside_a_transaction_leaves_its_settings_as_they_were(
    demo: dict[str, Article], index_worker: Callable[[], int], search_engine: str
) -> None:
    """The PostgreSQL engine sets a time budget, no JIT and the cost of a random page for its
    own statements only: a caller's transaction finds its settings as it left them."""
    from django.db import transaction
    from haystack.query import SearchQuerySet

    index_worker()
    names = ("statement_timeout", "jit", "random_page_cost", "parallel_setup_cost")

    def settings() -> list[str]:
        if search_engine != "postgres":
            return []
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(f"current_setting('{n}')" for n in names))
            return list(cursor.fetchone())

    with transaction.atomic():
        if search_engine == "postgres":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = '17s'")
        before = settings()
        found = {int(r.pk) for r in SearchQuerySet().auto_query("NATO Libya")}
        assert {demo["000"].pk, demo["003"].pk, demo["004"].pk} <= found
        assert settings() == before
    if search_engine == "postgres":
        assert before[0] == "17s" and before[2] != "1.1" and before[3] != "100"

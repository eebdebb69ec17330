"""A search that runs too long, or an index that cannot be written or read: never a 500."""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.test import Client, override_settings
from haystack import connections

from articles.models import Article
from articles.search import backend

pytestmark = pytest.mark.django_db


@pytest.fixture
def read_only_disk(monkeypatch: pytest.MonkeyPatch) -> None:
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
    client: Client, indexed: Callable[..., Article], request: pytest.FixtureRequest
) -> None:
    article = indexed(title="Bật đèn xanh cho NATO", body="Iraq bật đèn xanh.")
    request.getfixturevalue("read_only_disk")
    for params in ({"q": "bat den xanh"}, {"q": "NATO", "language": "vi"}, {"language": "vi"}):
        page = client.get("/search/", params)
        assert page.status_code == 200, params
        assert f'href="/articles/{article.pk}/"' in page.content.decode()
        assert client.get("/api/articles/", params).json()["count"] == 1


def test_an_unreadable_index_is_a_503_with_a_message(
    client: Client, tmp_path: Any, read_only_disk: None
) -> None:
    # Nothing was ever indexed here, and a read-only disk cannot create the index.
    page = client.get("/search/", {"q": "Hà Nội"})
    assert page.status_code == 503 and page["Retry-After"] == "30"
    text = page.content.decode()
    assert "Search is unavailable" in text and "Tìm kiếm tạm thời không hoạt động" in text
    api = client.get("/api/articles/", {"q": "Hà Nội"})
    assert api.status_code == 503 and api.json()["error"] == "search unavailable"


def test_a_search_past_its_time_budget_is_a_503_with_a_message(
    client: Client, indexed: Callable[..., Article], monkeypatch: pytest.MonkeyPatch
) -> None:
    indexed(title="Hà Nội", body="Mưa lớn ở Hà Nội.")

    def endless(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        while True:  # an engine stuck on a pathological query
            time.sleep(0.05)

    monkeypatch.setattr(backend.LockingWhooshBackend, "_search", endless)
    with override_settings(SEARCH_TIME_BUDGET=0.5):
        page = client.get("/search/", {"q": "ha noi"})
        api = client.get("/api/articles/", {"q": "ha noi"})
    assert page.status_code == 503 and "took too long" in page.content.decode()
    assert api.status_code == 503 and "took too long" in api.json()["message"]
    monkeypatch.undo()
    assert client.get("/api/articles/", {"q": "ha noi"}).json()["count"] == 1

"""The first responses of a process freeze what it holds (articles.middleware.SettledHeap-
Middleware): the long-lived caches leave the cyclic collector's care, garbage does not."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client

from articles import middleware
from articles.models import Article

pytestmark = pytest.mark.django_db


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


@pytest.fixture
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(middleware, "_warm_up", [middleware.WARM_UP])
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_the_first_responses_freeze_what_is_held_and_collect_the_garbage(
    fresh_process: None,
) -> None:
    held = _Node()  # a cache: alive when the response ends
    garbage = _Node()  # a request's cycle, unreachable when the response ends
    garbage.other = _Node()
    garbage.other.other = garbage
    gone = weakref.ref(garbage)
    del garbage
    gc.disable()  # no collection by chance before the middleware's
    try:
        settle = middleware.SettledHeapMiddleware(lambda request: HttpResponse("ok"))
        assert gone() is not None and gc.get_freeze_count() == 0
        assert settle(HttpRequest()).content == b"ok"
    finally:
        gc.enable()
    assert gone() is None  # collected, not frozen
    frozen = gc.get_freeze_count()
    assert frozen > 1000 and gc.is_tracked(held)
    for _ in range(middleware.WARM_UP - 1):
        settle(HttpRequest())
    after_warm_up = gc.get_freeze_count()
    assert after_warm_up >= frozen
    # Past the warm-up a response freezes nothing more.
    kept = [_Node() for _ in range(2000)]
    settle(HttpRequest())
    assert gc.get_freeze_count() == after_warm_up and len(kept) == 2000


def test_a_search_page_is_served_through_it(
    fresh_process: None, client: Client, demo: dict[str, Article]
) -> None:
    before = gc.get_freeze_count()
    response = client.get("/search/", {"q": "Libya"})
    assert response.status_code == 200
    assert gc.get_freeze_count() > before  # the caches the search loaded are frozen

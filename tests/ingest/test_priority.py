"""Curators first: on SQLite an import waits while a request that changes things runs."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from articles.ingest import priority
from articles.middleware import CuratorsFirstMiddleware

WAIT = 600.0  # generous: the order of events is checked, never how long they took


def order_of_events(method: str) -> list[str]:
    """A request runs; an import reaches give_way() in the middle of it."""
    events: list[str] = []
    importing = threading.Event()
    imported = threading.Event()

    def importer() -> None:
        importing.set()
        priority.give_way()
        events.append("import goes on")
        imported.set()

    def view(request: HttpRequest) -> HttpResponse:
        events.append("request starts")
        thread = threading.Thread(target=importer)
        thread.start()
        importing.wait(WAIT)
        # A GET lets the import go on at once; a POST keeps it waiting until it is done.
        imported.wait(WAIT if method == "GET" else 0.5)
        events.append("request ends")
        view.thread = thread  # type: ignore[attr-defined]
        return HttpResponse()

    middleware = CuratorsFirstMiddleware(view)
    middleware(getattr(RequestFactory(), method.lower())("/admin/"))
    view.thread.join(WAIT)  # type: ignore[attr-defined]
    return events


def test_an_import_waits_for_a_curators_save_but_not_for_a_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(priority, "PATIENCE", WAIT)
    if connection.vendor == "sqlite":
        assert order_of_events("POST") == ["request starts", "request ends", "import goes on"]
    else:  # PostgreSQL queues writers fairly by itself
        assert order_of_events("POST")[0] == "request starts"
    assert order_of_events("GET") == ["request starts", "import goes on", "request ends"]


def test_an_import_run_from_a_request_does_not_wait_for_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(priority, "PATIENCE", WAIT)
    with priority.changing_request():
        priority.give_way()  # returns: the request holding the lock is this one

"""Request wrappers: a search that ran out of time or found the index unreadable answers
HTTP 503 with a message; a request that changes things goes before imports (SQLite)."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from articles.ingest.priority import changing_request
from articles.search import SearchTimeout, SearchUnavailable

log = logging.getLogger(__name__)

# Translated when shown (locale/): the page in the reader's language, the API in both.
_MESSAGES = {
    SearchTimeout: gettext_noop(
        "This search took too long. Narrow it: fewer words, a language, a source or dates."
    ),
    SearchUnavailable: gettext_noop(
        "Search is unavailable for a moment. Please try again shortly."
    ),
}


class SearchErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        message = next((m for kind, m in _MESSAGES.items() if isinstance(exc, kind)), None)
        if message is None:
            return None
        log.warning("search answered 503 for %s: %s", request.get_full_path(), exc)
        if request.path.startswith("/api/"):
            # The API is read by programs: its message stays English, with message_vi beside it.
            with translation.override("vi"):
                vietnamese = gettext(message)
            response: HttpResponse = JsonResponse(
                {"error": "search unavailable", "message": message, "message_vi": vietnamese},
                status=503,
            )
        else:
            response = render(
                request,
                "articles/unavailable.html",
                {"message": gettext(message)},
                status=503,
            )
        response["Retry-After"] = "30"
        return response


class CuratorsFirstMiddleware:
    """POST, PUT, PATCH, DELETE: a running import waits for the request (ingest/priority.py).
    First in MIDDLEWARE, so the request's every write (the session too) is covered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return self.get_response(request)
        with changing_request():
            return self.get_response(request)


class SettledHeapMiddleware:
    """The first responses of a process end with a full collection and gc.freeze(): what
    the process holds by then (the entity linker, the concept glossary, the topic model,
    compiled templates, haystack's index: over 100,000 objects) leaves the cyclic
    collector's care. The collector still frees request garbage, but no longer walks the
    caches on each full collection, which took 63 ms in the middle of a search (2-3 ms
    frozen; collection time over 24 benchmark searches at 100,000 articles 103 -> 39 ms).
    Garbage is collected before each freeze, so nothing unreachable is kept; reference
    counting frees frozen objects as before, and caches rebuilt later (a curator's edit)
    are collected as before."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _warm_up[0] > 0:
            _warm_up[0] -= 1
            gc.collect()
            gc.freeze()
        return response


# Responses of this process still to end with a freeze: the caches a search loads are
# loaded by the first (a list: the test client builds a middleware per client).
WARM_UP = 10
_warm_up = [WARM_UP]

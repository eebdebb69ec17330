"""Request wrappers: a search that ran out of time or found the index unreadable answers
HTTP 503 with a message; a request that changes things goes before imports (SQLite)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from articles.ingest.priority import changing_request
from articles.search import SearchTimeout, SearchUnavailable

log = logging.getLogger(__name__)

_MESSAGES = {
    SearchTimeout: (
        "This search took too long. Narrow it: fewer words, a language, a source or dates.",
        "Tìm kiếm này mất quá nhiều thời gian. Hãy thu hẹp: ít từ hơn, chọn ngôn ngữ, nguồn "
        "hoặc khoảng thời gian.",
    ),
    SearchUnavailable: (
        "Search is unavailable for a moment. Please try again shortly.",
        "Tìm kiếm tạm thời không hoạt động. Vui lòng thử lại sau ít phút.",
    ),
}


class SearchErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        messages = next((m for kind, m in _MESSAGES.items() if isinstance(exc, kind)), None)
        if messages is None:
            return None
        log.warning("search answered 503 for %s: %s", request.get_full_path(), exc)
        english, vietnamese = messages
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {"error": "search unavailable", "message": english, "message_vi": vietnamese},
                status=503,
            )
        else:
            response = render(
                request,
                "articles/unavailable.html",
                {"english": english, "vietnamese": vietnamese},
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

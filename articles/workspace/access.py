"""Who may search: everyone (ANONYMOUS_SEARCH, the default), or only analysts logged in."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse

# Open whatever the setting: logging in, the admin (its own login), static files, and the
# feeds of saved searches (a feed reader has no session; the token in the URL is the key).
OPEN_PREFIXES = ("/accounts/", "/admin/", "/static/", "/feeds/")


class LoginToSearchMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.ANONYMOUS_SEARCH
            or request.user.is_authenticated
            or request.path_info.startswith(OPEN_PREFIXES)
        ):
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {
                    "error": "login required",
                    "message": "Log in to use the archive.",
                    "message_vi": "Vui lòng đăng nhập để sử dụng kho lưu trữ.",
                },
                status=401,
            )
        return redirect_to_login(request.get_full_path())

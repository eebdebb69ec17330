from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # The language switcher posts to Django's set_language (i18n/setlang/), which sets the cookie.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("articles.urls")),
    path("", include("articles.workspace.urls")),
]

# The JSON API promises JSON, errors included (issue #16): these answer /api/ in its shape.
handler400 = "articles.views.bad_request"
handler404 = "articles.views.not_found"
handler500 = "articles.views.server_error"

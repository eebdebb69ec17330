"""The analyst's pages: downloads (and, beside them, saved searches, feeds, comparisons)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from articles.forms import SearchForm
from articles.search import query_pairs
from articles.views import get_or_head, limited
from articles.workspace import downloads


class DownloadForm(SearchForm):
    format = forms.ChoiceField(choices=[(name, name) for name in downloads.FORMATS])


@get_or_head
@limited("EXPORT_RATE")
def download(request: HttpRequest) -> HttpResponse:
    form = DownloadForm(request.GET)
    if not form.is_valid():
        return render(request, "articles/search.html", {"form": form}, status=400)
    params = form.params()
    kind = form.cleaned_data["format"]
    name = downloads.file_name(params, timezone.now(), kind)
    if request.method == "HEAD":
        response = HttpResponse(content_type=downloads.FORMATS[kind])
    else:
        articles = downloads.walk(params)
        lines = downloads.csv_lines(articles) if kind == "csv" else downloads.ndjson_lines(articles)
        # A StreamingHttpResponse is no HttpResponse to the type checker, only to Django
        # (both are HttpResponseBase); the decorators' type asks for HttpResponse.
        response = cast(
            HttpResponse,
            StreamingHttpResponse(downloads.encoded(lines), content_type=downloads.FORMATS[kind]),
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # The whole search, for scripts (the name keeps only its ASCII letters).
    response["X-Search-Query"] = urlencode(query_pairs(params))
    response["Cache-Control"] = "no-store"
    return response

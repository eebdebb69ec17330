"""Pages and the export: bind a form, call one function, render.

Every page answers GET and HEAD (get_or_head). Searches and the export are limited per
client (SEARCH_RATE, EXPORT_RATE); bad parameters give 400, on the API in its JSON shape.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views import defaults
from django.views.decorators.http import require_safe
from django_ratelimit.core import get_usage  # type: ignore[import-untyped]

from articles import export, stories
from articles.entities import profile
from articles.forms import (
    PER_PAGE,
    PER_PAGE_CHOICES,
    ExportForm,
    PageForm,
    SearchForm,
    StoryListForm,
)
from articles.models import Article, Entity, EntityStatus, Source, Story
from articles.search import SearchParams, query_pairs, run
from articles.workspace import compare

logger = logging.getLogger(__name__)

View = Callable[..., HttpResponse]


def client_ip(request: HttpRequest) -> str:
    """The client's address, for rate limits and login throttling.

    REMOTE_ADDR, unless CLIENT_IP_HEADER names the header a trusted proxy sets: then the
    last address in it, the one that proxy saw (earlier ones are the client's to invent).
    """
    if settings.CLIENT_IP_HEADER:
        forwarded = str(request.META.get(settings.CLIENT_IP_HEADER, "")).split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass
    return str(request.META.get("REMOTE_ADDR") or "0.0.0.0")


def get_or_head(view: View) -> View:
    """require_safe, and a HEAD answer without its body (Content-Length still GET's).

    Django leaves stripping the body to the server; gunicorn drops it but logs a warning for
    every HEAD request.
    """

    @require_safe
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if request.method == "HEAD" and not response.streaming:
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response

    return wrapper


def in_english(view: View) -> View:
    """The JSON API answers in English whatever the reader's interface language: programs
    read its error messages (the 429 and 503 add message_vi)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with translation.override("en"):
            return view(request, *args, **kwargs)

    return wrapper


def limited(rate_setting: str, api: bool = False) -> Callable[[View], View]:
    """Count the client's requests against a rate setting; over it, answer 429."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            rate = getattr(settings, rate_setting)
            retry_after = _retry_after(request, rate_setting, rate)
            if retry_after is None:
                return view(request, *args, **kwargs)
            response: HttpResponse
            if api:
                # The API is read by programs: English, with the Vietnamese beside it.
                with translation.override("en"):
                    english = _too_many(rate, retry_after)
                with translation.override("vi"):
                    vietnamese = _too_many(rate, retry_after)
                response = export.too_many_response(english, vietnamese, retry_after)
            else:
                context = {"message": _too_many(rate, retry_after), "form": SearchForm()}
                response = render(request, "articles/limited.html", context, status=429)
            response["Retry-After"] = str(retry_after)
            return response

        return wrapper

    return decorate


def _retry_after(request: HttpRequest, group: str, rate: str) -> int | None:
    """Seconds until the client may ask again, or None while it is within its limit."""
    try:
        usage = get_usage(request, group=group, key="ip", rate=rate, increment=True)
    except DatabaseError:
        # The embedded default counts in the database: while it is busy (an import holding
        # SQLite's write lock past the timeout) serve the search rather than fail it.
        logger.warning("rate limit not counted: the cache failed", exc_info=True)
        return None
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, int(usage["time_left"]))


def _too_many(rate: str, retry_after: int) -> str:
    """The 429 message in the active language, e.g. for "60/m" and 12 seconds."""
    count, _, period = rate.partition("/")
    many, unit = int(period[:-1] or "1"), period[-1:]
    # "per minute", "per 5 minutes": one period has no number (Vietnamese: "mỗi phút").
    spans = {
        "s": (gettext("second"), gettext("%(many)d seconds")),
        "m": (gettext("minute"), gettext("%(many)d minutes")),
        "h": (gettext("hour"), gettext("%(many)d hours")),
        "d": (gettext("day"), gettext("%(many)d days")),
    }
    one, several = spans[unit]
    span = one if many == 1 else several % {"many": many}
    return gettext(
        "Too many requests from your address: at most %(count)s per %(span)s. "
        "Try again in %(seconds)d seconds."
    ) % {"count": count, "span": span, "seconds": retry_after}


@get_or_head
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "articles/home.html",
        {
            "form": SearchForm(),
            "latest": Article.objects.visible()
            .select_related("source")
            .prefetch_related("mentions__entity")[:10],
            "sources": Source.objects.active().with_article_counts(),
            "stories": stories.listing()[:8],
        },
    )


@get_or_head
@limited("SEARCH_RATE")
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "articles/search.html", {"form": form}, status=400)
    params = form.params()
    results = run(params) if params.q or params.has_filters else None
    return render(
        request,
        "articles/search.html",
        {
            "form": form,
            "results": results,
            "query": urlencode(_with_per_page(query_pairs(params), form)),
            "size_query": urlencode(query_pairs(params)),
            "per_page_choices": PER_PAGE_CHOICES,
        },
    )


@get_or_head
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.visible().select_related("source", "story", "copy_of__source"), pk=pk
    )
    found = stories.article_page(article)
    return render(
        request,
        "articles/detail.html",
        {
            "article": article,
            "form": SearchForm(),
            "copies": found.copies,
            "entities": found.entities,
            "topics": found.topics,
        },
    )


@get_or_head
def story_list(request: HttpRequest) -> HttpResponse:
    form = StoryListForm(request.GET)
    if not form.is_valid():
        return render(
            request, "articles/stories.html", {"form": form, "search": SearchForm()}, status=400
        )
    page = _paged(stories.listing(**form.filters()), form.cleaned_data)
    return render(
        request,
        "articles/stories.html",
        {
            "form": form,
            "search": SearchForm(),
            "stories": page,
            **form.chosen(),
            **_paging_context(request),
        },
    )


@get_or_head
def story(request: HttpRequest, pk: int) -> HttpResponse:
    found = _story_or_redirect(pk)
    if not isinstance(found, Story):
        return found
    paging = PageForm(request.GET)
    if not paging.is_valid():
        return _bad_paging(request, paging)
    found_profile = stories.profile(found)
    entries = _paged(found_profile.articles, paging.cleaned_data)
    return render(
        request,
        "articles/story.html",
        {
            "profile": found_profile,
            "form": SearchForm(),
            "entries": entries,
            "timeline": stories.timeline(found_profile.articles, entries),
            **_paging_context(request),
            "coverage": compare.coverage(SearchParams(story=found.pk)),
        },
    )


@get_or_head
def source(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk)
    paging = PageForm(request.GET)
    if not paging.is_valid():
        context = {"source": source, "errors": paging.errors, "form": SearchForm()}
        return render(request, "articles/source.html", context, status=400)
    listed = source.articles.visible().select_related("source").prefetch_related("mentions__entity")
    articles = _paged(listed, paging.cleaned_data)
    return render(
        request,
        "articles/source.html",
        {
            "source": source,
            "articles": articles,
            "form": SearchForm(),
            **_paging_context(request),
        },
    )


@get_or_head
def entity(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Entity, pk=pk)
    if found.merged_into_id:
        return redirect("articles:entity", found.merged_into_id)
    if found.status == EntityStatus.REJECTED:
        raise Http404("rejected entity")
    if found.status == EntityStatus.CANDIDATE and not request.user.is_staff:
        raise Http404("candidate entity")  # unreviewed names from article text: curators only
    paging = PageForm(request.GET)
    if not paging.is_valid():
        return _bad_paging(request, paging)
    found_profile = profile(found)
    return render(
        request,
        "articles/entity.html",
        {
            "profile": found_profile,
            "form": SearchForm(),
            "articles": _paged(found_profile.articles, paging.cleaned_data),
            **_paging_context(request),
            "coverage": compare.coverage(SearchParams(entities=(found.pk,))),
        },
    )


@get_or_head
@in_english
@limited("EXPORT_RATE", api=True)
def export_articles(request: HttpRequest) -> JsonResponse:
    form = ExportForm(request.GET)
    if not form.is_valid():
        return export.error_response(form.errors.get_json_data())
    return export.export_response(request, run(form.params()))


@get_or_head
@in_english
@limited("EXPORT_RATE", api=True)
def export_stories(request: HttpRequest) -> JsonResponse:
    form = ExportForm(request.GET)
    if not form.is_valid():
        return export.error_response(form.errors.get_json_data())
    return export.stories_response(request, run(replace(form.params(), collapse=True)))


@get_or_head
@in_english
@limited("EXPORT_RATE", api=True)
def export_story(request: HttpRequest, pk: int) -> HttpResponse:
    found = _story_or_redirect(pk, "articles:export_story")
    if not isinstance(found, Story):
        return found
    return export.story_response(stories.profile(found))


def _paged(items: Any, data: dict[str, Any]) -> Page[Any]:
    """One page of a long list, ?page=N of ?per_page=M (forms.PER_PAGE by default)."""
    return Paginator(items, data.get("per_page") or PER_PAGE).get_page(data.get("page"))


def _query_without_page(request: HttpRequest, *also: str) -> str:
    return urlencode([(k, str(v)) for k, v in request.GET.items() if k not in ("page", *also)])


def _paging_context(request: HttpRequest) -> dict[str, Any]:
    """What templates/articles/_pages.html needs besides the page itself."""
    return {
        "query": _query_without_page(request),
        "size_query": _query_without_page(request, "per_page"),
        "per_page_choices": PER_PAGE_CHOICES,
    }


def _bad_paging(request: HttpRequest, paging: PageForm) -> HttpResponse:
    context = {"errors": paging.errors, "form": SearchForm()}
    return render(request, "articles/bad_paging.html", context, status=400)


def _with_per_page(pairs: list[tuple[str, str]], form: SearchForm) -> list[tuple[str, str]]:
    # The search's own query string leaves the page size out; its pages keep it.
    per_page = form.cleaned_data.get("per_page")
    return [*pairs, ("per_page", str(per_page))] if per_page else pairs


def _story_or_redirect(pk: int, view: str = "articles:story") -> Story | HttpResponse:
    found = get_object_or_404(Story, pk=pk)
    if found.merged_into_id:
        return redirect(view, found.merged_into_id)
    if not found.article_count:
        raise Http404("story without visible articles")
    return found


# Error pages (newsarchive/urls.py): the API answers in JSON, like its 400s, the pages as usual.


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return export.error_response({"__all__": [{"message": "Bad request.", "code": "bad"}]})
    return defaults.bad_request(request, exception)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return export.status_response("not found", 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return export.status_response("server error", 500)
    return defaults.server_error(request)


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")

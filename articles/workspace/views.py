"""The analyst's pages: downloads (and, beside them, saved searches, feeds, comparisons)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext, ngettext
from django.views.decorators.http import require_POST

from articles.forms import SearchForm
from articles.models import DigestFrequency, SavedSearch, new_feed_token
from articles.search import SearchParams, query_pairs
from articles.views import get_or_head, limited
from articles.workspace import compare, downloads, feeds, saved, terms


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


def _analyst(request: HttpRequest) -> User:
    """The logged-in analyst (the views that call this are behind login_required)."""
    assert isinstance(request.user, User)
    return request.user


class SaveForm(forms.Form):
    name = forms.CharField(max_length=200, strip=True)
    query = forms.CharField(required=False, max_length=4000)


class DigestForm(forms.Form):
    digest = forms.ChoiceField(choices=DigestFrequency.choices, required=False)


@login_required
@require_POST
def save_search(request: HttpRequest) -> HttpResponse:
    form = SaveForm(request.POST)
    search = SearchForm(QueryDict(form.data.get("query", "")))
    if not form.is_valid() or not search.is_valid():
        return render(request, "workspace/saved_list.html", _listing(request, form), status=400)
    name = form.cleaned_data["name"]
    mine = SavedSearch.objects.filter(user=_analyst(request))
    if mine.filter(name=name).exists() or mine.count() >= saved.MAX_SAVED:
        form.add_error(
            "name", gettext("You have a saved search of this name already, or too many.")
        )
        return render(request, "workspace/saved_list.html", _listing(request, form), status=400)
    mark = saved.arrival_mark(0)
    kept = SavedSearch.objects.create(
        user=_analyst(request),
        name=name,
        query=saved.canonical_query(search.params()),
        seen_after_id=mark,
        digest_after_id=mark,
        language=get_language() or "",
    )
    return redirect("workspace:saved", kept.pk)


@login_required
@get_or_head
def saved_list(request: HttpRequest) -> HttpResponse:
    return render(request, "workspace/saved_list.html", _listing(request, SaveForm()))


def _listing(request: HttpRequest, form: forms.Form) -> dict[str, Any]:
    rows = [
        (kept, saved.new_matches(kept, limit=1).total)
        for kept in SavedSearch.objects.filter(user=_analyst(request))
    ]
    return {"rows": rows, "save_form": form, "form": SearchForm()}


@login_required
@get_or_head
def saved_page(request: HttpRequest, pk: int) -> HttpResponse:
    kept = get_object_or_404(SavedSearch, pk=pk, user=_analyst(request))
    mark = saved.arrival_mark(kept.seen_after_id)
    new = saved.new_matches(kept, limit=100)
    since = kept.seen_at
    if request.method == "GET":
        saved.mark_seen(kept, mark)
    feed = request.build_absolute_uri(reverse("workspace:feed", args=[kept.feed_token]))
    context = {
        "saved": kept,
        "new": new,
        "since": since,
        "feed_url": feed,
        "search_url": f"{reverse('articles:search')}?{kept.query}",
        "digest_form": DigestForm(initial={"digest": kept.digest}),
        "form": SearchForm(),
    }
    return render(request, "workspace/saved.html", context)


@login_required
@require_POST
def saved_settings(request: HttpRequest, pk: int) -> HttpResponse:
    kept = get_object_or_404(SavedSearch, pk=pk, user=_analyst(request))
    action = request.POST.get("action")
    if action == "revoke":
        kept.feed_token = new_feed_token()  # the old URL answers 404 from now on
        kept.save(update_fields=["feed_token"])
    elif action == "delete":
        kept.delete()
        return redirect("workspace:saved_list")
    else:
        form = DigestForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest(gettext("Unknown digest frequency."))
        if form.cleaned_data["digest"] and not kept.digest:
            # A digest starts from now, not from the whole archive.
            kept.digest_after_id = max(kept.digest_after_id, saved.arrival_mark(0))
        kept.digest = form.cleaned_data["digest"]
        # The digest is written in the language the analyst chose it in.
        kept.language = get_language() or kept.language
        kept.save(update_fields=["digest", "digest_after_id", "language"])
    return redirect("workspace:saved", kept.pk)


@get_or_head
def feed(request: HttpRequest, token: str) -> HttpResponse:
    kept = get_object_or_404(SavedSearch, feed_token=token, user__is_active=True)
    response = HttpResponse(feeds.atom(kept), content_type="application/atom+xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


class CompareForm(forms.Form):
    measure = forms.ChoiceField(choices=[("count", "count"), ("share", "share")], required=False)
    split = forms.BooleanField(required=False)
    format = forms.ChoiceField(choices=[("", "html"), ("csv", "csv")], required=False)


@get_or_head
@limited("SEARCH_RATE")
def compare_page(request: HttpRequest) -> HttpResponse:
    options = CompareForm(request.GET)
    texts, searches, errors = _compared_searches(request)
    if not options.is_valid():
        errors += [str(e) for errs in options.errors.values() for e in errs]
    chosen = options.cleaned_data if not errors else {}
    measure, split = chosen.get("measure") or "count", bool(chosen.get("split"))
    found = compare.compare(searches, measure, split) if searches and not errors else None
    if found is not None and chosen.get("format") == "csv":
        response = HttpResponse(compare.as_csv(found), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="newsarchive-comparison.csv"'
        return response
    context = {
        "comparison": found,
        "texts": texts + [""] * (compare.MAX_SEARCHES - len(texts)),
        "errors": list(dict.fromkeys(errors)),
        "measure": measure,
        "split": split,
        "date_from": request.GET.get("from", ""),
        "date_to": request.GET.get("to", ""),
        "csv_query": urlencode([*request.GET.lists()], doseq=True),
        "form": SearchForm(),
    }
    return render(request, "workspace/compare.html", context, status=400 if errors else 200)


def _compared_searches(
    request: HttpRequest,
) -> tuple[list[str], list[tuple[str, SearchParams]], list[str]]:
    """The comparison's searches (?q=...&q=..., the dates shared): texts, params, errors."""
    texts = [q for q in request.GET.getlist("q") if q.strip()]
    dates = {"from": request.GET.get("from", ""), "to": request.GET.get("to", "")}
    searches, errors = [], []
    for text in texts[: compare.MAX_SEARCHES]:
        one = SearchForm({"q": text, **dates})
        if one.is_valid():
            searches.append((one.cleaned_data["q"], one.params()))
        else:
            errors += [str(e) for errs in one.errors.values() for e in errs]
    if len(texts) > compare.MAX_SEARCHES:
        most = compare.MAX_SEARCHES
        message = ngettext("At most %(most)d search.", "At most %(most)d searches.", most)
        errors.append(message % {"most": most})
    return texts[: compare.MAX_SEARCHES], searches, errors


@get_or_head
@limited("SEARCH_RATE")
def top_terms_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "workspace/terms.html", {"form": form}, status=400)
    params = form.params()
    found = terms.top_terms(params)
    rows = [
        (
            group,
            [(term, _narrowed_search(params, term.term, group.language)) for term in group.terms],
        )
        for group in found
    ]
    context = {"form": form, "groups": rows, "query": urlencode(query_pairs(params))}
    return render(request, "workspace/terms.html", context)


def _narrowed_search(params: SearchParams, term: str, language: str) -> str:
    """The search page for the matches that also have this term, in its language."""
    q = f'{params.q} "{term}"'.strip()
    changed = query_pairs(params, q=[q], language=[language])
    return f"{reverse('articles:search')}?{urlencode(changed)}"

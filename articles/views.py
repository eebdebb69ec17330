"""Pages and the export: bind a form, call one function, render."""

from __future__ import annotations

from dataclasses import replace

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from articles import export, stories
from articles.entities import profile
from articles.forms import ExportForm, SearchForm, StoryListForm
from articles.models import Article, Entity, EntityStatus, Source, Story
from articles.search import query_pairs, run


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "articles/home.html",
        {
            "form": SearchForm(),
            "latest": Article.objects.visible().select_related("source")[:10],
            "sources": Source.objects.active().with_article_counts(),
            "stories": stories.listing()[:8],
        },
    )


@require_GET
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
            "query": urlencode(query_pairs(params)),
        },
    )


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.visible().select_related("source", "story", "copy_of__source"), pk=pk
    )
    return render(
        request,
        "articles/detail.html",
        {
            "article": article,
            "form": SearchForm(),
            "copies": article.copies.visible().select_related("source").order_by("published", "id"),
        },
    )


@require_GET
def story_list(request: HttpRequest) -> HttpResponse:
    form = StoryListForm(request.GET)
    if not form.is_valid():
        return render(
            request, "articles/stories.html", {"form": form, "search": SearchForm()}, status=400
        )
    page = Paginator(stories.listing(**form.filters()), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "articles/stories.html",
        {
            "form": form,
            "search": SearchForm(),
            "stories": page,
            **form.chosen(),
            "query": urlencode([(k, str(v)) for k, v in request.GET.items() if k != "page"]),
        },
    )


@require_GET
def story(request: HttpRequest, pk: int) -> HttpResponse:
    found = _story_or_redirect(pk)
    if not isinstance(found, Story):
        return found
    return render(
        request, "articles/story.html", {"profile": stories.profile(found), "form": SearchForm()}
    )


@require_GET
def source(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk)
    articles = Paginator(source.articles.visible(), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "articles/source.html",
        {
            "source": source,
            "articles": articles,
            "form": SearchForm(),
        },
    )


@require_GET
def entity(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Entity, pk=pk)
    if found.merged_into_id:
        return redirect("articles:entity", found.merged_into_id)
    if found.status == EntityStatus.REJECTED:
        raise Http404("rejected entity")
    if found.status == EntityStatus.CANDIDATE and not request.user.is_staff:
        raise Http404("candidate entity")  # unreviewed names from article text: curators only
    return render(
        request, "articles/entity.html", {"profile": profile(found), "form": SearchForm()}
    )


@require_GET
def export_articles(request: HttpRequest) -> JsonResponse:
    form = ExportForm(request.GET)
    if not form.is_valid():
        return export.error_response(form.errors.get_json_data())
    return export.export_response(request, run(form.params()))


@require_GET
def export_stories(request: HttpRequest) -> JsonResponse:
    form = ExportForm(request.GET)
    if not form.is_valid():
        return export.error_response(form.errors.get_json_data())
    return export.stories_response(request, run(replace(form.params(), collapse=True)))


@require_GET
def export_story(request: HttpRequest, pk: int) -> HttpResponse:
    found = _story_or_redirect(pk, "articles:export_story")
    if not isinstance(found, Story):
        return found
    return export.story_response(stories.profile(found))


def _story_or_redirect(pk: int, view: str = "articles:story") -> Story | HttpResponse:
    found = get_object_or_404(Story, pk=pk)
    if found.merged_into_id:
        return redirect(view, found.merged_into_id)
    if not found.article_count:
        raise Http404("story without visible articles")
    return found

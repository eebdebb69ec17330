"""article_to_dict() and export_response(): the JSON shape other tools rely on.

Keys are only ever added, never renamed or removed. Treat `next` as opaque.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, TypedDict

from django.http import HttpRequest, JsonResponse
from django.utils.http import urlencode

from articles.forms import make_cursor
from articles.models import Article, Source, Story
from articles.search import Facet, Hit, Results, Timeline, plain, query_pairs
from articles.stories import Coverage, StoryProfile, story_articles


class SourceDict(TypedDict):
    id: int
    name: str
    domain: str | None


class EntityDict(TypedDict):
    id: int
    kind: str
    name_en: str
    name_vi: str
    mentions: int


class CopyDict(TypedDict):
    id: int
    url: str | None
    source: SourceDict | None
    published: str | None


class ArticleDict(TypedDict):
    id: int
    url: str | None
    title: str
    language: str
    source: SourceDict | None
    published: str | None
    published_precision: str
    snippet: str
    text: str
    score: float
    entities: list[EntityDict]
    story_id: int | None
    copy_of: int | None  # the first publication, when this is a republished copy
    also_published_by: list[CopyDict]


class StoryDict(TypedDict):
    id: int | None
    title: str
    url: str | None
    pinned: bool
    languages: list[str]
    first_published: str | None
    last_published: str | None
    article_count: int
    matches: int  # articles of the story matching the search (story lists only)
    articles: list[ArticleDict]


def article_to_dict(article: Article, snippet: str = "", score: float = 0.0) -> ArticleDict:
    source = article.source
    return {
        "id": article.pk,
        "url": article.url,
        "title": article.title,
        "language": article.language,
        "source": _source(source),
        "published": _iso(article.published),
        "published_precision": article.published_precision,
        "snippet": snippet,
        "text": article.body,
        "score": round(score, 4),
        "entities": [
            {
                "id": m.entity.pk,
                "kind": m.entity.kind,
                "name_en": m.entity.name_en,
                "name_vi": m.entity.name_vi,
                "mentions": m.count,
            }
            for m in sorted(article.mentions.all(), key=lambda m: -m.count)
        ],
        "story_id": article.story_id,
        "copy_of": original.pk if (original := article.visible_original) else None,
        "also_published_by": [
            {
                "id": copy.pk,
                "url": copy.url,
                "source": _source(copy.source),
                "published": _iso(copy.published),
            }
            for copy in article.copies.all()
        ],
    }


def story_to_dict(story: Story | None, articles: list[Article], matches: int = 0) -> StoryDict:
    """A story and its articles; `story` None for an article not filed in a story yet."""
    return {
        "id": story.pk if story else None,
        "title": story.title if story else (articles[0].title if articles else ""),
        "url": story.get_absolute_url() if story else None,
        "pinned": story.pinned if story else False,
        "languages": story.languages.split(",") if story and story.languages else [],
        "first_published": _iso(story.first_published) if story else None,
        "last_published": _iso(story.last_published) if story else None,
        "article_count": story.article_count if story else len(articles),
        "matches": matches,
        "articles": [article_to_dict(article) for article in articles],
    }


def _source(source: Source | None) -> SourceDict | None:
    return {"id": source.pk, "name": source.name, "domain": source.domain} if source else None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def export_response(request: HttpRequest, results: Results) -> JsonResponse:
    return _page_response(request, results, [_hit_to_dict(hit) for hit in results.hits])


def stories_response(request: HttpRequest, results: Results) -> JsonResponse:
    """The export's shape with stories for items, each with all its visible articles."""
    story_ids = [hit.article.story_id for hit in results.hits]
    members = story_articles(pk for pk in story_ids if pk is not None)
    items = [
        story_to_dict(
            hit.article.story,
            members.get(story_id, [hit.article]) if story_id is not None else [hit.article],
            hit.story_matches,
        )
        for hit, story_id in zip(results.hits, story_ids, strict=True)
    ]
    return _page_response(request, results, items)


def _page_response(request: HttpRequest, results: Results, items: Sequence[object]) -> JsonResponse:
    params = results.params
    next_url = None
    if results.next_offset is not None:
        query = query_pairs(
            params, cursor=[make_cursor(results.next_offset)], limit=[str(params.limit)]
        )
        next_url = request.build_absolute_uri(f"{request.path}?{urlencode(query)}")
    payload: dict[str, object] = {"count": results.total, "next": next_url, "results": items}
    if results.concepts:
        # The glossary concepts the query also searched in the other language (literal=1: none).
        payload["concepts"] = [
            {"id": c.concept.id, "words": c.words, "language": c.language, "terms": c.other_terms}
            for c in results.concepts
        ]
    if params.facets:
        payload["facets"] = {facet.name: _facet_to_list(facet) for facet in results.facets}
        payload["timeline"] = _timeline_to_dict(results.timeline)
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})


def story_response(profile: StoryProfile) -> JsonResponse:
    payload: dict[str, object] = dict(story_to_dict(profile.story, profile.articles))
    payload["entities"] = [
        {"id": e.pk, "kind": e.kind, "name_en": e.name_en, "name_vi": e.name_vi, "articles": n}
        for e, n in profile.entities
    ]
    payload["topics"] = [
        {"slug": t.slug, "name_en": t.name_en, "name_vi": t.name_vi, "articles": n}
        for t, n in profile.topics
    ]
    payload["summary"] = [
        {"language": article.language, "article_id": article.pk, "text": text}
        for article, text in profile.summary
    ]
    payload["coverage"] = {
        "languages": [{"language": c.first.language, **_coverage(c)} for c in profile.by_language],
        "sources": [{"source": _source(c.first.source), **_coverage(c)} for c in profile.by_source],
    }
    payload["related"] = [
        {"id": s.pk, "title": s.title, "article_count": s.article_count} for s in profile.related
    ]
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})


def _coverage(row: Coverage) -> dict[str, object]:
    return {
        "articles": row.count,
        "share_percent": row.share,
        "first": {"id": row.first.pk, "published": _iso(row.first.published)},
    }


def _hit_to_dict(hit: Hit) -> ArticleDict:
    return article_to_dict(hit.article, plain(hit.snippet), hit.score)


def _facet_to_list(facet: Facet) -> list[dict[str, object]]:
    return [
        {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
        for v in facet.values
    ]


def _timeline_to_dict(timeline: Timeline | None) -> dict[str, object] | None:
    if timeline is None:
        return None
    return {
        "granularity": timeline.granularity,
        "undated": timeline.undated,
        "buckets": [
            {
                "start": bar.start.isoformat(),
                "end": bar.end.isoformat(),
                "label": bar.label,
                "count": bar.count,
            }
            for bar in timeline.bars
        ],
    }


def error_response(errors: dict[str, Any], status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"error": "invalid parameters", "fields": errors},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def status_response(error: str, status: int) -> JsonResponse:
    """An error that is no parameter's fault (not found, server error): {"error": ...}."""
    return JsonResponse({"error": error}, status=status)


def too_many_response(english: str, vietnamese: str, retry_after: int) -> JsonResponse:
    """HTTP 429: the client is over its rate limit (the caller adds Retry-After)."""
    return JsonResponse(
        {
            "error": "too many requests",
            "message": english,
            "message_vi": vietnamese,
            "retry_after": retry_after,
        },
        status=429,
        json_dumps_params={"ensure_ascii": False},
    )

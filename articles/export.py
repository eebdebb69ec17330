"""article_to_dict() and export_response(): the JSON shape other tools rely on.

Keys are only ever added, never renamed or removed. Treat `next` as opaque.
"""

from __future__ import annotations

from typing import TypedDict

from django.http import HttpRequest, JsonResponse
from django.utils.http import urlencode

from articles.facets import Facet, Timeline
from articles.forms import make_cursor
from articles.models import Article
from articles.search import Hit, Results, query_pairs
from articles.snippets import plain


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


def article_to_dict(article: Article, snippet: str = "", score: float = 0.0) -> ArticleDict:
    source = article.source
    return {
        "id": article.pk,
        "url": article.url,
        "title": article.title,
        "language": article.language,
        "source": {"id": source.pk, "name": source.name, "domain": source.domain} if source else None,
        "published": article.published.isoformat() if article.published else None,
        "published_precision": article.published_precision,
        "snippet": snippet,
        "text": article.body,
        "score": round(score, 4),
        "entities": [
            {"id": m.entity.pk, "kind": m.entity.kind, "name_en": m.entity.name_en,
             "name_vi": m.entity.name_vi, "mentions": m.count}
            for m in sorted(article.mentions.all(), key=lambda m: -m.count)
        ],
    }


def export_response(request: HttpRequest, results: Results) -> JsonResponse:
    params = results.params
    next_url = None
    if results.next_offset is not None:
        query = query_pairs(params, cursor=[make_cursor(results.next_offset)],
                            limit=[str(params.limit)])
        next_url = request.build_absolute_uri(f"{request.path}?{urlencode(query)}")
    payload: dict[str, object] = {
        "count": results.total,
        "next": next_url,
        "results": [_hit_to_dict(hit) for hit in results.hits],
    }
    if params.facets:
        payload["facets"] = {facet.name: _facet_to_list(facet) for facet in results.facets}
        payload["timeline"] = _timeline_to_dict(results.timeline)
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})


def _hit_to_dict(hit: Hit) -> ArticleDict:
    return article_to_dict(hit.article, plain(hit.snippet), hit.score)


def _facet_to_list(facet: Facet) -> list[dict[str, object]]:
    return [{"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
            for v in facet.values]


def _timeline_to_dict(timeline: Timeline | None) -> dict[str, object] | None:
    if timeline is None:
        return None
    return {
        "granularity": timeline.granularity,
        "undated": timeline.undated,
        "buckets": [{"start": bar.start.isoformat(), "end": bar.end.isoformat(),
                     "label": bar.label, "count": bar.count} for bar in timeline.bars],
    }


def error_response(errors: dict[str, list[str]], status: int = 400) -> JsonResponse:
    return JsonResponse({"error": "invalid parameters", "fields": errors}, status=status,
                        json_dumps_params={"ensure_ascii": False})

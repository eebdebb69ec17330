"""Whoosh's cheaper query plan (search/backend.py) finds and scores exactly what the plain
four-field OR and Whoosh's own phrase matcher find, on real corpus articles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from haystack import connections
from haystack.query import SearchQuerySet
from whoosh import query as whoosh_query
from whoosh.query.spans import SpanNear2

from articles.evaluation import ranking
from articles.models import Article
from articles.search.backend import _AdjacentSpans
from articles.search.query import parse, to_sq
from articles.text import fold, words

pytestmark = pytest.mark.django_db


def _queries(count: int) -> list[str]:
    """Title openings as typed, and stripped of their diacritics."""
    made = []
    for title in Article.objects.order_by("pk").values_list("title", flat=True)[:count]:
        opening = " ".join(words(title)[:3])
        made += [opening, fold(opening)]
    return made


def _ranked(backend: Any, query: Any) -> list[tuple[str, float]]:
    with backend.index._index.searcher() as searcher:
        hits = searcher.search(query, limit=None)
        found = [(hit["django_id"], round(hit.score, 6)) for hit in hits]
    return sorted(found, key=lambda pair: (-pair[1], pair[0]))


def _string(q: str) -> str:
    condition, _ = to_sq(parse(q))
    assert condition is not None
    return str(SearchQuerySet().filter(condition).query.build_query())


def test_optional_fields_change_neither_matches_nor_scores(whoosh_engine: Path) -> None:
    ranking.build(settings.CORPORA_DIR, 40)
    backend = connections["default"].get_backend()
    backend.setup()
    rewritten = 0
    for q in _queries(80):
        text = _string(q)
        cheap, plain = backend.parser.parse(text), backend.parser._inner.parse(text)
        rewritten += "AndMaybe" in repr(cheap) and "AndMaybe" not in repr(plain)
        assert _ranked(backend, cheap) == _ranked(backend, plain), q
        assert _ranked(backend, cheap), q  # made from an indexed title: finds it
    assert rewritten >= 100


def test_phrases_match_as_with_whooshs_span_matcher(
    whoosh_engine: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = ranking.build(settings.CORPORA_DIR, 30)
    backend = connections["default"].get_backend()
    backend.setup()
    phrases = []
    for article in articles:
        found = [w.lower() for w in words(article.body)][:40]
        phrases += [found[i : i + n] for n in (2, 3) for i in (0, 7, 19) if len(found) > i + n]
        phrases.append(found[:1] + found[5:6])  # two words apart: a phrase nowhere, mostly
    queries = [
        whoosh_query.Phrase(field, [fold(w) if field == "text" else w for w in phrase])
        for phrase in phrases
        for field in ("text", "text_exact")
    ]
    ours = [_ranked(backend, q) for q in queries]
    monkeypatch.setattr(SpanNear2, "SpanNear2Matcher", _AdjacentSpans.__mro__[1])
    assert ours == [_ranked(backend, q) for q in queries]
    assert sum(bool(found) for found in ours) >= len(queries) // 2
    assert any(not found for found in ours)

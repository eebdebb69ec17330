"""Whoosh searches evaluated a block of postings at a time (search/bulk.py) answer exactly as
Whoosh's own collectors: the same page, scores, totals, facets and timeline, on real corpus
articles in an index of several segments with deleted documents."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from haystack import connections

from articles.evaluation import ranking
from articles.models import Article, Visibility
from articles.search import backend, bulk
from articles.search.params import SearchParams
from articles.search.run import run
from articles.text import fold, words

pytestmark = pytest.mark.django_db


def _answer(params: SearchParams) -> tuple[Any, ...]:
    found = run(params)
    return (
        [(hit.article.pk, hit.score, hit.story_matches) for hit in found.hits],
        found.total,
        [(facet.name, [(v.value, v.count) for v in facet.values]) for facet in found.facets],
        found.timeline,
        [concept.items for concept in found.concepts],
    )


def _both(params: SearchParams, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    monkeypatch.setattr(backend, "BULK", False)
    whoosh = _answer(params)
    monkeypatch.setattr(backend, "BULK", True)
    return whoosh, _answer(params)


def _edited_index(index_worker: Callable[[], int]) -> list[Article]:
    """Corpus articles in one bulk-built segment, then edits and a hidden article written by
    the index worker: more segments, and deleted documents in the first."""
    articles = ranking.build(settings.CORPORA_DIR, 60)
    for article in articles[::15]:
        article.title = f"{article.title} (updated)"
        article.save()
    assert index_worker() > 0
    articles[7].visibility = Visibility.HIDDEN
    articles[7].save()
    assert index_worker() > 0
    return articles


def _queries(articles: list[Article]) -> list[SearchParams]:
    made = []
    for article in articles[::4]:
        opening = " ".join(words(article.title)[:3])
        made += [SearchParams(q=opening), SearchParams(q=fold(opening))]
        body = [w for w in words(article.body) if not w.isdigit()]
        made.append(SearchParams(q=" ".join(body[:20])))
    vietnamese = next(a for a in articles if a.language == "vi")
    first = words(vietnamese.title)[0]
    made += [
        SearchParams(q="government"),
        SearchParams(q="chính phủ"),
        SearchParams(q="chinh phu"),
        SearchParams(q='"Hà Nội"'),
        SearchParams(q="ha noi"),
        SearchParams(q="bóng đá OR football"),
        SearchParams(q="market -price"),
        SearchParams(q="NOT (football OR bóng)"),
        SearchParams(q="-government"),
        SearchParams(q="title:election"),
        SearchParams(q="lang:vi chính"),
        SearchParams(q="source:BBC market"),
        SearchParams(q="gov*"),
        SearchParams(q=first, exact_accents=True),
        SearchParams(q=fold(first), exact_accents=True),
        SearchParams(q="government", sort="newest"),
        SearchParams(q="market", sort="oldest"),
        SearchParams(q="", sort="newest"),
        SearchParams(q="", sort="newest", copies=True),
        SearchParams(q="government", languages=("en",)),
        SearchParams(q="government", date_from=date(2000, 1, 1)),
        SearchParams(q="chính phủ", collapse=True),
        SearchParams(q="chính phủ", copies=True),
        SearchParams(q="government", offset=20, limit=10),
        SearchParams(q="government", literal=True),
    ]
    return made


def test_bulk_answers_as_whoosh_collectors(
    whoosh_engine: Path, index_worker: Callable[[], int], monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = _edited_index(index_worker)
    searcher = connections["default"].get_backend().index.refresh().searcher()
    try:
        segments = [sub.reader() for sub, _ in searcher.leaf_searchers()]
        assert len(segments) >= 2
        assert any(reader.has_deletions() for reader in segments)
    finally:
        searcher.close()
    answered = []
    real_page = bulk.search_page

    def counted(*args: Any, **kwargs: Any) -> Any:
        page = real_page(*args, **kwargs)
        answered.append(page)
        return page

    monkeypatch.setattr(bulk, "search_page", counted)
    listed: list[str] = []
    real_listed = bulk._listed

    def listing(matcher: Any, *args: Any) -> Any:
        listed.append(type(matcher._scorer).__name__)
        return real_listed(matcher, *args)

    monkeypatch.setattr(bulk, "_listed", listing)
    queries = _queries(articles)
    found = 0
    for params in queries:
        whoosh, ours = _both(params, monkeypatch)
        assert ours == whoosh, params
        found += ours[1] > 0
    # Every search went through bulk.search_page (nothing fell back to Whoosh's path) and
    # most found something: the comparison is not between two empty answers.
    assert len(answered) >= len(queries)
    assert found >= len(queries) * 3 // 4
    # Every document (a browse of the whole index, copies included) was listed in bulk.
    assert "NoneType" in listed


def test_phrase_positions_and_exclusions(
    whoosh_engine: Path, index_worker: Callable[[], int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Words that occur apart are not the phrase; an excluded word removes its articles."""
    articles = _edited_index(index_worker)
    whoosh, ours = _both(SearchParams(q='"chính phủ"', literal=True), monkeypatch)
    assert ours == whoosh
    ids = {pk for pk, _, _ in ours[0]}
    texts = {a.pk: fold(f"{a.title} {a.body}").lower() for a in articles}
    assert ids and all("chinh phu" in texts[pk] for pk in ids)
    apart = [pk for pk, text in texts.items() if "chinh" in text and "phu" in text]
    assert any(pk not in ids and "chinh phu" not in texts[pk] for pk in apart)
    whoosh, ours = _both(SearchParams(q="government -minister", limit=100), monkeypatch)
    assert ours == whoosh
    assert ours[0] and all("minister" not in texts[pk] for pk, _, _ in ours[0])


def test_answers_stay_exact_across_index_writes(
    whoosh_engine: Path, index_worker: Callable[[], int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Per-segment values kept between searches (lengths, columns) follow the index: after
    new documents change the average field lengths, answers still equal Whoosh's."""
    articles = _edited_index(index_worker)
    queries = [SearchParams(q="government"), SearchParams(q="chính phủ"), SearchParams(q="market")]
    before = []
    for params in queries:
        whoosh, ours = _both(params, monkeypatch)
        assert ours == whoosh
        before.append(ours)
    for article in articles[1:30:3]:
        article.body = f"{article.body} government market chính phủ"
        article.save()
    assert index_worker() > 0
    for params, earlier in zip(queries, before, strict=True):
        whoosh, ours = _both(params, monkeypatch)
        assert ours == whoosh
        assert ours[0] != earlier[0]  # the edits changed the page: the test saw the update

"""Saved searches: the search a SavedSearch keeps, what is new in it, and the marks that say
what the analyst (or a digest) has already seen."""

from __future__ import annotations

from dataclasses import replace

from django.db.models import Max, Min
from django.http import QueryDict
from django.utils import timezone
from django.utils.http import urlencode

from articles.forms import SearchForm
from articles.models import Article, IndexQueue, SavedSearch
from articles.search import Results, SearchParams, query_pairs, run

MAX_SAVED = 200  # saved searches per analyst


def params_of(saved: SavedSearch, limit: int = 20) -> SearchParams:
    """The search a saved search keeps (the search page's own validation reads it)."""
    form = SearchForm(QueryDict(saved.query))
    if not form.is_valid():
        return SearchParams(q="", limit=limit)  # saved by an older version: match nothing new
    return replace(form.params(limit), offset=0, collapse=False)


def canonical_query(params: SearchParams) -> str:
    """The query string a search is saved as (page, cursor and limit left out)."""
    return urlencode(query_pairs(params))


def new_matches(saved: SavedSearch, offset: int = 0, limit: int = 20) -> Results:
    """Matches that arrived after the analyst last looked, the newest first."""
    params = params_of(saved, limit)
    return run(
        replace(
            params,
            after_id=saved.seen_after_id,
            sort="newest",
            offset=offset,
            limit=limit,
            facets=False,
        )
    )


def arrival_mark(after: int) -> int:
    """The largest article id up to which every article is searchable.

    Ids grow with arrival; an article still waiting for the index worker holds the mark
    below it, so it counts as new once it can be found instead of never.
    """
    waiting = IndexQueue.objects.filter(article_id__gt=after).aggregate(m=Min("article_id"))["m"]
    newest = Article.objects.aggregate(m=Max("id"))["m"] or 0
    return min(newest, waiting - 1) if waiting is not None else newest


def mark_seen(saved: SavedSearch, mark: int) -> None:
    """Everything up to `mark` (arrival_mark() taken before the page was read) is seen."""
    saved.seen_after_id = max(saved.seen_after_id, mark)
    saved.seen_at = timezone.now()
    saved.save(update_fields=["seen_after_id", "seen_at"])

"""What a search asks for (SearchParams), the facet fields declared once, and its URLs.

Every list of the facets (the index's facet columns, the filters, the counts, the labels,
the URL parameters, the form) is derived from FACETS, so a new facet is one line here plus
its index field and form field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.http import urlencode
from django.utils.translation import gettext_noop

from articles.search.query import Query, parse


@dataclass(frozen=True)
class FacetField:
    name: str  # the URL parameter (?language=vi) and the facet's name in the export
    param: str  # the SearchParams attribute that holds the chosen values
    field: str  # the index field counted and filtered on
    label: str
    multi_valued: bool  # an article has several values (topics, entities)


FACETS = (
    # Labels are translated by the page (_facet.html); the export shows them as they are.
    FacetField("language", "languages", "language", gettext_noop("Language"), multi_valued=False),
    FacetField("source", "sources", "source_id", gettext_noop("Source"), multi_valued=False),
    FacetField("topic", "topics", "topics", gettext_noop("Topic"), multi_valued=True),
    FacetField("entity", "entities", "entities", gettext_noop("Entity"), multi_valued=True),
)
BY_NAME = {facet.name: facet for facet in FACETS}
# Index fields that are counted but are not filters: the year facet and the timeline's days
# (YYYYMMDD, 0 when the date is unknown).
YEAR_FIELD = "year"
DAY_FIELD = "published_sort"
SORTS = ("relevance", "newest", "oldest")
# The unique tie-breaker after the score: the article id (see ArticleIndex.id_sort).
ORDER_FIELD = "id_sort"
COUNTED_FIELDS = (*(facet.field for facet in FACETS), YEAR_FIELD, DAY_FIELD)


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    languages: tuple[str, ...] = ()
    sources: tuple[int, ...] = ()
    topics: tuple[str, ...] = ()
    entities: tuple[int, ...] = ()
    literal: bool = False  # True: no expansion of entity names to the other language
    date_from: date | None = None
    date_to: date | None = None
    offset: int = 0
    limit: int = 20
    facets: bool = True
    # One item per story (its best-ranked article) instead of one per article.
    collapse: bool = False
    # Copies (republished, syndicated) are folded under their first publication unless
    # asked for, or unless sources are chosen: then each chosen source's own copy counts.
    copies: bool = False
    story: int | None = None  # only this story's articles
    # False: every syllable is a word of its own (the behaviour before units; for evaluation).
    units: bool = True
    # True: words match only with the diacritics typed ("bật" is not "bat" or "bắt").
    exact_accents: bool = False
    sort: str = "relevance"  # or "newest", "oldest"
    # False: hits carry no snippet (downloads, feeds: the text goes out whole anyway).
    snippets: bool = True
    # Only articles with a larger id (saved searches: what arrived since a mark).
    after_id: int | None = None

    @property
    def query(self) -> Query:
        return parse(self.q, units=self.units)

    @property
    def selected(self) -> dict[str, tuple[str, ...]]:
        """Chosen values per facet name, as strings (the form the index and URLs use)."""
        return {facet.name: tuple(map(str, getattr(self, facet.param))) for facet in FACETS}

    @property
    def has_filters(self) -> bool:
        return bool(any(self.selected.values()) or self.date_from or self.date_to or self.story)


def query_pairs(params: SearchParams, **changes: Any) -> list[tuple[str, str]]:
    """The URL parameters that reproduce `params`, with `changes` (name -> list) applied."""
    values: dict[str, list[str]] = {
        "q": [params.q] if params.q else [],
        **{name: list(chosen) for name, chosen in params.selected.items()},
        "literal": ["1"] if params.literal else [],
        "from": [params.date_from.isoformat()] if params.date_from else [],
        "to": [params.date_to.isoformat()] if params.date_to else [],
        "collapse": ["1"] if params.collapse else [],
        "copies": ["1"] if params.copies else [],
        "story": [str(params.story)] if params.story else [],
        "accents": ["exact"] if params.exact_accents else [],
        "sort": [params.sort] if params.sort != "relevance" else [],
    }
    values.update(changes)
    return [(key, value) for key, items in values.items() for value in items]


def toggled(params: SearchParams, name: str, value: str) -> str:
    """The query string with `value` of facet `name` added, or removed if chosen."""
    chosen = list(params.selected[name])
    chosen = [v for v in chosen if v != value] if value in chosen else [*chosen, value]
    return urlencode(query_pairs(params, **{name: chosen}))


def narrowed_to(params: SearchParams, start: date, end: date) -> str:
    """The query string limited to start..end; to no dates if that is the range already."""
    if (params.date_from, params.date_to) == (start, end):  # clicking again widens
        return urlencode(query_pairs(params, **{"from": [], "to": []}))
    return urlencode(query_pairs(params, **{"from": [start.isoformat()], "to": [end.isoformat()]}))

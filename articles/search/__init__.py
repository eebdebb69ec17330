"""Search: query parsing, one run() for page and export, facets, snippets, the haystack backend."""

from articles.search.budget import SearchTimeout, SearchUnavailable
from articles.search.facets import Bar, Facet, FacetValue, Timeline
from articles.search.params import FACETS, FacetField, SearchParams, query_pairs
from articles.search.query import Query, Term, parse
from articles.search.run import Hit, Results, articles_naming, run
from articles.search.snippets import plain, snippet

__all__ = [
    "FACETS",
    "Bar",
    "Facet",
    "FacetField",
    "FacetValue",
    "Hit",
    "Query",
    "Results",
    "SearchParams",
    "SearchTimeout",
    "SearchUnavailable",
    "Term",
    "Timeline",
    "articles_naming",
    "parse",
    "plain",
    "query_pairs",
    "run",
    "snippet",
]

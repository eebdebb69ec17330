"""Concepts across languages measured: does a query in one language find the other's articles?

On VNTC (Vietnamese) and BBC News (English) articles indexed as `ranking.build` does, with
the shipped glossary loaded: the articles that express a concept are those whose text names
one of its terms (Glossary.concepts_in). For each concept with articles in both languages,
its usual term in one language is searched (as typed, with expansion; and literally, the
baseline) and the share of the other language's articles found is reported, both ways.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from articles.concepts import Glossary
from articles.models import Article
from articles.search import SearchParams, run
from articles.text import article_text

_PAGE = 200


@dataclass(frozen=True)
class ConceptScore:
    concept: str
    query: str
    language: str  # the query's language; the share is of the other language's articles
    wanted: int  # the other language's articles that express the concept
    found: float  # share of them the search returns
    literal: float  # the same without expansion (literal=1)


def expressing(articles: Iterable[Article], glossary: Glossary) -> dict[str, dict[str, set[int]]]:
    """concept id → language → ids of the articles whose text names the concept."""
    found: dict[str, dict[str, set[int]]] = {}
    for article in articles:
        text = article_text(article.title, article.body)
        for concept in glossary.concepts_in(text, article.language):
            found.setdefault(concept, {}).setdefault(article.language, set()).add(article.pk)
    return found


def evaluate(articles: list[Article], glossary: Glossary) -> list[ConceptScore]:
    scores = []
    for concept, by_language in sorted(expressing(articles, glossary).items()):
        entry = glossary.get(concept)
        if entry is None or len(by_language) < 2:
            continue
        for language, other in (("en", "vi"), ("vi", "en")):
            query = entry.terms(language)[0]
            wanted = by_language[other]
            scores.append(
                ConceptScore(
                    concept,
                    query,
                    language,
                    len(wanted),
                    len(_all_found(query, literal=False) & wanted) / len(wanted),
                    len(_all_found(query, literal=True) & wanted) / len(wanted),
                )
            )
    return scores


def _all_found(q: str, literal: bool) -> set[int]:
    ids: set[int] = set()
    offset: int | None = 0
    while offset is not None:
        params = SearchParams(q=q, literal=literal, facets=False, offset=offset, limit=_PAGE)
        results = run(params)
        ids |= {hit.article.pk for hit in results.hits}
        offset = results.next_offset
    return ids

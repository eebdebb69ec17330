"""run(params) -> Results: the one search function behind the page and the export."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from haystack.inputs import Exact
from haystack.query import SearchQuerySet

from articles.analysis import WORD, fold, nfc, stem_english
from articles.models import Article, Language
from articles.query import Query, folded_terms, parse, to_sq

SNIPPET_WORDS = 40


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    language: str = ""
    source: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    offset: int = 0
    limit: int = 20

    @property
    def query(self) -> Query:
        return parse(self.q)

    @property
    def has_filters(self) -> bool:
        return bool(self.language or self.source or self.date_from or self.date_to)


@dataclass(frozen=True)
class Hit:
    article: Article
    score: float
    snippet: SafeString  # escaped article text with <mark> around matched words

    @property
    def snippet_text(self) -> str:
        return re.sub(r"</?mark>", "", str(self.snippet)).replace("&amp;", "&").replace(
            "&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&#x27;", "'")


@dataclass(frozen=True)
class Results:
    params: SearchParams
    hits: list[Hit] = field(default_factory=list)
    total: int = 0

    @property
    def page(self) -> int:
        return self.params.offset // self.params.limit + 1

    @property
    def next_offset(self) -> int | None:
        end = self.params.offset + self.params.limit
        return end if end < self.total else None

    @property
    def previous_offset(self) -> int | None:
        if self.params.offset <= 0:
            return None
        return max(0, self.params.offset - self.params.limit)


def run(params: SearchParams) -> Results:
    """Search the index; hidden articles never come back (see ArticleIndex.read_queryset)."""
    query = params.query
    sqs = SearchQuerySet().models(Article)
    condition, exclusions = to_sq(query)
    if params.q and condition is None and not exclusions:
        return Results(params)  # punctuation or lone operators only: nothing to look for
    if condition is not None:
        sqs = sqs.filter(condition)
    for exclusion in exclusions:
        sqs = sqs.exclude(exclusion)
    if params.language:
        sqs = sqs.filter(language=Exact(params.language))
    if params.source:
        sqs = sqs.filter(source_id=params.source)
    if params.date_from:
        sqs = sqs.filter(published__gte=params.date_from)
    if params.date_to:
        sqs = sqs.filter(published__lte=params.date_to)
    if condition is None:
        sqs = sqs.order_by("-published_sort")
    total = sqs.count()
    page = list(sqs.load_all()[params.offset : params.offset + params.limit])
    terms = folded_terms(query)
    hits = [
        Hit(result.object, (result.score or 0.0) if condition else 0.0,
            snippet(result.object, terms))
        for result in page
        if result.object is not None
    ]
    return Results(params, hits, total)


def snippet(article: Article, terms: set[str], size: int = SNIPPET_WORDS) -> SafeString:
    """The passage of `size` words with most matched terms, escaped, matches in <mark>."""
    text = nfc(article.body)
    tokens = list(WORD.finditer(text))
    if not tokens:
        return mark_safe("")
    english = article.language == Language.ENGLISH
    wanted = {stem_english(t) for t in terms} if english else terms
    matched = [
        (stem_english(fold(m.group())) if english else fold(m.group())) in wanted for m in tokens
    ]
    start = _best_window(matched, size)
    window = tokens[start : start + size]
    pieces: list[str] = ["… " if start > 0 else ""]
    cursor = window[0].start()
    for offset, token in enumerate(window, start):
        pieces.append(escape(text[cursor : token.start()]))
        word = escape(token.group())
        pieces.append(f"<mark>{word}</mark>" if matched[offset] else word)
        cursor = token.end()
    if start + size < len(tokens):
        pieces.append(" …")
    return mark_safe(re.sub(r"\s+", " ", "".join(pieces)).strip())


def _best_window(matched: list[bool], size: int) -> int:
    best, best_count, count = 0, -1, 0
    for i, hit in enumerate(matched):
        count += hit
        if i >= size:
            count -= matched[i - size]
        start = max(0, i - size + 1)
        if count > best_count:
            best, best_count = start, count
    # Start a little before the first match so it reads as a sentence.
    first = next((i for i in range(best, min(len(matched), best + size)) if matched[i]), best)
    return max(best, first - 5)


def as_query_dict(params: SearchParams, **changes: Any) -> dict[str, str]:
    """The URL parameters that reproduce `params` (with `changes` applied)."""
    values = {
        "q": params.q,
        "language": params.language,
        "source": params.source or "",
        "from": params.date_from.isoformat() if params.date_from else "",
        "to": params.date_to.isoformat() if params.date_to else "",
    }
    values.update(changes)
    return {key: str(value) for key, value in values.items() if value not in ("", None)}

"""Complete downloads of a search: every match as CSV or NDJSON, streamed page by page.

The rows come from the search layer (`run()`), a page at a time in the search's own order
(the export's paging), so memory stays flat however many articles match: a page of
articles is loaded, written out and dropped before the next one is asked for.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime

from articles.export import article_to_dict
from articles.models import Article
from articles.search import SearchParams, run
from articles.text import fold

# Articles per search page while walking a download: each page is a search of its own, and
# on Whoosh a deep page costs about as much as collecting every match, so pages are large;
# 1,000 loaded articles are a few MB.
PAGE = 1_000
# A page of a download may take longer than a search page's budget: the client is
# receiving rows meanwhile, and stopping mid-file would leave it truncated.
PAGE_BUDGET = 300.0
FORMATS = {"csv": "text/csv; charset=utf-8", "ndjson": "application/x-ndjson; charset=utf-8"}
CSV_COLUMNS = (
    "id",
    "published",
    "published_precision",
    "language",
    "source",
    "source_domain",
    "title",
    "url",
    "story_id",
    "copy_of",
    "entities",
    "text",
)
BOM = "\ufeff"  # spreadsheet programs read the file as UTF-8 only with it


def walk(params: SearchParams, page: int = PAGE) -> Iterator[Article]:
    """Every article the search matches, once each, in the search's order."""
    params = replace(params, limit=page, facets=False, collapse=False, snippets=False)
    seen: set[int] = set()  # an article re-indexed while we walk may move up a page
    offset: int | None = 0
    while offset is not None:
        results = run(replace(params, offset=offset), budget=PAGE_BUDGET)
        for hit in results.hits:
            if hit.article.pk not in seen:
                seen.add(hit.article.pk)
                yield hit.article
        offset = results.next_offset


def csv_row(article: Article) -> list[str]:
    source = article.source
    original = article.visible_original
    names = sorted(article.mentions.all(), key=lambda m: -m.count)
    return [
        str(article.pk),
        article.published.isoformat() if article.published else "",
        article.published_precision,
        article.language,
        source.name if source else "",
        (source.domain or "") if source else "",
        article.title,
        article.url or "",
        str(article.story_id or ""),
        str(original.pk) if original else "",
        "; ".join(m.entity.name_en or m.entity.name_vi for m in names),
        article.body,
    ]


class _Line:
    """A file-like object whose write() returns what it was given (csv.writer's target)."""

    def write(self, text: str) -> str:
        return text


def csv_lines(articles: Iterable[Article]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield BOM + writer.writerow(CSV_COLUMNS)
    for article in articles:
        yield writer.writerow(csv_row(article))


def ndjson_lines(articles: Iterable[Article]) -> Iterator[str]:
    """One JSON object per line, the export's article shape (snippet empty, score 0)."""
    for article in articles:
        yield json.dumps(article_to_dict(article), ensure_ascii=False) + "\n"


def encoded(lines: Iterable[str], size: int = 64 * 1024) -> Iterator[bytes]:
    """UTF-8 in chunks of about `size` bytes (one write per row would be slow to send)."""
    buffer: list[str] = []
    length = 0
    for line in lines:
        buffer.append(line)
        length += len(line)
        if length >= size:
            yield "".join(buffer).encode()
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer).encode()


def file_name(params: SearchParams, at: datetime, extension: str) -> str:
    """The query, filters and time of a download, as a portable file name.

    >>> from datetime import date, datetime, timezone
    >>> p = SearchParams(q='"Hà Nội" -Đà', languages=("vi",), date_from=date(2016, 1, 1))
    >>> file_name(p, datetime(2026, 11, 30, 17, 5, tzinfo=timezone.utc), "csv")
    'newsarchive_ha-noi-da_language-vi_from-2016-01-01_20261130T170500Z.csv'
    """
    parts = ["newsarchive"]
    words = "-".join(re.findall(r"[a-z0-9]+", fold(params.q)))[:60].strip("-")
    if words:
        parts.append(words)
    for name, chosen in params.selected.items():
        parts += [f"{name}-{value}" for value in chosen]
    if params.date_from:
        parts.append(f"from-{params.date_from.isoformat()}")
    if params.date_to:
        parts.append(f"to-{params.date_to.isoformat()}")
    if params.story:
        parts.append(f"story-{params.story}")
    name = "_".join(parts)[:180]
    return f"{name}_{at.strftime('%Y%m%dT%H%M%SZ')}.{extension}"

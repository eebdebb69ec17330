"""prepare(item, linker) -> Prepared: all an input becomes before the database. Pure.

Extraction, what the feed or manifest knows (it wins over what the page says), and the
enrichment that needs only the text: topic scores and entity links (mentions and candidate
names). No database, no files: an import runs this in other processes (`--jobs`), and the
store (ingest/store.py) only writes what it finds.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from articles.entities import Linker, Links
from articles.ingest.extraction import Extracted, extract_html, extract_text
from articles.ingest.outlets import host_of
from articles.ingest.records import MAX_KEY_LENGTH, RawInput
from articles.ingest.stages import timed
from articles.models import Language, Precision
from articles.stories import FilingText, filing_text
from articles.text import article_text, find_publication_date, nfc, safe_url
from articles.topics import TopicScore, classify

_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?$")
_MAX_TITLE = 1000  # Article.title's column
_MAX_SOURCE_NAME = 200  # Source.name's column


class IngestError(ValueError):
    """The input decoded but holds no article we can store."""


@dataclass(frozen=True)
class Enrichment:
    """What the text alone says about an article, for one language."""

    language: str
    topics: tuple[TopicScore, ...]
    links: Links
    filing: FilingText  # what story filing reads of the text (stories/features.py)


@dataclass(frozen=True)
class Prepared:
    """One input, ready for the store."""

    item: RawInput
    values: dict[str, Any]  # Article fields, the source and its language aside
    source_name: str | None  # the outlet named by the feed or manifest, else found in the page
    explicit: bool  # the feed or manifest named the outlet: it wins over the URL's domain
    domain: str | None
    enrichment: Enrichment


def prepare(item: RawInput, linker: Linker) -> Prepared:
    """Extract the article, apply what the feed or manifest knows, classify and link it."""
    if len(item.key) > MAX_KEY_LENGTH:
        raise IngestError(f"key too long ({len(item.key)} characters > {MAX_KEY_LENGTH})")
    with timed("decoding and extraction"):
        extracted = _extract(item)
    known = item.fields
    title = _text(known.get("title")) or extracted.title
    body = extracted.body
    if not body.strip():
        raise IngestError("no article text found")
    if not title:
        raise IngestError("no title found")
    url = safe_url(known.get("url")) or safe_url(extracted.url)
    language = _language(known.get("language")) or extracted.language or ""
    published, precision = _published(known.get("published"), extracted)
    if published is None and known.get("crawled"):
        # A yearless "hôm 21/5" gets the year that makes it the latest date not after the crawl.
        crawled, _ = _published(known["crawled"], extracted)
        # The title too: a dateline the extractor took for the title ("WASHINGTON, Feb 26 -
        # The U.S. ...") is still the dateline.
        head = article_text(extracted.title, body)
        with timed("language and dates"):
            published, precision = find_publication_date(head, language or None, reference=crawled)
    named = _text(known.get("source"))
    if len(named) > _MAX_SOURCE_NAME:
        raise IngestError(f'"source" longer than {_MAX_SOURCE_NAME} characters')
    found = extracted.source_name if len(extracted.source_name or "") <= _MAX_SOURCE_NAME else None
    domain = host_of(known.get("source_domain")) or host_of(url) or host_of(extracted.source_domain)
    values: dict[str, Any] = {
        "url": url,
        "title": title[:_MAX_TITLE],
        "body": body,
        "raw": item.raw,
        "raw_format": item.format,
        "language": language,
        "published": published,
        "published_precision": precision,
        "content_hash": hashlib.sha256(f"{title}\n{body}".encode()).hexdigest(),
    }
    enrichment = enrich(values["title"], body, language, linker)
    return Prepared(item, values, named or found, bool(named), domain, enrichment)


def enrich(title: str, body: str, language: str, linker: Linker) -> Enrichment:
    """Topic scores and entity links of a text in a language."""
    with timed("topics"):
        topics = tuple(classify(title, body, language))
    with timed("entity linking"):
        links = linker.link(article_text(title, body), language)
    with timed("stories and copies"):
        filing = filing_text(title, body, language)
    return Enrichment(language, topics, links, filing)


def _extract(item: RawInput) -> Extracted:
    fields = item.fields
    url = _text(fields.get("url")) or None
    if item.format == "html":
        if fields.get("body"):
            # A fetched page whose text was already found (articles/feeds, trafilatura):
            # the noise rules and dates run on that text, the HTML stays the raw input.
            title = _text(fields.get("title"))
            return extract_text(article_text(title, _text(fields["body"])), url=url)
        return extract_html(item.raw, url=url)
    if item.format == "json":
        if fields.get("html"):
            return extract_html(nfc(str(fields["html"])), url=url)
        title, body = _text(fields.get("title")), _text(fields.get("body"))
        return extract_text(article_text(title, body), url=url)
    return extract_text(item.raw, url=url)


def _published(value: Any, extracted: Extracted) -> tuple[date | None, str]:
    text = _text(value)
    if text:
        match = _ISO_DATE.match(text)
        if match is None:
            raise IngestError(f"published {text!r} is not an ISO 8601 date (YYYY[-MM[-DD]])")
        year = int(match[1])
        month, day = (int(part) if part else None for part in match.groups()[1:])
        try:
            if day is not None:
                return date(year, month or 1, day), Precision.DAY
            if month is not None:
                return date(year, month, 1), Precision.MONTH
            return date(year, 1, 1), Precision.YEAR
        except ValueError as exc:
            raise IngestError(f"published {text!r} is not a valid date: {exc}") from exc
    return extracted.published, extracted.precision


def _language(value: Any) -> str:
    text = _text(value).lower()[:2]
    return text if text in Language.values else ""


def _text(value: Any) -> str:
    return nfc(str(value)).strip() if value not in (None, "") else ""

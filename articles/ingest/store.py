"""ingest(raw) -> (Article, status): the only module that writes articles and sources."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from django.db import transaction

from articles.entities import link_article
from articles.indexing import deferred_indexing
from articles.ingest.extraction import Extracted, extract_html, extract_text
from articles.ingest.inputs import Failure, RawInput, read_inputs
from articles.models import Article, Language, Precision, Source
from articles.stories import file_article
from articles.text import find_publication_date, nfc
from articles.topics import assign_topics

Status = Literal["created", "updated", "unchanged"]

_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?$")
_COMPARED = (
    "url",
    "title",
    "body",
    "raw",
    "raw_format",
    "language",
    "published",
    "published_precision",
    "content_hash",
    "source_id",
)


class IngestError(ValueError):
    """The input decoded but holds no article we can store."""


@dataclass
class ImportReport:
    counts: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)

    def summary(self) -> str:
        c = self.counts
        return (
            f"created {c['created']}, updated {c['updated']}, "
            f"unchanged {c['unchanged']}, failed {len(self.failures)}"
        )


def import_paths(
    paths: Sequence[Path],
    *,
    manifest: dict[str, dict[str, Any]] | None = None,
    max_bytes: int = 20 * 1024 * 1024,
) -> ImportReport:
    """Import every article under `paths`; report failures by name instead of stopping."""
    return ingest_all(read_inputs(paths, manifest=manifest, max_bytes=max_bytes))


def ingest_all(items: Iterable[RawInput | Failure]) -> ImportReport:
    report = ImportReport()
    with deferred_indexing():
        for item in items:
            if isinstance(item, Failure):
                report.failures.append(item)
                continue
            try:
                _, status = ingest(item)
            except IngestError as exc:
                report.failures.append(Failure(item.name, str(exc)))
            else:
                report.counts[status] += 1
    return report


def ingest(item: RawInput) -> tuple[Article, Status]:
    """Extract, apply what the feed or manifest knows, and upsert on the input's key."""
    extracted = _extract(item)
    known = item.fields
    title = _text(known.get("title")) or extracted.title
    body = extracted.body
    if not body.strip():
        raise IngestError("no article text found")
    if not title:
        raise IngestError("no title found")
    url = _text(known.get("url")) or extracted.url or None
    language = _language(known.get("language")) or extracted.language or ""
    published, precision = _published(known.get("published"), extracted)
    if published is None and known.get("crawled"):
        # A yearless "hôm 21/5" gets the year that makes it the latest date not after the crawl.
        crawled, _ = _published(known["crawled"], extracted)
        published, precision = find_publication_date(body, language or None, reference=crawled)
    source = _source(
        name=_text(known.get("source")) or extracted.source_name,
        domain=_domain(known.get("source_domain")) or _domain_of(url) or extracted.source_domain,
        language=language,
    )
    if not language and source is not None:
        language = source.language
    values: dict[str, Any] = {
        "url": url,
        "title": title[:1000],
        "body": body,
        "raw": item.raw,
        "raw_format": item.format,
        "language": language,
        "published": published,
        "published_precision": precision,
        "source_id": source.pk if source else None,
        "content_hash": hashlib.sha256(f"{title}\n{body}".encode()).hexdigest(),
    }
    with transaction.atomic():
        article = _existing(item.key, url)
        if article is None:
            article = Article.objects.create(key=item.key, **values)
            assign_topics(article)
            link_article(article)
            file_article(article)
            return article, "created"
        if all(getattr(article, name) == values[name] for name in _COMPARED):
            return article, "unchanged"
        for name, value in values.items():
            setattr(article, name, value)
        article.save()
        assign_topics(article)
        link_article(article)
        file_article(article)
        return article, "updated"


def _extract(item: RawInput) -> Extracted:
    fields = item.fields
    url = _text(fields.get("url")) or None
    if item.format == "html":
        return extract_html(item.raw, url=url)
    if item.format == "json":
        if fields.get("html"):
            return extract_html(nfc(str(fields["html"])), url=url)
        title, body = _text(fields.get("title")), _text(fields.get("body"))
        return extract_text(f"{title}\n\n{body}" if title else body, url=url)
    return extract_text(item.raw, url=url)


def _existing(key: str, url: str | None) -> Article | None:
    article = Article.objects.select_for_update().filter(key=key).first()
    if article is None and url:
        article = Article.objects.select_for_update().filter(url=url).first()
    return article


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


def _source(*, name: str | None, domain: str | None, language: str) -> Source | None:
    if not name and not domain:
        return None
    source = None
    if domain:
        source = Source.objects.filter(domain__iexact=domain).first()
    if source is None:
        source = Source.objects.filter(name__iexact=name or domain).first()
    if source is None:
        source = Source.objects.create(
            name=name or domain or "", domain=domain or None, language=language
        )
    elif domain and not source.domain:
        source.domain = domain
        source.save(update_fields=["domain"])
    return source


def _language(value: Any) -> str:
    text = _text(value).lower()[:2]
    return text if text in Language.values else ""


def _domain(value: Any) -> str | None:
    text = _text(value).lower().removeprefix("www.")
    return text or None


def _domain_of(url: str | None) -> str | None:
    if not url:
        return None
    return _domain(urlsplit(url).hostname or "")


def _text(value: Any) -> str:
    return nfc(str(value)).strip() if value not in (None, "") else ""

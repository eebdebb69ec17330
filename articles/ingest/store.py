"""ingest(raw) -> (Article, status): the only module that writes articles and sources."""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from django.db import DatabaseError, transaction

from articles.entities import link_article
from articles.indexing import IndexWriteFailed, deferred_indexing, pending
from articles.ingest.extraction import Extracted, extract_html, extract_text
from articles.ingest.inputs import read_inputs
from articles.ingest.outlets import host_of
from articles.ingest.records import MAX_KEY_LENGTH, Failure, RawInput
from articles.models import Article, Language, Precision, Source
from articles.stories import file_article
from articles.text import article_text, find_publication_date, nfc, safe_url
from articles.topics import assign_topics

log = logging.getLogger(__name__)

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
_MAX_TITLE = 1000  # Article.title's column
_MAX_SOURCE_NAME = 200  # Source.name's column


class IngestError(ValueError):
    """The input decoded but holds no article we can store."""


@dataclass
class ImportReport:
    counts: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    # Imported, but something in the input was left out or replaced: (name, what).
    warnings: list[Failure] = field(default_factory=list)
    # An index write failed: the imported articles stay queued in IndexQueue.
    index_failed: bool = False

    def summary(self) -> str:
        c = self.counts
        text = (
            f"created {c['created']}, updated {c['updated']}, "
            f"unchanged {c['unchanged']}, failed {len(self.failures)}"
        )
        return f"{text}, warnings {len(self.warnings)}" if self.warnings else text


def import_paths(
    paths: Sequence[Path],
    *,
    manifest: dict[str, dict[str, Any]] | None = None,
    max_bytes: int = 20 * 1024 * 1024,
) -> ImportReport:
    """Import every article under `paths`; report failures by name instead of stopping."""
    return ingest_all(read_inputs(paths, manifest=manifest, max_bytes=max_bytes))


def ingest_all(items: Iterable[RawInput | Failure]) -> ImportReport:
    """Ingest each item on its own: one bad item is reported, the others still import."""
    report = ImportReport()
    try:
        with deferred_indexing(strict=True):
            for item in items:
                _ingest_into(report, item)
    except IndexWriteFailed as exc:
        report.index_failed = True
        reason = (
            f"index write failed ({exc}); {pending()} articles stay queued for the next "
            "drain (manage.py process_index_queue)"
        )
        report.failures.append(Failure("search index", reason))
    return report


def _ingest_into(report: ImportReport, item: RawInput | Failure) -> None:
    if isinstance(item, Failure):
        report.failures.append(item)
        return
    try:
        _, status = ingest(item)
    except IngestError as exc:
        report.failures.append(Failure(item.name, str(exc)))
    except DatabaseError as exc:
        # ingest() wrote in its own transaction (a savepoint inside an outer one): only
        # this article was rolled back.
        report.failures.append(Failure(item.name, f"database error: {_first_line(exc)}"))
    except Exception as exc:  # a case nobody foresaw must not cost the rest of the batch
        log.exception("importing %s failed", item.name)
        reason = f"could not be imported ({type(exc).__name__}: {_first_line(exc)})"
        report.failures.append(Failure(item.name, reason))
    else:
        report.counts[status] += 1
        report.warnings.extend(Failure(item.name, warning) for warning in item.warnings)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().split("\n")[0][:300]


def ingest(item: RawInput) -> tuple[Article, Status]:
    """Extract, apply what the feed or manifest knows, and upsert on the input's key."""
    if len(item.key) > MAX_KEY_LENGTH:
        raise IngestError(f"key too long ({len(item.key)} characters > {MAX_KEY_LENGTH})")
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
    # One transaction (a savepoint inside an outer one) per article, source included: if the
    # database refuses anything, this article leaves no trace and the import goes on.
    with transaction.atomic():
        source = _source(
            name=named or found, explicit=bool(named), domain=domain, language=language
        )
        values["source_id"] = source.pk if source else None
        if not language and source is not None:
            values["language"] = source.language
        article = _existing(item, url)
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
        return extract_text(article_text(title, body), url=url)
    return extract_text(item.raw, url=url)


def _existing(item: RawInput, url: str | None) -> Article | None:
    articles = Article.objects.select_for_update()
    article = articles.filter(key=item.key).first()
    if article is None and item.legacy_key:
        # Stored under its base name before #16. Another folder's file of the same name may
        # be the one stored there, so it is this article only if the input is identical.
        old = articles.filter(key=item.legacy_key).first()
        if old is not None and old.raw == item.raw:
            Article.objects.filter(pk=old.pk).update(key=item.key)
            old.key = item.key
            article = old
    if article is None and url:
        article = articles.filter(url=url).first()
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


def _source(
    *, name: str | None, explicit: bool, domain: str | None, language: str
) -> Source | None:
    """The outlet: the one a feed or manifest names (`explicit`), else the domain's owner."""
    if not name and not domain:
        return None
    by_name = Source.objects.filter(name__iexact=name or domain).first()
    by_domain = Source.objects.filter(domain__iexact=domain).first() if domain else None
    # A named outlet wins over whoever owns the URL's domain (#16: agency copies on a
    # publisher's site were filed under the publisher).
    source = by_name if explicit else by_domain or by_name
    if source is None:
        # Source.domain is unique: a domain owned by another outlet stays with it.
        return Source.objects.create(
            name=name or domain or "",
            domain=domain if by_domain is None else None,
            language=language,
        )
    if domain and not source.domain and by_domain is None:
        source.domain = domain
        source.save(update_fields=["domain"])
    return source


def _language(value: Any) -> str:
    text = _text(value).lower()[:2]
    return text if text in Language.values else ""


def _text(value: Any) -> str:
    return nfc(str(value)).strip() if value not in (None, "") else ""

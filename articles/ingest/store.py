"""ingest(raw) -> (Article, status): the only module that writes articles and sources.

`save(prepared)` writes what ingest/prepare.py made of one input, in one transaction: the
article (upserted on its key or URL, written only if something changed), its source, topics,
entity mentions and candidate names, its story and copies, and its index queue row, so a
crash leaves each article either wholly saved and queued or absent. ingest/pipeline.py runs
whole imports through it.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from django.db import connection, transaction
from django.db.models import Q

from articles.entities import Linker, current_linker, known_names, link_article
from articles.indexing import queued_together
from articles.ingest.prepare import Prepared, enrich, prepare
from articles.ingest.priority import give_way
from articles.ingest.records import Failure, RawInput
from articles.ingest.stages import timed
from articles.models import Article, Source, placeholders, select_rows
from articles.stories import file_article
from articles.topics import assign_topics, topic_ids

log = logging.getLogger(__name__)

Status = Literal["created", "updated", "unchanged"]


@dataclass
class Memo:
    """What an import looks up once and keeps for all its articles."""

    # The outlets found: (name, named by the feed, domain) -> Source.
    sources: dict[tuple[str | None, bool, str | None], Source] = field(default_factory=dict)
    names: dict[str, int | None] | None = None  # known_names(), once a text proposes a candidate
    topics: dict[str, int] | None = None  # topic_ids()

    def forget(self) -> None:
        """After a failed save: what it created was rolled back with it."""
        self.sources.clear()
        self.names = None
        self.topics = None


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


@dataclass
class ImportReport:
    counts: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    # Imported, but something in the input was left out or replaced: (name, what).
    warnings: list[Failure] = field(default_factory=list)
    # An index write failed: the imported articles stay queued in IndexQueue.
    index_failed: bool = False
    # Set when the import starts indexing: how many articles are queued then.
    indexing: int | None = None

    def summary(self) -> str:
        c = self.counts
        text = (
            f"created {c['created']}, updated {c['updated']}, "
            f"unchanged {c['unchanged']}, failed {len(self.failures)}"
        )
        return f"{text}, warnings {len(self.warnings)}" if self.warnings else text


def ingest(item: RawInput) -> tuple[Article, Status]:
    """Extract, apply what the feed or manifest knows, and upsert on the input's key."""
    return save(prepare(item, current_linker()))


def save(
    prepared: Prepared, linker: Linker | None = None, memo: Memo | None = None
) -> tuple[Article, Status]:
    """Write one prepared input and everything that follows from it, in one transaction (a
    savepoint inside an outer one): if the database refuses anything, this article leaves
    no trace and the import goes on.

    linker: for an article whose language only its source tells (its text is then linked
    again in that language). memo: what this import has looked up so far; the caller
    forgets it when a save fails (what the failed transaction created is gone).
    """
    item, values = prepared.item, dict(prepared.values)
    enrichment = prepared.enrichment
    give_way()
    with timed("database writes"), transaction.atomic(), queued_together():
        source = _source(
            name=prepared.source_name,
            explicit=prepared.explicit,
            domain=prepared.domain,
            language=values["language"],
            known=memo.sources if memo else None,
        )
        values["source_id"] = source.pk if source else None
        if not values["language"] and source is not None:
            values["language"] = source.language
        if values["language"] != enrichment.language:
            enrichment = enrich(
                values["title"], values["body"], values["language"], linker or current_linker()
            )
        article = _existing(item, values["url"])
        if article is None:
            article = Article.objects.create(key=item.key, **values)
            status: Status = "created"
        elif all(getattr(article, name) == values[name] for name in _COMPARED):
            return article, "unchanged"
        else:
            for name, value in values.items():
                setattr(article, name, value)
            article.save()
            status = "updated"
        created = status == "created"
        if memo is not None and memo.topics is None:
            memo.topics = topic_ids()
        assign_topics(article, enrichment.topics, new=created, known=memo.topics if memo else None)
        if memo is not None and memo.names is None and enrichment.links[1]:
            memo.names = known_names()
        mentions = link_article(
            article, found=enrichment.links, new=created, known=memo.names if memo else None
        )
        with timed("stories and copies"):
            file_article(article, enrichment.filing, new=created, mentions=mentions)
        return article, status


def _existing(item: RawInput, url: str | None) -> Article | None:
    keys = [item.key, *([item.legacy_key] if item.legacy_key else [])]
    if not _stored(keys, url):
        return None  # most imported articles are new: a plain statement says so (#10)
    condition = Q(key__in=keys) | Q(url=url) if url else Q(key__in=keys)
    # One statement for the three ways an input can already be stored.
    found = list(Article.objects.select_for_update().filter(condition))
    article = next((a for a in found if a.key == item.key), None)
    old = next((a for a in found if a.key == item.legacy_key), None)
    # Stored under its base name before #16. Another folder's file of the same name may be
    # the one stored there, so it is this article only if the input is identical.
    if article is None and old is not None and old.raw == item.raw:
        Article.objects.filter(pk=old.pk).update(key=item.key)
        old.key = item.key
        article = old
    if article is None and url:
        article = next((a for a in found if a.url == url), None)
    return article


def _stored(keys: list[str], url: str | None) -> bool:
    """Whether an article is stored under one of these keys or this URL."""
    key = connection.ops.quote_name("key")
    sql = f"SELECT 1 FROM {Article._meta.db_table} WHERE {key} IN ({placeholders(len(keys))})"
    if url:
        sql += " OR url = %s"
    return bool(select_rows(sql + " LIMIT 1", [*keys, *([url] if url else [])]))


def _source(
    *,
    name: str | None,
    explicit: bool,
    domain: str | None,
    language: str,
    known: dict[tuple[str | None, bool, str | None], Source] | None,
) -> Source | None:
    """The outlet: the one a feed or manifest names (`explicit`), else the domain's owner.

    known: the outlets found so far by this import (a feed names the same one on every line).
    """
    if not name and not domain:
        return None
    key = (name, explicit, domain)
    if known is not None and key in known:
        return known[key]
    by_name = Source.objects.filter(name__iexact=name or domain).first()
    by_domain = Source.objects.filter(domain__iexact=domain).first() if domain else None
    # A named outlet wins over whoever owns the URL's domain (#16: agency copies on a
    # publisher's site were filed under the publisher).
    source = by_name if explicit else by_domain or by_name
    if source is None:
        # Source.domain is unique: a domain owned by another outlet stays with it.
        source = Source.objects.create(
            name=name or domain or "",
            domain=domain if by_domain is None else None,
            language=language,
        )
    elif domain and not source.domain and by_domain is None:
        source.domain = domain
        source.save(update_fields=["domain"])
    if known is not None:
        known[key] = source
    return source

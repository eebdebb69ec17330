"""verify(): the whole index against the database, and the repair (manage.py verify_index).

Every document is compared with what the database says it should be now (the stored fields
with the prepared document: missing, extra, stale and duplicated documents); repairing queues
each difference, so the drain rewrites or deletes those documents. Articles still queued are
the worker's, not differences.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from haystack import connections
from haystack.exceptions import SkipDocument

from articles.indexing.queue import enqueue
from articles.models import Article, IndexQueue


@dataclass
class Differences:
    """Where the index and the database disagree (verify)."""

    documents: int = 0  # documents in the index
    articles: int = 0  # visible articles in the database
    missing: list[int] = field(default_factory=list)  # visible, no document
    extra: list[int] = field(default_factory=list)  # a document, but hidden or deleted
    stale: list[int] = field(default_factory=list)  # a document that differs from the article
    duplicated: list[int] = field(default_factory=list)  # more than one document
    queued: int = 0  # changes waiting for the worker: not counted as differences

    @property
    def ids(self) -> list[int]:
        return sorted({*self.missing, *self.extra, *self.stale, *self.duplicated})

    def summary(self) -> str:
        return (
            f"{self.documents} documents, {self.articles} visible articles: "
            f"missing {len(self.missing)}, extra {len(self.extra)}, stale {len(self.stale)}, "
            f"duplicated {len(self.duplicated)}; queued {self.queued}"
        )


def verify(*, repair: bool = False, chunk: int = 1000) -> Differences:
    """Compare every document with what the database says it should be; with repair, queue
    each difference (the drain then rewrites or deletes those documents).

    Articles still queued are the worker's, not differences. Reads the whole index once
    and the articles `chunk` at a time, so memory grows with the number of ids only.
    """
    unified = connections["default"].get_unified_index()
    index = unified.get_index(Article)
    backend = connections["default"].get_backend()
    found = Differences()
    queued = set(IndexQueue.objects.values_list("article_id", flat=True))
    found.queued = len(queued)
    indexed: dict[int, str] = {}
    for article_id, stored in _stored_signatures(backend):
        found.documents += 1
        if article_id in indexed:
            found.duplicated.append(article_id)
        indexed[article_id] = stored
    last = 0
    while page := list(index.index_queryset().filter(pk__gt=last).order_by("pk")[:chunk]):
        last = page[-1].pk
        for article in page:
            found.articles += 1
            signature = indexed.pop(article.pk, None)
            if signature is None:
                found.missing.append(article.pk)
            elif signature != signature_of(_prepared(index, backend, article)):
                found.stale.append(article.pk)
    found.extra = sorted(indexed)
    for name in ("missing", "extra", "stale", "duplicated"):
        setattr(found, name, sorted(set(getattr(found, name)) - queued))
    if repair and found.ids:
        with transaction.atomic():
            enqueue(found.ids)
    return found


def _stored_signatures(backend: Any) -> Iterator[tuple[int, str]]:
    # An engine that keeps no stored fields (PostgreSQL) keeps each document's signature.
    signatures = getattr(backend, "stored_signatures", None)
    if signatures is not None:
        yield from signatures()
        return
    documents = getattr(backend, "stored_documents", None)
    if documents is None:
        raise NotImplementedError(f"{type(backend).__name__} cannot list its documents")
    for identifier, stored in documents():
        model, _, pk = identifier.rpartition(".")
        if model == "articles.article":
            yield int(pk), signature_of(stored)


def _prepared(index: Any, backend: Any, article: Article) -> dict[str, Any]:
    try:
        doc = index.full_prepare(article)
    except SkipDocument:
        return {}
    doc.pop("boost", None)
    convert = getattr(backend, "_from_python", None)
    return {key: convert(value) for key, value in doc.items()} if convert else doc


def signature_of(document: dict[str, Any]) -> str:
    """A digest of a prepared (or stored) document: equal when the documents are."""
    # Stored values come back as written (datetime, int, "a,b"); None fields are not stored.
    parts = sorted(
        (key, value.isoformat() if hasattr(value, "isoformat") else str(value))
        for key, value in document.items()
        if value is not None and value != ""
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()

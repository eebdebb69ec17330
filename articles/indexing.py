"""Keeps the search index in step with the database, safely across processes.

A save or delete records the article in IndexQueue inside the same transaction; after
commit, `drain()` brings every queued article's search document up to date with what the
database holds *now*. Draining runs under one lock for the whole deployment (a PostgreSQL
advisory lock, or a file lock next to the SQLite database), so two workers can never
write an older version over a newer one, and a queue row is only deleted if nobody
queued the article again meanwhile (its token is unchanged). A drain that cannot get the
lock leaves its rows queued; the lock holder keeps draining until the queue is empty.
"""

from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from haystack import connections
from haystack.signals import BaseSignalProcessor

from articles.models import Article, IndexQueue

log = logging.getLogger(__name__)

BATCH = 200
_ADVISORY_KEY = 0x6E657773  # "news"
_deferred: ContextVar[bool] = ContextVar("deferred_indexing", default=False)


class QueuedSignalProcessor(BaseSignalProcessor):
    """haystack signal processor: queue the change, drain after commit."""

    def setup(self) -> None:
        post_save.connect(self._changed, sender=Article)
        post_delete.connect(self._changed, sender=Article)

    def teardown(self) -> None:
        post_save.disconnect(self._changed, sender=Article)
        post_delete.disconnect(self._changed, sender=Article)

    def _changed(self, sender: type[Article], instance: Article, **kwargs: Any) -> None:
        enqueue([instance.pk])


def enqueue(article_ids: list[int]) -> None:
    """Queue articles, and the copies folded under them, for indexing; drain after commit.

    A copy's document depends on its original: hiding the original unfolds the copy.
    """
    copies = Article.objects.filter(copy_of__in=article_ids).values_list("pk", flat=True)
    for article_id in sorted({*article_ids, *copies}):
        IndexQueue.objects.update_or_create(
            article_id=article_id, defaults={"token": IndexQueue._meta.get_field("token").default()}
        )
    if not _deferred.get():
        transaction.on_commit(drain)


class IndexWriteFailed(Exception):
    """An index write failed (disk full, ...); the articles stay queued for the next drain."""


@contextmanager
def deferred_indexing(*, strict: bool = False) -> Iterator[None]:
    """Queue every change made inside the block and index them in batches at its end.

    strict: raise IndexWriteFailed when that indexing fails (see drain).
    """
    reset = _deferred.set(True)
    try:
        yield
    except Exception:
        drain()  # what was saved before the error is searchable without a drain by hand
        raise
    finally:
        _deferred.reset(reset)
    drain(strict=strict)


def drain(timeout: float | None = None, *, strict: bool = False) -> int:
    """Index everything queued; return how many articles were written.

    A failed write is logged and leaves its articles queued; with strict it also raises
    IndexWriteFailed, so that a caller such as an import can report it and exit non-zero.
    """
    wait = settings.HAYSTACK_CONNECTIONS["default"].get("WRITE_LOCK_TIMEOUT", 60)
    done = 0
    try:
        with _drain_lock(wait if timeout is None else timeout):
            while batch := list(IndexQueue.objects.order_by("queued_at", "id")[:BATCH]):
                _index_batch(batch)
                done += len(batch)
    except TimeoutError:
        log.warning("search index busy: %d queued articles left for the lock holder", pending())
    except Exception as exc:
        # The rows stay queued: the next drain (any process) retries them.
        log.exception("search indexing failed; changes stay queued")
        if strict:
            raise IndexWriteFailed(f"{type(exc).__name__}: {exc}") from exc
    return done


def pending() -> int:
    return IndexQueue.objects.count()


def stale_hidden() -> list[int]:
    """Articles hidden or deleted whose index document may still be there (still queued).

    Searches exclude them, so hiding is instant in counts and facets too, even while an
    index write is failing.
    """
    visible = Article.objects.visible().values("pk")
    return list(
        IndexQueue.objects.exclude(article_id__in=visible).values_list("article_id", flat=True)
    )


def missing_fields() -> set[str]:
    """Fields of ArticleIndex that the Whoosh index on disk lacks (written by an older
    version of the code); empty for other engines or when there is no index yet."""
    conf = settings.HAYSTACK_CONNECTIONS["default"]
    if "whoosh" not in conf["ENGINE"].lower():
        return set()
    from whoosh import index as whoosh_index

    if not whoosh_index.exists_in(conf["PATH"]):
        return set()
    stored = set(whoosh_index.open_dir(conf["PATH"]).schema.names())
    return set(connections["default"].get_unified_index().get_index(Article).fields) - stored


def requeue_all() -> int:
    """Empty the index and queue every article: the next drain writes them all afresh."""
    connections["default"].get_backend().clear()
    ids = list(Article.objects.values_list("pk", flat=True))
    with transaction.atomic():
        for start in range(0, len(ids), 1000):
            IndexQueue.objects.bulk_create(
                [IndexQueue(article_id=pk) for pk in ids[start : start + 1000]],
                ignore_conflicts=True,
            )
    return len(ids)


def _index_batch(batch: list[IndexQueue]) -> None:
    unified = connections["default"].get_unified_index()
    index = unified.get_index(Article)
    backend = connections["default"].get_backend()
    ids = [row.article_id for row in batch]
    current = list(index.index_queryset().filter(pk__in=ids))
    if current:
        backend.update(index, current)
    for gone in set(ids) - {article.pk for article in current}:
        backend.remove(f"articles.article.{gone}")
    for row in batch:
        IndexQueue.objects.filter(pk=row.pk, token=row.token).delete()


@contextmanager
def _drain_lock(timeout: float) -> Iterator[None]:
    if connection.vendor == "postgresql":
        with _advisory_lock(timeout):
            yield
        return
    path = Path(settings.VAR_DIR) / "index-queue.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        _retry(lambda: _try_flock(handle), timeout)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _advisory_lock(timeout: float) -> Iterator[None]:
    with connection.cursor() as cursor:

        def attempt() -> bool:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_ADVISORY_KEY])
            return bool(cursor.fetchone()[0])

        _retry(attempt, timeout)
        try:
            yield
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_ADVISORY_KEY])


def _try_flock(handle: Any) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _retry(attempt: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not attempt():
        if time.monotonic() >= deadline:
            raise TimeoutError("index lock busy")
        time.sleep(0.05)

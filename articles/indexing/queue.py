"""The index queue: enqueue in the change's transaction, drain in batches under one lock.

A save or delete records the article in IndexQueue inside the same transaction (`enqueue`);
a web request does nothing more. The index worker (articles/worker.py) calls `drain()`,
which brings the queued articles' documents up to date with what the database holds *now*:
a batch of queue rows, one writer, one commit, then the rows are deleted unless somebody
queued the article again meanwhile (its token changed). Commands (imports, re-linking) drain
at their end themselves: a command is not a request.

Draining runs under one lock for the whole deployment (a PostgreSQL advisory lock, or a file
lock next to the SQLite database), so two drainers never write an older version over a newer
one. A drain that cannot get the lock leaves its rows to the holder, which keeps draining
until the queue is empty. A process killed at any moment leaves its rows queued (they go only
after the commit), and the next drain writes those documents again, replacing them by id.
"""

from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from haystack import connections
from haystack.signals import BaseSignalProcessor

from articles.models import Article, IndexQueue

log = logging.getLogger(__name__)

# Queue rows per writer and commit. A commit costs a segment write and a merge check,
# whatever its size: small enough that an edit shows within seconds while an import
# keeps the queue full, big enough that a long queue is written near a lone writer's speed.
BATCH = 500
_ADVISORY_KEY = 0x6E657773  # "news"
_WRITE_ROWS = 500  # rows per INSERT: well under SQLite's bound-parameter limit
_collecting: ContextVar[set[int] | None] = ContextVar("index_queue_buffer", default=None)


class QueuedSignalProcessor(BaseSignalProcessor):
    """haystack signal processor: a saved or deleted article is queued, nothing more."""

    def setup(self) -> None:
        post_save.connect(self._changed, sender=Article)
        post_delete.connect(self._changed, sender=Article)

    def teardown(self) -> None:
        post_save.disconnect(self._changed, sender=Article)
        post_delete.disconnect(self._changed, sender=Article)

    def _changed(self, sender: type[Article], instance: Article, **kwargs: Any) -> None:
        enqueue([instance.pk])


def enqueue(article_ids: Iterable[int]) -> None:
    """Queue articles, and the copies folded under them, for the index worker.

    Call it inside the transaction that changes them: the queue row commits with the change.
    A copy's document depends on its original: hiding the original unfolds the copy.
    """
    ids = {int(pk) for pk in article_ids if pk is not None}
    buffer = _collecting.get()
    if buffer is not None:
        buffer |= ids
    elif ids:
        _write_queue(ids)


@contextmanager
def queued_together() -> Iterator[None]:
    """Collect the block's enqueue() calls and write them as one statement at its end.

    Put it directly inside the transaction.atomic() block of the change, so that the rows
    still commit with it. Inside another such block, a block that ends without an error
    hands its articles to the outer one: an import writes the queue rows of a whole batch
    of articles (each saved in its own savepoint) in one statement.
    """
    outer = _collecting.get()
    buffer: set[int] = set()
    reset = _collecting.set(buffer)
    try:
        yield
    finally:
        _collecting.reset(reset)
    if outer is not None:
        outer |= buffer
    elif buffer:
        _write_queue(buffer)


def _write_queue(ids: set[int]) -> None:
    ordered = sorted(ids)
    for start in range(0, len(ordered), _WRITE_ROWS):
        part = ordered[start : start + _WRITE_ROWS]
        copies = Article.objects.filter(copy_of__in=part).values_list("pk", flat=True)
        # A new token on conflict: a drain that read the old row leaves this one queued.
        # Sorted ids, so two writers never lock the same rows in opposite orders.
        IndexQueue.objects.bulk_create(
            [IndexQueue(article_id=pk) for pk in sorted({*part, *copies})],
            update_conflicts=True,
            unique_fields=["article_id"],
            update_fields=["token", "queued_at"],
        )


class IndexWriteFailed(Exception):
    """An index write failed (disk full, ...); the articles stay queued for the next drain."""


@contextmanager
def deferred_indexing(*, strict: bool = False) -> Iterator[None]:
    """For commands: run the block, then index what it queued (in batches) at its end.

    strict: raise IndexWriteFailed when that indexing fails (see drain).
    """
    try:
        yield
    except Exception:
        drain()  # what was saved before the error is searchable without a drain by hand
        raise
    drain(strict=strict)


def drain(
    timeout: float | None = None,
    *,
    strict: bool = False,
    batch: int = BATCH,
    limit: int | None = None,
) -> int:
    """Index what is queued, `batch` rows per writer and commit; return the rows written.

    limit: stop after about this many rows (the worker's turn, so other jobs get theirs).
    A failed write is logged and leaves its articles queued; with strict it also raises
    IndexWriteFailed, so that a caller such as an import can report it and exit non-zero.
    """
    wait = settings.HAYSTACK_CONNECTIONS["default"].get("WRITE_LOCK_TIMEOUT", 60)
    done = 0
    try:
        with _drain_lock(wait if timeout is None else timeout):
            while limit is None or done < limit:
                rows = list(IndexQueue.objects.order_by("queued_at", "id")[:batch])
                if not rows:
                    break
                write_documents([row.article_id for row in rows])
                _forget(rows)
                done += len(rows)
    except TimeoutError:
        log.info("search index busy: %d queued articles left for the lock holder", pending())
    except Exception as exc:
        # The rows stay queued: the next drain (any process) retries them.
        log.exception("search indexing failed; changes stay queued")
        if strict:
            raise IndexWriteFailed(f"{type(exc).__name__}: {exc}") from exc
    return done


def write_documents(article_ids: list[int]) -> None:
    """Bring these articles' documents in line with the database: one writer, one commit.

    Only the drain lock's holder may call it (drain, requeue_all).
    """
    unified = connections["default"].get_unified_index()
    index = unified.get_index(Article)
    backend = connections["default"].get_backend()
    current = list(index.index_queryset().filter(pk__in=article_ids))
    gone = sorted(set(article_ids) - {article.pk for article in current})
    removed = [f"articles.article.{pk}" for pk in gone]
    apply = getattr(backend, "apply", None)
    if apply is not None:
        apply(index, current, removed)
        return
    # An engine without apply(): haystack's portable calls.
    if current:
        backend.update(index, current)
    for identifier in removed:
        backend.remove(identifier)


def _forget(rows: list[IndexQueue]) -> None:
    # Same token: nobody queued the article again while its document was being written.
    # Tokens are random per row version, so matching both sets matches exactly these rows.
    with transaction.atomic():
        IndexQueue.objects.filter(
            pk__in=[row.pk for row in rows], token__in=[row.token for row in rows]
        ).delete()


def pending() -> int:
    return IndexQueue.objects.count()


@dataclass(frozen=True)
class QueueStatus:
    """What the admin shows about the index queue."""

    length: int
    oldest: datetime | None  # when the longest-waiting change was queued

    @property
    def age(self) -> timedelta:
        return timezone.now() - self.oldest if self.oldest else timedelta(0)


def queue_status() -> QueueStatus:
    found = IndexQueue.objects.aggregate(oldest=Min("queued_at"))
    return QueueStatus(pending(), found["oldest"])


def stale_hidden() -> list[int]:
    """Articles hidden or deleted whose index document may still be there (still queued).

    Searches exclude them, so hiding is instant in counts and facets too, even while an
    index write is failing or the worker is down.
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
    # A session lock: a killed holder's connection closes and PostgreSQL releases it.
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

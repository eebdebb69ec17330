"""Curators first: on SQLite an import gives way to the web requests that change things.

SQLite has one write lock for the whole database. A request that wants it while an import
commits article after article polls for it (SQLite's busy handler: after a quarter of a
second, every 100 ms) and keeps missing the short gaps between the import's transactions: a
curator's save then waits seconds. So each changing request (POST and the like, see
articles.middleware) holds a shared lock on a file next to the database while it runs, and the
import takes that lock exclusively for a moment before each article: it waits while any such
request is in flight, and the request gets the database at once. Searches (GETs) are not
held up, and on PostgreSQL, which locks rows and queues waiters fairly, nothing is done.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from django.conf import settings
from django.db import connection

# Longer than a curator's request takes: past it the import goes on anyway, so two imports
# started from requests (each waiting for the other's request to end) never deadlock.
PATIENCE = 3.0
_in_request: ContextVar[bool] = ContextVar("changing_request", default=False)


@contextmanager
def changing_request() -> Iterator[None]:
    """Around a request that may write: imports wait until it is done (SQLite only)."""
    if connection.vendor != "sqlite":
        yield
        return
    with open(_path(), "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        reset = _in_request.set(True)
        try:
            yield
        finally:
            _in_request.reset(reset)
            fcntl.flock(handle, fcntl.LOCK_UN)


def give_way() -> None:
    """Before an import writes an article: wait while a changing request runs (SQLite only).

    Inside a transaction it does nothing: the import holds the write lock already, so the
    request it would wait for is waiting for the import (ingest/pipeline.py gives way before
    each batch's transaction instead).
    """
    if connection.vendor != "sqlite" or _in_request.get() or connection.in_atomic_block:
        return
    deadline = time.monotonic() + PATIENCE
    with open(_path(), "a+") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return
                time.sleep(0.005)
            else:
                fcntl.flock(handle, fcntl.LOCK_UN)
                return


def _path() -> Path:
    path = Path(settings.VAR_DIR) / "curators-first.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path

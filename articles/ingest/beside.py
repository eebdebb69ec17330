"""indexing_beside(): an import's index writer on the second core, while the import saves.

An import that saves articles and then indexes them all at its end keeps one core idle for
the whole indexing (issue #10: a third of an import's time). With `--jobs` the machine has
cores to spare, so a forked process drains the index queue while the import goes on: one
writer and one commit per BATCH rows, and only once BATCH rows are queued, since a small
commit costs nearly what a big one does; once the import has saved everything, it writes
what is left in the import's big batches (and the import drains whatever it could not).
It is the index worker's drain (articles/indexing/queue.py): the same lock, the same queue
rows removed only after their commit, so a kill at any moment loses nothing, and an article
saved again after its document was written is queued again and written again.

The child uses a database connection of its own: the inherited one stays open but unused
(closing it would end the parent's session on PostgreSQL), and the child leaves by os._exit
as every multiprocessing child does, so nothing it inherited is cleaned up behind the
parent's back.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from typing import Any

from django.db import connection, connections

from articles.indexing import BATCH, drain, pending
from articles.ingest import stages
from articles.ingest.stages import timed

log = logging.getLogger(__name__)

POLL = 0.25  # seconds between looks at the queue's length
# Kept, never closed or collected, in the child: see the module's docstring.
_inherited: list[Any] = []


@contextmanager
def indexing_beside(enabled: bool = True, batch: int = BATCH, rest: int = BATCH) -> Iterator[None]:
    """Drain full batches of the index queue in another process while the block runs, and
    what is left when it ends, `rest` rows per commit (the caller drains after it all the
    same, for what this process could not write).

    Not inside a transaction: the other process could not see what the block saves.
    """
    if not enabled or connection.in_atomic_block:
        yield
        return
    context = multiprocessing.get_context("fork")
    stop = context.Event()
    receive, send = context.Pipe(duplex=False)
    child = context.Process(
        target=_drain_until, args=(stop, send, os.getpid(), batch, rest), daemon=True
    )
    child.start()
    send.close()
    try:
        yield
    finally:
        stop.set()
        # The child writes what is left and ends; its stage seconds come back.
        if receive.poll(timeout=600):
            try:
                stages.add(receive.recv())
            except EOFError:
                pass
        child.join(timeout=600)
        receive.close()


def _drain_until(stop: Event, send: Connection, parent: int, batch: int, rest: int) -> None:
    _own_connections()
    stages.taken()  # the parent's seconds so far are the parent's
    try:
        while not stop.is_set() and os.getppid() == parent:
            if pending() >= batch:
                with timed("indexing"):
                    # Failures are logged and leave their rows queued for the import's drain.
                    drain(timeout=1.0, batch=batch, limit=batch)
            else:
                stop.wait(POLL)
        if os.getppid() == parent:
            # The import is saved: the rest, in batches as big as the import's own.
            with timed("indexing"):
                drain(timeout=1.0, batch=rest)
    finally:
        send.send(stages.taken())
        send.close()
        connections.close_all()


def _own_connections() -> None:
    for alias in connections:
        inherited = connections[alias]
        if inherited.connection is not None:
            _inherited.append(inherited.connection)
            inherited.connection = None

"""The background worker: one long-running process (`manage.py index_worker`) that runs jobs.

Web requests never do slow or shared work: they record what must happen (a row in a queue,
in the same transaction as the change) and return. This process does the work, one job at a
time, in a small loop:

- A Job is a name, a function that does one bounded turn of work and returns how much it
  did (0: nothing to do), and how long to wait between turns when there was nothing to do.
- A job that did work runs again at once (more may be waiting), after every other due job
  has had its turn; an idle job waits `every` seconds. A job that raises is logged and runs
  again later, waiting longer after each failure in a row (up to a minute): one bad turn
  never stops the process, and its work stays queued in the database.
- SIGTERM or SIGINT ends the loop after the current turn (a turn is short: one batch), so
  `kill`, Ctrl-C and process managers stop it cleanly. A `kill -9` is safe as well: every
  job keeps its work in the database until it is done (see articles/indexing/queue.py).

JOBS: `index` drains the search index queue (articles.indexing.drain, one writer and one
commit per batch); this process is the only index writer in normal operation. `feeds`
fetches the feeds that are due and then a few of the new pages they listed per turn
(articles/feeds/schedule.py); `digests` sends saved searches' e-mail digests that are due
(articles/workspace/digests.py). Further scheduled work joins JOBS the same way.
If the worker is down the site keeps serving; changes wait in the queue, and the admin's
article list shows how many and for how long.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections

from articles.feeds import fetch_turn
from articles.indexing import BATCH, drain, queue_status
from articles.workspace.digests import digest_turn

log = logging.getLogger(__name__)

SETTLE = 2.0  # seconds a short queue may wait to become a bigger batch


@dataclass(frozen=True)
class Job:
    name: str
    turn: Callable[[], int]  # one bounded piece of work; returns how much it did
    every: float  # seconds between turns while there is nothing to do
    # The turn when everything is wanted done now (run(until_idle=True): --once, tests),
    # for a job whose turn may choose to wait.
    at_once: Callable[[], int] | None = None


def index_turn() -> int:
    """Index up to a few batches of queued changes, then let other jobs run.

    A short queue waits until its oldest change is SETTLE seconds old: a commit costs about
    as much for 5 documents as for 100 (Whoosh writes every term's postings anew), so while
    an import queues articles one by one the worker indexes them 100 at a time instead of
    one commit per second, and a lone edit is searchable within SETTLE + `every` seconds.
    """
    status = queue_status()
    if not status.length or (status.length < BATCH and status.age.total_seconds() < SETTLE):
        return 0
    return index_now()


def index_now() -> int:
    """Index up to a few batches of queued changes, however few are queued."""
    # A short lock wait: an import draining its own queue holds the lock, and it empties
    # the queue itself, so there is nothing to wait for.
    return drain(timeout=1.0, limit=4 * BATCH, strict=True)


JOBS: tuple[Job, ...] = (
    Job("index", index_turn, every=1.0, at_once=index_now),
    # Feeds and their new pages (articles/feeds/schedule.py); what it imports is queued for
    # the index job like any import.
    Job("feeds", fetch_turn, every=float(settings.FEED_CHECK_SECONDS)),
    # E-mail digests of saved searches that are due (articles/workspace/digests.py).
    Job("digests", digest_turn, every=60.0),
)


def run(
    jobs: Sequence[Job] = JOBS,
    *,
    stop: threading.Event | None = None,
    until_idle: bool = False,
) -> dict[str, int]:
    """Run the jobs until `stop` is set (or, with until_idle, until none has work);
    return how much each did."""
    stop = stop or threading.Event()
    done = dict.fromkeys((job.name for job in jobs), 0)
    due = dict.fromkeys((job.name for job in jobs), 0.0)
    failures = dict.fromkeys((job.name for job in jobs), 0)
    while not stop.is_set():
        worked = False
        for job in jobs:
            if stop.is_set():
                continue
            # Until idle, every job is asked on every pass: one job's work (a feed's pages)
            # is another's (the index), which must not be skipped for waiting its `every`.
            if not until_idle and time.monotonic() < due[job.name]:
                continue
            amount = _turn(job.at_once if until_idle and job.at_once else job.turn)
            if amount is None:
                # Failing again and again (a full disk): wait longer each time, up to a
                # minute, instead of writing the same traceback every second.
                failures[job.name] += 1
                wait = min(60.0, job.every * 2 ** min(failures[job.name], 6))
            else:
                failures[job.name] = 0
                if amount:
                    log.info("%s: %d", job.name, amount)
                done[job.name] += amount
                worked = worked or amount > 0
                wait = 0 if amount > 0 else job.every
            due[job.name] = time.monotonic() + wait
        if until_idle and not worked:
            break
        if not worked:
            stop.wait(max(0.0, min(due.values()) - time.monotonic()))
    return done


def _turn(turn: Callable[[], int]) -> int | None:
    """How much the job's turn did, or None when it failed."""
    _drop_connections(broken_only=True)
    try:
        return turn()
    except Exception:
        log.exception("job %s failed; its work stays queued and is retried", turn.__name__)
        _drop_connections(broken_only=False)
        return None


def _drop_connections(*, broken_only: bool) -> None:
    # The process outlives database restarts and idle timeouts, so a broken or old
    # connection is dropped before a turn (as Django does between requests). Never inside
    # a transaction the caller holds (the test suite runs the worker inside one).
    for conn in connections.all(initialized_only=True):
        if conn.in_atomic_block:
            continue
        if broken_only:
            conn.close_if_unusable_or_obsolete()
        else:
            conn.close()


@contextmanager
def stopped_by_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM and SIGINT set `stop` (the loop ends after its current turn) while inside."""

    def handler(signum: int, frame: Any) -> None:
        log.info("%s: stopping after the current turn", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)

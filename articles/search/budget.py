"""Bounds on a search: a time budget, and the errors a page turns into a clear 503."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from types import FrameType

_deadline: ContextVar[float | None] = ContextVar("search_deadline", default=None)


class SearchTimeout(Exception):
    """The search ran past its time budget."""


class SearchUnavailable(Exception):
    """The search engine cannot answer (index unreadable, engine down)."""


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise SearchTimeout inside the block once `seconds` have passed (0: no budget).

    gunicorn's sync workers run each request on the main thread, where a timer signal can
    interrupt a long Whoosh search: the visitor gets a message instead of a worker killed at
    gunicorn's own timeout. Elsewhere (threads, other platforms) no signal interrupts it.
    The PostgreSQL engine also bounds its own statements by what `remaining()` leaves, so the
    database cancels them cleanly, on any thread.
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if seconds <= 0:
        yield
        return
    # An engine that can bound its own work (PostgreSQL's statement_timeout) reads this.
    reset = _deadline.set(time.monotonic() + seconds)
    try:
        if not usable:
            yield
            return
        with _alarm(seconds):
            yield
    finally:
        _deadline.reset(reset)


def remaining() -> float | None:
    """Seconds left in the current time budget; None outside one."""
    deadline = _deadline.get()
    return None if deadline is None else max(0.0, deadline - time.monotonic())


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise SearchTimeout(f"the search took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

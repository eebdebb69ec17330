"""Bounds on a search: a time budget, and the errors a page turns into a clear 503."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class SearchTimeout(Exception):
    """The search ran past its time budget."""


class SearchUnavailable(Exception):
    """The search engine cannot answer (index unreadable, engine down)."""


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise SearchTimeout inside the block once `seconds` have passed (0: no budget).

    gunicorn's sync workers run each request on the main thread, where a timer signal can
    interrupt a long Whoosh search: the visitor gets a message instead of a worker killed at
    gunicorn's own timeout. Elsewhere (threads, other platforms) the block runs unbounded.
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if seconds <= 0 or not usable:
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise SearchTimeout(f"the search took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

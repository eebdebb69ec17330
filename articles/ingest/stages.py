"""Where an import's time goes: seconds per pipeline stage, for `manage.py bench_ingest`.

Each stage of the pipeline runs inside `timed(stage)`. A stage inside another (language
detection inside extraction) counts for itself only, so the stages add up to the time
measured. The counts are per process: the extraction processes of `import_articles --jobs`
send theirs back with each batch (`taken()`), and the pipeline adds them up (`add()`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from time import perf_counter

STAGES = (
    "decoding and extraction",
    "language and dates",
    "entity linking",
    "topics",
    "stories and copies",
    "database writes",
    "indexing",
)

_spent: defaultdict[str, float] = defaultdict(float)
_open: list[list[float]] = []  # per open stage: seconds its nested stages took


@contextmanager
def timed(stage: str) -> Iterator[None]:
    """Count the block's time for `stage`, less what stages nested inside it took.

    >>> _ = taken()
    >>> with timed("topics"):
    ...     with timed("entity linking"):
    ...         pass
    >>> sorted(taken())
    ['entity linking', 'topics']
    """
    start = perf_counter()
    _open.append([0.0])
    try:
        yield
    finally:
        nested = _open.pop()[0]
        spent = perf_counter() - start
        _spent[stage] += spent - nested
        if _open:
            _open[-1][0] += spent


def taken() -> dict[str, float]:
    """The seconds counted since the last call, per stage; the counts start again at zero."""
    found = dict(_spent)
    _spent.clear()
    return found


def add(seconds: Mapping[str, float]) -> None:
    """Count seconds another process measured (an extraction process's taken())."""
    for stage, spent in seconds.items():
        _spent[stage] += spent

"""import_paths / ingest_all: a whole import, input by input, reporting instead of stopping.

Inputs stream from read_inputs (files are read one at a time, so memory stays flat however
many there are). Each goes through prepare (extraction and enrichment, pure) and then the
store's save (one savepoint per article, its index queue row included), SAVE_BATCH articles
per transaction. With jobs > 1,
`jobs` forked processes prepare batches of inputs while this process writes the batches
they finished, in input order, so the results are those of a one-process import; at most
2 x jobs batches are in flight.

At the end the import indexes what it queued itself, in batches of INDEX_BATCH (one writer
and one commit each): a command is not a request, and a lone writer that commits rarely is
the fastest way to index. With jobs > 1 another process indexes full batches meanwhile and
the rest at the end (ingest/beside.py), on the core the import leaves idle. With
index=False it leaves the queue to the index worker. A failed index write is reported
(ImportReport.index_failed) with the articles left queued.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import Any

from django.db import DatabaseError, transaction

from articles.entities import Linker, current_linker
from articles.indexing import BATCH, IndexWriteFailed, drain, pending, queued_together
from articles.ingest import stages
from articles.ingest.beside import indexing_beside
from articles.ingest.files import NotRegularFile, open_regular
from articles.ingest.inputs import FEED_SUFFIXES, MANIFEST_NAME, README_NAMES, read_inputs
from articles.ingest.prepare import IngestError, Prepared, prepare
from articles.ingest.priority import give_way
from articles.ingest.records import Failure, RawInput
from articles.ingest.stages import timed
from articles.ingest.store import ImportReport, Memo, save
from articles.topics import classify

log = logging.getLogger(__name__)

# Inputs per batch sent to an extraction process: big enough that pickling and process
# switches cost little, small enough that the first results come back at once.
CHUNK = 32
# Queue rows per index writer and commit at the end of an import: larger than the worker's
# batches, since nobody waits for the first of them.
INDEX_BATCH = 2000
# Queue rows per commit of the process that indexes beside an import (ingest/beside.py).
BESIDE_BATCH = BATCH
# Articles per transaction (each in its own savepoint, so one the database refuses leaves
# no trace and the others stay): a commit and the index queue's statements per article cost
# more than the article's other rows. A curator's save waits for one transaction at most
# (the import gives way before each), so a transaction also ends after SAVE_SECONDS.
SAVE_BATCH = 32
SAVE_SECONDS = 0.1

Progress = Callable[[ImportReport], None]
# What an extraction process sends back for a batch: its results and its stage seconds.
Batch = tuple[list[Prepared | Failure], dict[str, float]]

# The Linker of the import running in this process, inherited by its forked extraction
# processes (building one takes a second; sending it to each would too).
_linker: Linker | None = None


def import_paths(
    paths: Sequence[Path],
    *,
    manifest: Mapping[str, dict[str, Any]] | None = None,
    max_bytes: int = 20 * 1024 * 1024,
    jobs: int = 1,
    index: bool = True,
    progress: Progress | None = None,
) -> ImportReport:
    """Import every article under `paths`; report failures by name instead of stopping."""
    items = read_inputs(paths, manifest=manifest, max_bytes=max_bytes)
    return ingest_all(items, jobs=jobs, index=index, progress=progress)


def ingest_all(
    items: Iterable[RawInput | Failure],
    *,
    jobs: int = 1,
    index: bool = True,
    progress: Progress | None = None,
) -> ImportReport:
    """Ingest each item on its own: one bad item is reported, the others still import."""
    global _linker
    report = ImportReport()
    _linker = current_linker()
    try:
        try:
            # With cores to spare (--jobs), full batches are indexed while the import saves.
            with indexing_beside(index and jobs > 1, batch=BESIDE_BATCH, rest=INDEX_BATCH):
                _save_all(report, _prepared(_timed_iter(items), jobs), progress)
        except Exception:
            # What was saved before the error is searchable without a drain by hand (on
            # Ctrl-C it waits for the worker: whoever presses it wants the command to end).
            if index:
                with timed("indexing"):
                    drain(batch=INDEX_BATCH)
            raise
        if index:
            report.indexing = pending()
            if progress is not None:
                progress(report)
            with timed("indexing"):
                drain(strict=True, batch=INDEX_BATCH)
    except IndexWriteFailed as exc:
        report.index_failed = True
        reason = (
            f"index write failed ({exc}); {pending()} articles stay queued for the next "
            "drain (manage.py process_index_queue, or the index worker)"
        )
        report.failures.append(Failure("search index", reason))
    finally:
        _linker = None
    return report


# What became of one input: its status and warnings, or why it failed.
Outcome = tuple[str, list[Failure]] | Failure


def _save_all(
    report: ImportReport, prepared: Iterator[Prepared | Failure], progress: Progress | None
) -> None:
    memo = Memo()
    batch: list[Prepared | Failure] = []
    try:
        for result in prepared:
            batch.append(result)
            if len(batch) == SAVE_BATCH:
                full, batch = batch, []
                _save_batch(report, full, memo, progress)
    except BaseException:
        # The inputs stopped coming (a bug, Ctrl-C): what was prepared is saved all the same.
        if batch:
            _save_batch(report, batch, memo, progress)
        raise
    if batch:
        _save_batch(report, batch, memo, progress)


def _save_batch(
    report: ImportReport, batch: list[Prepared | Failure], memo: Memo, progress: Progress | None
) -> None:
    outcomes: list[Outcome] = []
    while len(outcomes) < len(batch):
        give_way()
        start, done = len(outcomes), []
        try:
            with timed("database writes"), transaction.atomic(), queued_together():
                deadline = time.monotonic() + SAVE_SECONDS
                for result in batch[start:]:
                    done.append(_save_one(result, memo))
                    if time.monotonic() > deadline:
                        break
        except DatabaseError:
            # The commit failed: none of these is stored. Each on its own transaction, so
            # that only what the database refuses is reported.
            memo.forget()
            done = [_save_one(result, memo) for result in batch[start : start + len(done)]]
        outcomes += done
    for outcome in outcomes:
        if isinstance(outcome, Failure):
            report.failures.append(outcome)
        else:
            report.counts[outcome[0]] += 1
            report.warnings.extend(outcome[1])
        if progress is not None:
            progress(report)


def _save_one(result: Prepared | Failure, memo: Memo) -> Outcome:
    if isinstance(result, Failure):
        return result
    outcome = _saved(result, memo)
    if isinstance(outcome, Failure):
        memo.forget()
    return outcome


def _saved(prepared: Prepared, memo: Memo) -> Outcome:
    name = prepared.item.name
    try:
        _, status = save(prepared, _linker, memo)
    except IngestError as exc:
        return Failure(name, str(exc))
    except DatabaseError as exc:
        # save() wrote in its own transaction (a savepoint inside an outer one): only this
        # article was rolled back.
        return Failure(name, f"database error: {_first_line(exc)}")
    except Exception as exc:  # a case nobody foresaw must not cost the rest of the batch
        log.exception("importing %s failed", name)
        return Failure(name, _unforeseen(exc))
    return status, [Failure(name, warning) for warning in prepared.item.warnings]


def _prepared(items: Iterator[RawInput | Failure], jobs: int) -> Iterator[Prepared | Failure]:
    if jobs <= 1:
        for item in items:
            yield _prepare_one(item)
        return
    # Loaded before the fork, so the processes share the model instead of each reading it.
    classify("", "", "vi")
    classify("", "", "en")
    # fork: the processes inherit the Linker and the model. They never touch the database
    # (prepare is pure), and they leave by os._exit, so the inherited connection stays ours.
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs) as pool:
        running: deque[AsyncResult[Batch]] = deque()
        while chunk := list(islice(items, CHUNK)):
            running.append(pool.apply_async(_prepare_chunk, (chunk,)))
            if len(running) >= 2 * jobs:
                yield from _collected(running.popleft())
        while running:
            yield from _collected(running.popleft())


def _collected(result: AsyncResult[Batch]) -> list[Prepared | Failure]:
    prepared, seconds = result.get()
    stages.add(seconds)
    return prepared


def _prepare_chunk(chunk: list[RawInput | Failure]) -> Batch:
    """In an extraction process: a batch of inputs, and the seconds each stage took."""
    return [_prepare_one(item) for item in chunk], stages.taken()


def _prepare_one(item: RawInput | Failure) -> Prepared | Failure:
    if isinstance(item, Failure):
        return item
    assert _linker is not None, "prepare runs inside ingest_all"
    try:
        return prepare(item, _linker)
    except IngestError as exc:
        return Failure(item.name, str(exc))
    except Exception as exc:  # a case nobody foresaw must not cost the rest of the batch
        log.exception("importing %s failed", item.name)
        return Failure(item.name, _unforeseen(exc))


def _timed_iter(items: Iterable[RawInput | Failure]) -> Iterator[RawInput | Failure]:
    # Reading and decoding files happens as read_inputs is iterated.
    iterator = iter(items)
    while True:
        with timed("decoding and extraction"):
            item = next(iterator, None)
        if item is None:
            return
        yield item


def count_inputs(paths: Sequence[Path], *, max_bytes: int = 20 * 1024 * 1024) -> int:
    """About how many inputs read_inputs will yield: a file each, a feed one per line.

    For progress: quick (feeds are counted by their line breaks, never parsed), and a little
    off where a file sniffed as a feed is not named like one.
    """
    total = 0
    for path in paths:
        try:
            if path.is_dir():
                for folder, dirs, files in os.walk(path):
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    total += sum(
                        _count_file(Path(folder) / name, max_bytes)
                        for name in files
                        if not name.startswith(".")
                        and name != MANIFEST_NAME
                        and name.lower() not in README_NAMES
                    )
            else:
                total += _count_file(path, max_bytes)
        except OSError:
            total += 1
    return total


def _count_file(path: Path, max_bytes: int) -> int:
    if path.suffix.lower() not in FEED_SUFFIXES:
        return 1
    try:
        with open_regular(path) as stream:
            return sum(1 for line in stream if line.strip())
    except (OSError, NotRegularFile):
        return 1


def _unforeseen(exc: Exception) -> str:
    return f"could not be imported ({type(exc).__name__}: {_first_line(exc)})"


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().split("\n")[0][:300]

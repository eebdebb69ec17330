"""The import benchmark: end-to-end import throughput against a raw Whoosh writer.

Real corpus articles (VNTC, BBC, Reuters, shuffled with a fixed seed, Reuters with its dates
and every article with its corpus source) are written as one JSON Lines feed and imported
into an empty database with the real command's code (`import_paths`, indexing included).
Then the same articles' documents, prepared from the database beforehand, are written into a
fresh index with the same schema by one plain Whoosh writer and one commit: the fastest any
import could index them. The figure is the ratio of the two throughputs, measured in the same
run, because absolute times on shared machines are noisy; the time per stage of the import
says where its time went (seconds summed over its processes).

The import indexes what it saved at its end, in batches of 2,000 (one writer and one commit
each). With `worker` the index worker runs beside it, as `make run` and production run it,
and indexes while the import saves: in smaller commits, which cost more per document. The
worker's time is in the CPU figure, not in the stages (it is another program).

Memory: the import's resident size is sampled as it goes; it stays flat because inputs are
read one at a time and batches are bounded.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from haystack import connections

from articles.ingest import STAGES, ImportReport, import_paths
from articles.ingest import stages as stage_clock
from articles.models import Article

CORPORA = ("vi_vntc_sample.jsonl", "en_bbc_news.jsonl", "en_reuters21578.jsonl")


@dataclass(frozen=True)
class Throughput:
    articles: int
    wall: float  # seconds
    cpu: float  # seconds of this process and its finished children

    @property
    def rate(self) -> float:
        return self.articles / self.wall if self.wall else 0.0


@dataclass
class Result:
    imported: Throughput
    raw: Throughput
    report: ImportReport
    stages: dict[str, float]
    memory: list[tuple[int, float]] = field(default_factory=list)  # (articles done, MB)

    @property
    def ratio(self) -> float:
        return self.imported.rate / self.raw.rate if self.raw.rate else 0.0


def write_feed(corpora: Path, path: Path, count: int, seed: int = 10) -> int:
    """A feed of `count` real articles with a title and a body; returns how many it holds."""
    records = []
    for name in CORPORA:
        with open(corpora / name, encoding="utf-8") as handle:
            records += [r for r in map(json.loads, handle) if r.get("title") and r.get("body")]
    random.Random(seed).shuffle(records)
    with open(path, "w", encoding="utf-8") as feed:
        for record in records[:count]:
            line = {
                "url": f"https://corpus.example/{record['id']}",
                "title": record["title"],
                "body": record["body"],
                "language": record["lang"],
                "source": record.get("source") or "Reuters",
            }
            if record.get("date"):
                line["published"] = record["date"][:10]
            feed.write(json.dumps(line, ensure_ascii=False) + "\n")
    return min(count, len(records))


def run(feed: Path, *, jobs: int, total: int, worker: bool, samples: int = 4) -> Result:
    """Import the feed into the (empty) database, then time the raw writer on its documents.

    worker: run `manage.py index_worker` beside the import, as `make run` and production do;
    it indexes while the import goes on, and the import indexes what is left at its end.
    """
    memory: list[tuple[int, float]] = []
    marks = {round(total * k / samples) for k in range(1, samples + 1)}

    def sample(report: ImportReport) -> None:
        done = report.counts.total() + len(report.failures)
        if done in marks:
            marks.discard(done)
            memory.append((done, _resident_mb()))

    def work() -> ImportReport:
        process = _start_worker() if worker else None
        try:
            return import_paths([feed], jobs=jobs, progress=sample)
        finally:
            if process is not None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=600)

    stage_clock.taken()  # start from zero
    imported = _timed(work)
    report: ImportReport = imported[1]
    seconds = stage_clock.taken()
    raw = raw_whoosh()
    return Result(imported[0], raw, report, {s: seconds.get(s, 0.0) for s in STAGES}, memory)


def _start_worker() -> subprocess.Popen[bytes]:
    # The same settings as this process: the environment names the database and the index.
    manage = Path(settings.BASE_DIR) / "manage.py"
    return subprocess.Popen(
        [sys.executable, str(manage), "index_worker", "-v", "0"], stderr=subprocess.DEVNULL
    )


def raw_whoosh() -> Throughput:
    """One Whoosh writer and one commit over the visible articles' documents, into a fresh
    index with the schema the site uses; the documents are prepared before the clock starts."""
    backend = connections["default"].get_backend()
    backend.setup()
    index = connections["default"].get_unified_index().get_index(Article)
    docs = []
    for article in index.index_queryset().order_by("pk").iterator(chunk_size=500):
        doc = index.full_prepare(article)
        doc.pop("boost", None)
        docs.append({key: backend._from_python(value) for key, value in doc.items()})
    folder = Path(tempfile.mkdtemp(prefix="raw-whoosh-"))
    try:
        from whoosh.filedb.filestore import FileStorage

        storage = FileStorage(str(folder))

        def write() -> None:
            writer = storage.create_index(backend.schema).writer()
            for doc in docs:
                writer.add_document(**doc)
            writer.commit()

        return _timed(write, articles=len(docs))[0]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _timed(work: Callable[[], Any], articles: int | None = None) -> tuple[Throughput, Any]:
    cpu = _cpu()
    start = time.perf_counter()
    result = work()
    wall = time.perf_counter() - start
    if articles is None:  # an import: the articles it stored (tables it refuses cost little)
        articles = result.counts.total()
    return Throughput(articles, wall, _cpu() - cpu), result


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _resident_mb() -> float:
    with open(f"/proc/{os.getpid()}/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6

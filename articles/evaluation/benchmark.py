"""A search benchmark on real corpora: build N articles, index them, time the search view.

Each engine the database allows is timed in one run (Whoosh always; PostgreSQL full-text
search on a PostgreSQL database), on the same articles: its index build, and the view's
p50/p95. Figures are ratios against baselines measured in the same run, because these
machines are shared and absolute times are noisy: the same queries without facets and
timeline; a raw Whoosh query over the same index (one folded field, the top 20 stored
documents, nothing else: what the engine costs alone); and three-word queries against
twenty-word ones (a pasted headline) made from the same articles.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import cycle, islice
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from haystack import connections
from whoosh.qparser import PlusMinusPlugin, QueryParser

from articles.models import Article, IndexQueue, Precision, SearchDocument, Source
from articles.search import backend as whoosh_backend
from articles.search.backend import LockingWhooshBackend
from articles.text import words

QUERIES = [
    "nato",
    "chính phủ",
    "market",
    "bóng đá",
    "oil prices",
    "kinh te",
    "trade OR tariff",
    '"Hà Nội"',
    "bank -interest",
    "government",
    "giá vàng",
    "election",
]
CORPORA = ("en_bbc_news.jsonl", "vi_vntc_sample.jsonl", "en_reuters21578.jsonl")
WHOOSH = "articles.search.backend.LockingWhooshEngine"
POSTGRES = "articles.search.postgres.PostgresEngine"


@dataclass(frozen=True)
class Timing:
    label: str
    p50: float
    p95: float


def engines() -> dict[str, str]:
    """The engines this database can serve, by name: PostgreSQL's needs PostgreSQL."""
    found = {"whoosh": WHOOSH}
    if connection.vendor == "postgresql":
        found["postgresql"] = POSTGRES
    return found


@contextmanager
def engine(path: str) -> Iterator[None]:
    """Search (and index) through this haystack engine for the block."""
    conf = settings.HAYSTACK_CONNECTIONS["default"]
    previous = conf["ENGINE"]
    conf["ENGINE"] = path
    connections.reload("default")
    try:
        yield
    finally:
        conf["ENGINE"] = previous
        connections.reload("default")


def rebuild_index(batch: int = 2_000) -> float:
    """Empty the current engine's index and index every article: seconds taken."""
    start = time.perf_counter()
    connections["default"].get_backend().clear()
    index_all(batch)
    if connection.vendor == "postgresql":
        # Statistics for the planner now, as autovacuum would after a bulk load anyway: the
        # searches timed next must not run on the plans for an empty table.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_searchdocument")
    return time.perf_counter() - start


def settle() -> float | None:
    """On PostgreSQL, VACUUM the freshly built table (seconds taken; None on Whoosh).

    After a bulk load autovacuum vacuums the table anyway, in the background: on two cores it
    ran through the first minute of the search timings and put its own work into their p95.
    The index is complete and searchable before this (its build time does not include it);
    the searches are timed on the table as it stays, the benchmark prints the time apart."""
    if isinstance(connections["default"].get_backend(), LockingWhooshBackend):
        return None
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM articles_searchdocument")
    return time.perf_counter() - start


def indexed() -> int:
    """How many documents the current engine's index holds (0 if it has none yet)."""
    backend = connections["default"].get_backend()
    if isinstance(backend, LockingWhooshBackend):
        backend.setup()
        return int(backend.index.doc_count())
    return SearchDocument.objects.count()


def indexable() -> int:
    """How many documents a complete index holds (every visible article)."""
    index = connections["default"].get_unified_index().get_index(Article)
    return int(index.index_queryset().count())


def build(corpora: Path, count: int, batch: int = 2_000, index: bool = True) -> int:
    """Fill the database with `count` articles cycled from the corpora; with `index`, index
    them in bulk with the current engine."""
    sources: dict[str, Source] = {}
    made = 0
    for chunk in _chunks(islice(_records(corpora), count), batch):
        articles = []
        for n, record in chunk:
            name = record.get("source") or "corpus"
            if name not in sources:
                sources[name] = Source.objects.get_or_create(name=name[:200])[0]
            title, body = record["title"] or "(untitled)", record["body"] or record["title"] or ""
            # Spread copies over the years so the timeline has a shape.
            day = date(1987, 1, 1) + timedelta(days=(n * 37) % 12_000)
            articles.append(
                Article(
                    key=f"bench:{n}",
                    title=title[:1000],
                    body=body,
                    language=record["lang"],
                    source=sources[name],
                    published=day,
                    published_precision=Precision.DAY,
                    content_hash=hashlib.sha256(f"{n}".encode()).hexdigest(),
                )
            )
        with transaction.atomic():
            Article.objects.bulk_create(articles)
        made += len(articles)
    IndexQueue.objects.all().delete()
    if index:
        index_all(batch)
    return made


def index_all(batch: int) -> None:
    """Index every article in bulk: on Whoosh through one writer and one commit, on another
    engine (PostgreSQL) `batch` documents per backend.update() (one INSERT each).

    backend.update() commits per call on Whoosh, and every commit merges segments: building
    100,000 documents that way rewrites the growing index again and again (hours here). One
    writer sorts postings in memory, spilling to disk past `limitmb`, and writes one segment.
    """
    backend = connections["default"].get_backend()
    index = connections["default"].get_unified_index().get_index(Article)
    queryset = index.index_queryset().order_by("pk")
    if not isinstance(backend, LockingWhooshBackend):
        with _gin_indexes_built_last():
            last = 0
            while page := list(queryset.filter(pk__gt=last)[:batch]):
                backend.update(index, page)
                last = page[-1].pk
        return
    backend.setup()
    writer = backend.index.writer(limitmb=512)
    try:
        last = 0
        while page := list(queryset.filter(pk__gt=last)[:batch]):
            for article in page:
                doc = index.full_prepare(article)
                doc.pop("boost", None)
                writer.add_document(**{k: backend._from_python(v) for k, v in doc.items()})
            last = page[-1].pk
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


@contextmanager
def _gin_indexes_built_last() -> Iterator[None]:
    """Fill the PostgreSQL engine's table without its GIN indexes, then build them: a GIN
    index built once from sorted entries is several times faster than one updated row by
    row, as Whoosh's bulk path writes one segment instead of committing per batch."""
    indexes = SearchDocument._meta.indexes
    with connection.schema_editor() as editor:
        for found in indexes:
            editor.execute(f"DROP INDEX IF EXISTS {editor.quote_name(found.name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
        with connection.schema_editor() as editor:
            for found in indexes:
                editor.add_index(SearchDocument, found)
        with connection.cursor() as cursor:
            cursor.execute("RESET maintenance_work_mem")


def time_search(client: Client, rounds: int) -> list[Timing]:
    """p50/p95 of the search page, with and without facets, the same queries interleaved."""
    samples: dict[str, list[float]] = {"with facets + timeline": [], "without (baseline)": []}
    for _ in range(rounds):
        for q in QUERIES:
            for label, facets in (("with facets + timeline", "1"), ("without (baseline)", "0")):
                start = time.perf_counter()
                response = client.get("/search/", {"q": q, "facets": facets})
                samples[label].append(time.perf_counter() - start)
                assert response.status_code == 200, response.status_code
    return [
        Timing(label, statistics.median(values) * 1000, _p95(values) * 1000)
        for label, values in samples.items()
    ]


def time_raw(
    client: Client, rounds: int
) -> tuple[list[tuple[str, Timing, Timing]], Timing, Timing]:
    """The search page (facets, as a reader gets it) and a raw Whoosh query over the same
    index, interleaved: per query (query, view, raw), then view and raw over all queries."""
    backend = connections["default"].get_backend()
    backend.setup()
    parser = QueryParser("text", schema=backend.index.schema)
    parser.add_plugin(PlusMinusPlugin())
    view: dict[str, list[float]] = {q: [] for q in QUERIES}
    raw: dict[str, list[float]] = {q: [] for q in QUERIES}
    for _ in range(rounds):
        for q in QUERIES:
            start = time.perf_counter()
            response = client.get("/search/", {"q": q})
            view[q].append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
            start = time.perf_counter()
            searcher = backend.index.refresh().searcher()
            try:
                hits = searcher.search(parser.parse(q), limit=20)
                [hit.fields() for hit in hits]
                len(hits)
            finally:
                searcher.close()
            raw[q].append(time.perf_counter() - start)
    per_query = [(q, _timing(q, view[q]), _timing(q, raw[q])) for q in QUERIES]
    every_view = [t for q in QUERIES for t in view[q]]
    every_raw = [t for q in QUERIES for t in raw[q]]
    return per_query, _timing("search view", every_view), _timing("raw Whoosh", every_raw)


@contextmanager
def whoosh_collectors() -> Iterator[None]:
    """Whoosh's own matchers and collectors answer searches in the block, instead of
    search/bulk.py (the same answers: tests/search/test_bulk.py)."""
    previous = whoosh_backend.BULK
    whoosh_backend.BULK = False
    try:
        yield
    finally:
        whoosh_backend.BULK = previous


def time_collectors(client: Client, rounds: int) -> tuple[Timing, Timing]:
    """The search page (facets, as a reader gets it) evaluated by search/bulk.py and by
    Whoosh's own collectors, the same queries interleaved."""
    ours: list[float] = []
    whoosh: list[float] = []
    for _ in range(rounds):
        for q in QUERIES:
            for samples, own in ((ours, False), (whoosh, True)):
                with whoosh_collectors() if own else nullcontext():
                    start = time.perf_counter()
                    response = client.get("/search/", {"q": q})
                    samples.append(time.perf_counter() - start)
                assert response.status_code == 200, response.status_code
    return _timing("bulk.py evaluation", ours), _timing("Whoosh's collectors", whoosh)


def long_queries(count: int = 8) -> list[tuple[str, str]]:
    """(three-word, twenty-word) queries from the openings of indexed articles' bodies."""
    made = []
    for body in Article.objects.order_by("pk").values_list("body", flat=True)[: count * 20]:
        found = [w for w in words(body) if not w.isdigit()]
        if len(found) >= 20:
            made.append((" ".join(found[:3]), " ".join(found[:20])))
        if len(made) == count:
            break
    return made


def time_lengths(client: Client, rounds: int) -> tuple[Timing, Timing]:
    """The search page for three-word and twenty-word queries, interleaved."""
    short: list[float] = []
    long: list[float] = []
    pairs = long_queries()
    for _ in range(rounds):
        for three, twenty in pairs:
            for q, samples in ((three, short), (twenty, long)):
                start = time.perf_counter()
                response = client.get("/search/", {"q": q})
                samples.append(time.perf_counter() - start)
                assert response.status_code == 200, response.status_code
    return _timing("3-word queries", short), _timing("20-word queries", long)


def _timing(label: str, values: list[float]) -> Timing:
    return Timing(label, statistics.median(values) * 1000, _p95(values) * 1000)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _records(corpora: Path) -> Iterator[tuple[int, dict]]:
    everything = []
    for name in CORPORA:
        with open(corpora / name, encoding="utf-8") as handle:
            everything += [json.loads(line) for line in handle]
    yield from enumerate(record for record in cycle(everything))


def _chunks(items: Iterator[tuple[int, dict]], size: int) -> Iterator[list[tuple[int, dict]]]:
    while chunk := list(islice(items, size)):
        yield chunk

"""A filing benchmark: what filing one article into a story costs as the archive grows.

Real corpus articles (VNTC, BBC, Reuters, shuffled with a fixed seed) are given made-up
publication days at `per_day` articles a day, in arrival order with a few days of jitter (a
feed brings news roughly as it happens), and built into the current database: the row, its
entity mentions (the real linker), then `file_article`, the only step timed. Topics, the
search index and the rest of the ingest pipeline are left out: filing does not read them.

The cost is measured at each of `points` (1,000 and 20,000 articles by default): the CPU
seconds of filing the `block` articles that bring the archive to that size. Filing reads the
stories of the last WINDOW_DAYS (articles/stories/neighbours.py) and the fingerprints of the
whole archive, so the articles of the WINDOW_DAYS before each block are filed one by one as an
import files them, and the rest of the archive, which filing can reach only through copies'
fingerprints and the tables' sizes, is built in bulk: rows, mentions and fingerprints as
filing makes them, each article a story of its own. Filing 20,000 articles one by one took
over an hour on two shared cores; this way the archive builds in minutes.

Costs are CPU seconds of this process (time.process_time, which includes the SQLite engine
running in-process), reported per block, and as the ratio of the last block to the first,
because absolute times on shared machines are noisy.
"""

from __future__ import annotations

import cProfile
import hashlib
import json
import pstats
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

from articles.entities import Linker, current_linker, link_article
from articles.indexing import deferred_indexing
from articles.models import (
    Article,
    Fingerprint,
    IndexQueue,
    Mention,
    Precision,
    Source,
    Story,
)
from articles.stories import copies, file_article, grouping
from articles.text import article_text

CORPORA = ("vi_vntc_sample.jsonl", "en_bbc_news.jsonl", "en_reuters21578.jsonl")
START = date(2010, 1, 1)
JITTER_DAYS = 3
BULK = 500


@dataclass(frozen=True)
class Block:
    """CPU seconds spent filing articles [first, last) of the archive."""

    first: int
    last: int
    seconds: float

    @property
    def per_article(self) -> float:
        return self.seconds / max(1, self.last - self.first)


def records(corpora: Path, seed: int = 18) -> list[dict[str, Any]]:
    """Every corpus article with a title and a body, in a fixed shuffled order."""
    found = []
    for name in CORPORA:
        with open(corpora / name, encoding="utf-8") as handle:
            found += [
                r for r in map(json.loads, handle) if r.get("title") and (r.get("body") or "")
            ]
    random.Random(seed).shuffle(found)
    return found


def build(
    corpora: Path,
    points: list[int],
    *,
    per_day: float,
    block: int = 500,
    profile: bool = False,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[Block], str]:
    """Build an archive of max(points) articles; return the filing cost of the `block`
    articles before each point and, with `profile`, cProfile's top functions for the last."""
    count = max(points)
    chosen = records(corpora)[:count]
    if len(chosen) < count:
        raise ValueError(f"the corpora hold {len(chosen)} usable articles, not {count}")
    # Articles filed one by one: each timed block and the window before it.
    lead_in = int((grouping.WINDOW_DAYS + JITTER_DAYS) * per_day)
    timed = {n for point in points for n in range(max(0, point - block), point)}
    filed = {n for point in points for n in range(max(0, point - block - lead_in), point)}
    rng = random.Random(count)
    days = [
        START + timedelta(days=int(n / per_day) - rng.randint(0, JITTER_DAYS)) for n in range(count)
    ]
    sources: dict[str, Source] = {}
    linker = current_linker()
    profiler = cProfile.Profile()
    blocks: list[Block] = []
    spent, bulk = 0.0, []
    with deferred_indexing():
        for n, record in enumerate(chosen):
            article = _article(n, record, sources, days[n])
            if n not in filed:
                bulk.append(article)
                if len(bulk) == BULK or n + 1 == count or n + 1 in filed:
                    _build_in_bulk(bulk, linker)
                    bulk = []
                    if progress:
                        progress(f"built {n + 1} articles")
                continue
            article.save()
            link_article(article, linker, new=True)
            profiling = profile and n >= count - block
            if profiling:
                profiler.enable()
            start = time.process_time()
            file_article(article)
            if n in timed:
                spent += time.process_time() - start
            if profiling:
                profiler.disable()
            if n + 1 in points:
                blocks.append(Block(max(0, n + 1 - block), n + 1, spent))
                spent = 0.0
                if progress:
                    progress(
                        f"articles {blocks[-1].first:6}-{blocks[-1].last:6}  "
                        f"{blocks[-1].per_article:.4f} CPU s per filed article"
                    )
                # The index queue is not read by filing; an evaluation database never searches.
                IndexQueue.objects.all().delete()
    report = ""
    if profile:
        out = StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        report = out.getvalue()
    return blocks, report


def _build_in_bulk(articles: list[Article], linker: Linker) -> None:
    """Store articles as filing would leave them, each in a story of its own, in a few
    statements: their rows, mentions and fingerprints."""
    stories = Story.objects.bulk_create(
        Story(
            title=a.title,
            article_count=1,
            languages=a.language,
            first_published=a.published,
            last_published=a.published,
        )
        for a in articles
    )
    for article, story in zip(articles, stories, strict=True):
        article.story = story
    Article.objects.bulk_create(articles)
    mentions, prints = [], []
    for article in articles:
        found, _ = linker.link(article_text(article.title, article.body), article.language)
        mentions += [Mention(article=article, entity_id=int(e), count=c) for e, c in found.items()]
        text = copies.copy_text(article.title, article.body)
        prints += [Fingerprint(article=article, value=v) for v in copies.sketch(text.shingles)]
    Mention.objects.bulk_create(mentions)
    Fingerprint.objects.bulk_create(prints)


def _article(n: int, record: dict[str, Any], sources: dict[str, Source], day: date) -> Article:
    name = (record.get("source") or record["id"].split("-")[0])[:200]
    if name not in sources:
        sources[name] = Source.objects.get_or_create(name=name)[0]
    return Article(
        key=f"bench-stories:{record['id']}",
        title=record["title"][:1000],
        body=record["body"],
        language=record["lang"],
        source=sources[name],
        published=day,
        published_precision=Precision.DAY,
        content_hash=hashlib.sha256(record["id"].encode()).hexdigest(),
    )

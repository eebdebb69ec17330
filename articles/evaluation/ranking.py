"""Ranking measured on real articles: does the search put the article a query was made from first?

Query sets, built from corpus articles (VNTC in Vietnamese, BBC News in English), each query
made from one article, which is the one right answer:
- titles: the title as written;
- stripped titles: the title without diacritics, as typed on a keyboard without Vietnamese
  input (English titles are unchanged by stripping, so this set is Vietnamese only);
- body words: four distinctive words of the body (the highest idf among words seen in at
  least two articles, never in the title), stripped of diacritics.
Figures per set and language: success@1 (the article first), success@10, and MRR (mean of
1/rank, 0 past the first 50 results). Duplicated articles (the same text twice in a corpus)
are left out, since two answers would both be right.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from articles.evaluation.benchmark import index_all
from articles.models import Article, IndexQueue, Source
from articles.search import SearchParams, run
from articles.text import fold, words

DEPTH = 50
_PLAIN = re.compile(r"[^\W\d_]{3,}")


@dataclass(frozen=True)
class RankScore:
    query_set: str
    language: str
    queries: int
    success_at_1: float
    success_at_10: float
    mrr: float


@dataclass(frozen=True)
class Case:
    query_set: str
    language: str
    q: str
    answer: int  # article pk


def build(corpora: Path, per_language: int) -> list[Article]:
    """The first `per_language` unduplicated VNTC and BBC articles, in the database and index."""
    made = []
    for name, language in (("vi_vntc_sample.jsonl", "vi"), ("en_bbc_news.jsonl", "en")):
        source = Source.objects.get_or_create(name=name.split("_")[1].upper())[0]
        for n, record in enumerate(_records(corpora / name, per_language)):
            made.append(
                Article(
                    key=f"rank:{record['id']}",
                    title=record["title"][:1000],
                    body=record["body"],
                    language=language,
                    source=source,
                    content_hash=hashlib.sha256(f"{language}{n}".encode()).hexdigest(),
                )
            )
    with transaction.atomic():
        Article.objects.bulk_create(made)
    IndexQueue.objects.all().delete()
    index_all(batch=1_000)
    return list(Article.objects.order_by("pk"))


def cases(articles: list[Article]) -> list[Case]:
    """The three query sets, from the same articles."""
    df: Counter[str] = Counter()
    for article in articles:
        df.update({fold(w) for w in _PLAIN.findall(article.body.lower())})
    made = []
    for article in articles:
        language = article.language
        made.append(Case("titles", language, article.title, article.pk))
        if language == "vi":
            made.append(Case("stripped titles", language, fold(article.title), article.pk))
        title = {fold(w) for w in words(article.title)}
        candidates = sorted(
            {fold(w) for w in _PLAIN.findall(article.body.lower())} - title,
            key=lambda w: (df[w] if df[w] >= 2 else math.inf, w),
        )
        chosen = [w for w in candidates if df[w] >= 2][:4]
        if len(chosen) == 4:
            made.append(Case("body words", language, " ".join(chosen), article.pk))
    return made


def evaluate(found: Iterable[Case]) -> list[RankScore]:
    ranks: dict[tuple[str, str], list[int | None]] = {}
    for case in found:
        hits = [h.article.pk for h in run(SearchParams(q=case.q, facets=False, limit=DEPTH)).hits]
        rank = hits.index(case.answer) + 1 if case.answer in hits else None
        ranks.setdefault((case.query_set, case.language), []).append(rank)
    return [
        RankScore(
            query_set,
            language,
            len(values),
            sum(r == 1 for r in values) / len(values),
            sum(r is not None and r <= 10 for r in values) / len(values),
            sum(1 / r for r in values if r is not None) / len(values),
        )
        for (query_set, language), values in sorted(ranks.items())
    ]


def _records(path: Path, count: int) -> Iterator[dict[str, str]]:
    seen = 0
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record.get("duplicate_of") or not record.get("title") or not record.get("body"):
                continue
            yield record
            seen += 1
            if seen == count:
                return

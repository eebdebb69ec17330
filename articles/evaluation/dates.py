"""Date evaluation: how often the text-only date finder dates an article, and how often rightly.

Three sets, read from the corpora and the demo folder (files only, no database):

- Reuters-21578 wire stories, laid out as a crawled wire page reads (title line, then
  "SALVADOR, Feb 26 - " opening the first paragraph); gold is the wire's timestamp.
- VNTC Vietnamese articles: no dateline and no publication line, so any date found is an event
  from the story; "dated" is the error rate there.
- The demo seeds, gold from the curator's manifest.

Each article goes through what the import does when the feed or manifest gives no date:
extract_text (metadata and head of the page), then, if that found nothing, the title and body
again with the crawl date as the year reference (articles/ingest/store.py, `crawled`). Pages
the import would refuse (no article text) are counted apart; shares are of the articles it
would store.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

from articles.ingest import extract_text
from articles.text import article_text, find_publication_date

TARGET_CORRECT = 0.98  # share of dated Reuters articles whose day is the wire's day, ± 1
TARGET_EVENT_DATED = 0.01  # share of VNTC articles given an (event) date
# A crawler fetches a page after it is published; a few days later is the usual lag.
CRAWL_LAG = timedelta(days=3)
# VNTC is 2005-2006 (corpora README) and has no dates: a crawl at the end of that span lets a
# yearless event date in the story resolve, so the evaluation sees every date the finder takes.
VNTC_CRAWLED = date(2007, 1, 1)
EXAMPLES = 5


@dataclass(frozen=True)
class DateCase:
    name: str
    text: str  # the page as a crawler saved it
    language: str
    gold: date | None  # None: the set has no gold date (VNTC), so any date found is wrong
    crawled: date | None


@dataclass(frozen=True)
class Example:
    name: str
    found: date
    gold: date | None
    line: str  # the opening of the article, where the date was read


@dataclass(frozen=True)
class SetReport:
    name: str
    articles: int  # the import would store them; refused ones are counted apart
    refused: int
    dated: int
    correct: int  # the gold day
    near: int  # within a day of gold: Reuters stamps New York time, a dateline the local day
    wrong: tuple[Example, ...]  # the first few dated more than a day off gold (or with none)

    @property
    def dated_share(self) -> float:
        return self.dated / self.articles if self.articles else 0.0

    @property
    def correct_share(self) -> float:
        """Correct among dated; 1.0 when nothing is dated (no date is never a wrong date)."""
        return self.correct / self.dated if self.dated else 1.0

    @property
    def near_share(self) -> float:
        """Within a day of gold among dated; 1.0 when nothing is dated."""
        return self.near / self.dated if self.dated else 1.0


def reuters_case(row: dict[str, Any]) -> DateCase | None:
    """A Reuters record as a crawled wire page, or None without a body or a gold date.

    >>> row = {"id": "r1", "title": "COCOA", "dateline": "SALVADOR, Feb 26",
    ...        "body": "Showers continued.\\n\\nMore.", "date": "1987-02-26T15:01:01"}
    >>> case = reuters_case(row)
    >>> case.text
    'COCOA\\nSALVADOR, Feb 26 - Showers continued.\\n\\nMore.'
    >>> case.gold, case.crawled
    (datetime.date(1987, 2, 26), datetime.date(1987, 3, 1))
    """
    if not row.get("body") or not row.get("date"):
        return None
    gold = date.fromisoformat(row["date"][:10])
    body = row["body"].strip()
    if row.get("dateline"):
        body = f"{row['dateline'].strip()} - {body}"
    text = "\n".join(part for part in (row.get("title") or "", body) if part)
    return DateCase(row["id"], text, "en", gold, gold + CRAWL_LAG)


def vntc_case(row: dict[str, Any]) -> DateCase:
    """A VNTC record as a crawled page: title line, then the story.

    >>> vntc_case({"id": "v1", "title": "Tin", "body": "Ngày 4-1-2005 máy bay bay thử."}).text
    'Tin\\nNgày 4-1-2005 máy bay bay thử.'
    """
    text = "\n".join(part for part in (row.get("title") or "", row["body"].strip()) if part)
    return DateCase(row["id"], text, "vi", None, VNTC_CRAWLED)


def find_date(case: DateCase) -> date | None | Literal["refused"]:
    """The date the import would store for this page with no date in the feed or manifest.

    "refused": no article text, so the import stores nothing (a wire table, for one).
    """
    extracted = extract_text(case.text)
    if not extracted.body.strip():
        return "refused"
    if extracted.published is not None or case.crawled is None:
        return extracted.published
    # As articles/ingest/store.py does: the crawl date gives a yearless date its year.
    language = extracted.language or case.language
    head = article_text(extracted.title, extracted.body)
    return find_publication_date(head, language, reference=case.crawled)[0]


def evaluate(name: str, cases: Iterable[DateCase], *, examples: int = EXAMPLES) -> SetReport:
    """Articles, dated, and dated on the gold day (and within a day of it) for one set."""
    articles = refused = dated = correct = near = 0
    wrong: list[Example] = []
    for case in cases:
        found = find_date(case)
        if found == "refused":
            refused += 1
            continue
        articles += 1
        if found is None:
            continue
        dated += 1
        correct += found == case.gold
        # "TOKYO, Feb 27" is stamped 1987-02-26 22:00 in New York: the dateline is right.
        close = case.gold is not None and abs((found - case.gold).days) <= 1
        near += close
        if not close and len(wrong) < examples:
            wrong.append(Example(case.name, found, case.gold, _opening(case.text)))
    return SetReport(name, articles, refused, dated, correct, near, tuple(wrong))


def format_report(reports: Iterable[SetReport]) -> str:
    """The reports as evaluate_dates prints them.

    >>> print(format_report([SetReport("demo", 5, 0, 2, 1, 2, ())]))
    demo: 5 articles, dated 0.400 (2), correct among dated 0.500 (1), within a day 1.000 (2)
    """
    lines = []
    for report in reports:
        refused = f" (and {report.refused} without article text)" if report.refused else ""
        lines.append(
            f"{report.name}: {report.articles} articles{refused}, "
            f"dated {report.dated_share:.3f} ({report.dated}), "
            f"correct among dated {report.correct_share:.3f} ({report.correct}), "
            f"within a day {report.near_share:.3f} ({report.near})"
        )
        for example in report.wrong:
            gold = example.gold.isoformat() if example.gold else "none"
            lines.append(f"  {example.name}: found {example.found}, gold {gold}: {example.line}")
    return "\n".join(lines)


def read_reuters(path: Path, limit: int | None = None) -> Iterator[DateCase]:
    """Reuters-21578 originals with a body and a gold date, as cases (the first `limit`)."""
    yield from _limited((reuters_case(row) for row in _originals(path)), limit)


def read_vntc(path: Path, limit: int | None = None) -> Iterator[DateCase]:
    """VNTC originals as cases (the first `limit`)."""
    yield from _limited((vntc_case(row) for row in _originals(path)), limit)


def read_demo(folder: Path) -> Iterator[DateCase]:
    """The demo seeds with the curator's dates from the folder's manifest.jsonl."""
    for entry in _rows(folder / "manifest.jsonl"):
        gold = date.fromisoformat(entry["published"]) if entry.get("published") else None
        text = (folder / entry["file"]).read_text(encoding="utf-8")
        # Gold + a few days, as for Reuters: the seeds' dates are yearless ("hôm 21/5").
        crawled = gold + CRAWL_LAG if gold else None
        yield DateCase(entry["file"], text, entry.get("language") or "", gold, crawled)


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def _originals(path: Path) -> Iterator[dict[str, Any]]:
    # A marked duplicate would count the same page twice.
    return (row for row in _rows(path) if not row.get("duplicate_of"))


def _limited(cases: Iterable[DateCase | None], limit: int | None) -> Iterator[DateCase]:
    count = 0
    for case in cases:
        if case is None:
            continue
        if limit is not None and count >= limit:
            return
        count += 1
        yield case


def _opening(text: str) -> str:
    """The first lines of the page, on one line, short enough to print.

    >>> _opening("Title\\nNgày 11/1/2021, hầm Hải Vân 2 được thông xe.")
    'Title | Ngày 11/1/2021, hầm Hải Vân 2 được thông xe.'
    """
    lines = [line.strip() for line in text.split("\n", 5)[:5] if line.strip()]
    return " | ".join(lines[:2])[:160]

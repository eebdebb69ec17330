"""Source and feed health for the admin: what happened, articles per day, and warnings.

A source needs attention when one of its active feeds failed FAILING times in a row, when
it is silent (no new article for SILENT_DAYS although its feeds have been watched that
long), or when its volume dropped sharply (the last 7 days brought under a third of what
the 23 days before them promised, when that was at least one a day). The chart is a small
SVG drawn here, with attributes only (no style, no script: the site's CSP forbids inline).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article, Feed, FeedPage, Source

DAYS = 30
RECENT_DAYS = 7
FAILING = 3
SILENT_DAYS = 3
DROP_RATIO = 1 / 3


@dataclass(frozen=True)
class Health:
    last_fetch: datetime | None
    last_status: str
    last_new_article: datetime | None
    consecutive_failures: int
    per_day: tuple[tuple[date, int], ...]  # the last DAYS days, oldest first
    warnings: tuple[str, ...]  # empty: all is well

    @property
    def needs_attention(self) -> bool:
        return bool(self.warnings)


def source_health(source: Source) -> Health:
    feeds = list(source.feeds.filter(is_active=True))
    counts = _per_day(Article.objects.filter(source=source), "ingested_at")
    last_new = Article.objects.filter(source=source).aggregate(last=Max("ingested_at"))["last"]
    watched = min((feed.created_at for feed in feeds), default=None)
    latest = max(feeds, key=lambda feed: feed.last_fetched_at or feed.created_at, default=None)
    failures = max((feed.consecutive_failures for feed in feeds), default=0)
    return Health(
        last_fetch=latest.last_fetched_at if latest else None,
        last_status=latest.last_status if latest else "",
        last_new_article=last_new,
        consecutive_failures=failures,
        per_day=counts,
        warnings=_warnings(bool(feeds), failures, last_new, watched, counts),
    )


def feed_health(feed: Feed) -> Health:
    imported = FeedPage.objects.filter(feed=feed, state=FeedPage.State.IMPORTED, reason="")
    counts = _per_day(imported, "done_at")
    return Health(
        last_fetch=feed.last_fetched_at,
        last_status=feed.last_status,
        last_new_article=feed.last_new_article_at,
        consecutive_failures=feed.consecutive_failures,
        per_day=counts,
        warnings=_warnings(
            feed.is_active,
            feed.consecutive_failures,
            feed.last_new_article_at,
            feed.created_at,
            counts,
        ),
    )


def sources_needing_attention() -> set[int]:
    """The ids of sources with a warning (for the admin's list filter)."""
    watched = Source.objects.filter(feeds__is_active=True).distinct()
    return {source.pk for source in watched if source_health(source).needs_attention}


def feeds_needing_attention() -> set[int]:
    return {feed.pk for feed in Feed.objects.filter(is_active=True) if feed_health(feed).warnings}


def _per_day(rows: QuerySet[Any], field: str) -> tuple[tuple[date, int], ...]:
    today = timezone.localdate()
    first = today - timedelta(days=DAYS - 1)
    since = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    queryset = rows.filter(**{f"{field}__gte": since})
    by_day = Counter(
        {
            row["day"]: row["n"]
            for row in queryset.annotate(day=TruncDate(field)).values("day").annotate(n=Count("id"))
        }
    )
    return tuple(
        (first + timedelta(days=n), by_day[first + timedelta(days=n)]) for n in range(DAYS)
    )


def _warnings(
    watched: bool,
    failures: int,
    last_new: datetime | None,
    since: datetime | None,
    per_day: tuple[tuple[date, int], ...],
) -> tuple[str, ...]:
    if not watched:
        return ()
    found = []
    if failures >= FAILING:
        found.append(f"failing: {failures} fetches in a row failed")
    now = timezone.now()
    silent_since = now - timedelta(days=SILENT_DAYS)
    if since is not None and since < silent_since and (last_new is None or last_new < silent_since):
        found.append(f"silent: no new article for {SILENT_DAYS} days or more")
    counts = [n for _, n in per_day]
    recent = sum(counts[-RECENT_DAYS:])
    expected = sum(counts[:-RECENT_DAYS]) * RECENT_DAYS / (DAYS - RECENT_DAYS)
    if expected >= RECENT_DAYS and recent < expected * DROP_RATIO:
        found.append(
            f"volume drop: {recent} articles in the last {RECENT_DAYS} days, "
            f"about {expected:.0f} expected"
        )
    return tuple(found)


def chart_svg(
    per_day: tuple[tuple[date, int], ...], *, label: str = "articles per day"
) -> SafeString:
    """A bar per day, drawn with attributes only; each bar's <title> gives its day and count.

    >>> svg = chart_svg(((date(2026, 1, 1), 2), (date(2026, 1, 2), 0)))
    >>> svg.count("<rect"), "<title>2026-01-01: 2</title>" in svg, "style" in svg
    (3, True, False)
    """
    width, height, gap = 6, 40, 1
    top = max((n for _, n in per_day), default=0) or 1
    bars = []
    for index, (day, count) in enumerate(per_day):
        tall = round(height * count / top) if count else 0
        bars.append(
            f'<rect x="{index * width}" y="{height - tall}" width="{width - gap}" '
            f'height="{max(tall, 1) if count else 0}" fill="#417690">'
            f"<title>{day.isoformat()}: {count}</title></rect>"
        )
    total = sum(n for _, n in per_day)
    span = len(per_day) * width
    text = escape(f"{label}: {total} in {len(per_day)} days, at most {top if total else 0} a day")
    return mark_safe(  # noqa: S308 - built from numbers, dates and escaped text only
        f'<svg class="feed-chart" xmlns="http://www.w3.org/2000/svg" width="{span}" '
        f'height="{height + 1}" viewBox="0 0 {span} {height + 1}" role="img" '
        f'aria-label="{text}"><title>{text}</title>'
        f'<rect x="0" y="{height}" width="{span}" height="1" fill="#999"></rect>'
        f"{''.join(bars)}</svg>"
    )


def describe(health: Health) -> SafeString:
    """The health figures and chart as a small HTML block for an admin page."""
    rows = [
        ("last fetch", _when(health.last_fetch)),
        ("last status", health.last_status or "never fetched"),
        ("last new article", _when(health.last_new_article)),
        ("failures in a row", str(health.consecutive_failures)),
        ("warnings", "; ".join(health.warnings) or "none"),
    ]
    cells = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return mark_safe(  # noqa: S308 - every value is escaped
        f'<table class="feed-health">{cells}</table>'
        f'<p class="feed-chart-label">Articles per day, last {DAYS} days:</p>'
        f"{chart_svg(health.per_day)}"
    )


def _when(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "never"

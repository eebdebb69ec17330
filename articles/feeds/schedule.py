"""The worker's feed job: fetch due feeds, then the new pages they listed, a few per turn.

fetch_turn() is one bounded turn (articles/worker.py runs it): the feed due longest (if
any) is fetched and its new entries are recorded as pending FeedPages; then up to
FEED_PAGES_PER_TURN pending pages are fetched, extracted and imported through the same
path as files (ingest.prepare + ingest.save: one transaction per article, queued for the
index with it). Work waits in the database between turns, so a killed worker loses nothing
and the conditional GET never hides entries not yet fetched.

A feed's failure (HTTP error, timeout, HTML instead of a feed, truncated XML) is recorded
on it with its reason and pushes its next fetch back (twice its interval per failure in a
row, at most a day); a page's failure is recorded on the page: errors that may pass are
tried again later (PAGE_ATTEMPTS times in all, 5 then 20 minutes apart), others are
marked failed at once.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from articles.entities import current_linker
from articles.feeds.canon import canonical_url, same_site
from articles.feeds.extract import NoArticle, page_input
from articles.feeds.fetch import Fetcher, FetchError, fetcher, gunzipped
from articles.feeds.parse import Entry, Listing, NotAFeed, parse_listing
from articles.ingest import IngestError, prepare, save
from articles.models import Article, Feed, FeedKind, FeedPage
from articles.text import UnreadableInput

log = logging.getLogger(__name__)

MAX_ENTRIES = 1000  # entries read from one feed or sitemap per fetch
MAX_SITEMAPS = 10  # sitemaps read from an index per fetch (the newest)
MAX_PROBLEMS = 50  # entry problems kept on the feed
PAGE_ATTEMPTS = 3
PAGE_RETRY = timedelta(minutes=5)  # a page's first wait after a failure that may pass; x4 after
_MAX_BACKOFF = timedelta(days=1)
# What an article page may be served as (no Content-Type at all is given a chance too).
_PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain", "application/xml"})


def fetch_turn() -> int:
    """One turn of the worker's feed job: how many feeds and pages it fetched."""
    client = fetcher()
    done = 0
    feed = due_feeds().first()
    if feed is not None:
        fetch_feed(feed, client)
        done += 1
    return done + fetch_pages(client, limit=int(settings.FEED_PAGES_PER_TURN))


def due_feeds() -> QuerySet[Feed]:
    now = timezone.now()
    return (
        Feed.objects.filter(is_active=True, source__is_active=True)
        .filter(Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now))
        .select_related("source")
        .order_by(F("next_fetch_at").asc(nulls_first=True), "id")
    )


def fetch_now(feeds: QuerySet[Feed]) -> int:
    """Make the feeds due at once (the admin's "fetch now"); the worker's next turn fetches."""
    return feeds.update(next_fetch_at=timezone.now())


def fetch_feed(feed: Feed, client: Fetcher) -> int:
    """Fetch one feed (a sitemap index: its newest sitemaps too); record its new pages."""
    feed.last_fetched_at = timezone.now()
    try:
        fetched = client.get(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        if fetched.status == 304:
            _succeeded(feed, "not modified (HTTP 304)")
            return 0
        listing = parse_listing(gunzipped(fetched.body, client.limits.max_bytes))
    except (FetchError, NotAFeed) as exc:
        _failed(feed, str(exc))
        return 0
    problems: list[str] = []
    entries = list(listing.entries)
    if listing.kind == "sitemapindex":
        entries += _from_sitemaps(listing, client, problems)
    feed.kind = FeedKind.FEED if listing.kind == "feed" else FeedKind.SITEMAP
    feed.etag, feed.last_modified = fetched.etag, fetched.last_modified
    new = _record_pages(feed, entries[:MAX_ENTRIES], problems)
    shown = "" if not problems else f", {len(problems)} left out"
    _succeeded(feed, f"ok: {len(entries)} entries, {new} new{shown}", problems)
    return new


def _from_sitemaps(listing: Listing, client: Fetcher, problems: list[str]) -> list[Entry]:
    entries: list[Entry] = []
    for url in listing.sitemaps[:MAX_SITEMAPS]:
        try:
            child = parse_listing(gunzipped(client.get(url).body, client.limits.max_bytes))
        except (FetchError, NotAFeed) as exc:
            problems.append(f"sitemap {url[:200]}: {exc}")
            continue
        if child.kind == "sitemapindex":
            problems.append(f"sitemap {url[:200]}: an index inside an index, not followed")
        entries.extend(child.entries)
    return entries


def _record_pages(feed: Feed, entries: list[Entry], problems: list[str]) -> int:
    """Record the entries not yet in the archive or waiting as pending pages; how many."""
    home = feed.source.domain or feed.url
    wanted: dict[str, Entry] = {}
    for entry in entries:
        name = repr(entry.title[:80]) if entry.title else "an entry without a title"
        if not entry.url:
            problems.append(f"{name}: no link")
            continue
        url = canonical_url(entry.url)
        if url is None:
            problems.append(f"{name}: not an http(s) URL: {entry.url[:200]}")
        elif not same_site(url, home):
            problems.append(f"{name}: links to another site: {url[:200]}")
        else:
            wanted.setdefault(url, entry)
    known = set(FeedPage.objects.filter(url__in=wanted).values_list("url", flat=True))
    # Against the archive: a page stored from a file or another feed is never fetched again.
    listed = {*wanted, *(entry.url for entry in wanted.values())}
    stored = Article.objects.filter(Q(url__in=listed) | Q(key__in=listed))
    for url, key in stored.values_list("url", "key"):
        known |= {canonical_url(url or "") or "", canonical_url(key) or ""}
    pages = [
        FeedPage(
            feed=feed,
            url=url,
            title=entry.title[:1000],
            published=entry.published,
        )
        for url, entry in wanted.items()
        if url not in known
    ]
    FeedPage.objects.bulk_create(pages, ignore_conflicts=True)
    return len(pages)


def _succeeded(feed: Feed, status: str, problems: list[str] | None = None) -> None:
    feed.last_status = status[:200]
    if problems is not None:
        feed.last_problems = "\n".join(problems[:MAX_PROBLEMS])
    feed.consecutive_failures = 0
    feed.next_fetch_at = timezone.now() + timedelta(minutes=feed.interval_minutes)
    feed.save()


def _failed(feed: Feed, reason: str) -> None:
    feed.consecutive_failures += 1
    feed.last_status = f"failed: {reason}"[:200]
    backoff = timedelta(minutes=feed.interval_minutes) * 2 ** min(feed.consecutive_failures, 10)
    feed.next_fetch_at = timezone.now() + min(backoff, _MAX_BACKOFF)
    feed.save()
    log.warning("feed %s: %s", feed.url, reason)


def fetch_pages(client: Fetcher, *, limit: int) -> int:
    """Fetch and import up to `limit` pending pages; how many were tried."""
    now = timezone.now()
    pending = (
        FeedPage.objects.filter(
            state=FeedPage.State.PENDING, feed__is_active=True, feed__source__is_active=True
        )
        .filter(Q(next_try_at__isnull=True) | Q(next_try_at__lte=now))
        .select_related("feed__source")
        .order_by("found_at", "id")[:limit]
    )
    pages = list(pending)
    for page in pages:
        _import_page(page, client)
    return len(pages)


def _import_page(page: FeedPage, client: Fetcher) -> None:
    feed, source = page.feed, page.feed.source
    page.attempts += 1
    try:
        fetched = client.get(page.url)
        kind = fetched.content_type.split(";")[0].strip().lower()
        if kind and kind not in _PAGE_TYPES:
            raise NoArticle(f"not a web page ({kind})")
        item = page_input(
            fetched.body,
            url=page.url,
            entry=Entry(page.url, page.title, page.published, ""),
            source_name=source.name,
            source_domain=source.domain,
            language=feed.language or source.language,
            crawled=timezone.localdate(),
        )
        article, status = save(prepare(item, current_linker()))
    except FetchError as exc:
        if exc.transient and page.attempts < PAGE_ATTEMPTS:
            page.reason = str(exc)[:500]
            page.next_try_at = timezone.now() + _page_backoff(page.attempts)
            page.save()
            return
        _page_failed(page, str(exc))
        return
    except (UnreadableInput, NoArticle, IngestError) as exc:
        _page_failed(page, str(exc))
        return
    except Exception as exc:  # one page nobody foresaw must not stop the feed
        log.exception("importing %s failed", page.url)
        _page_failed(page, f"could not be imported ({type(exc).__name__}: {exc})")
        return
    page.state = FeedPage.State.IMPORTED
    page.article = article
    page.reason = "" if status == "created" else f"already archived ({status})"
    page.done_at = timezone.now()
    page.save()
    if status == "created":
        Feed.objects.filter(pk=feed.pk).update(last_new_article_at=page.done_at)


def _page_backoff(attempts: int) -> timedelta:
    return PAGE_RETRY * 4 ** (attempts - 1)


def _page_failed(page: FeedPage, reason: str) -> None:
    page.state = FeedPage.State.FAILED
    page.reason = reason[:500]
    page.done_at = timezone.now()
    page.save()

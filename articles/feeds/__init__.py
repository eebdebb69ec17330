"""Feeds: sources that feed themselves. The worker fetches each active feed when due.

canon.py     canonical URLs (tracking parameters dropped) and same-site checks (pure)
fetch.py     the polite HTTP client: robots.txt, per-host rate, conditional GET, caps, retries
parse.py     RSS/Atom (feedparser) and news sitemaps and their indexes (lxml) to entries (pure)
extract.py   a fetched page to a RawInput: trafilatura's text, the feed's title and date (pure)
schedule.py  the worker's job: due feeds, their new pages, each imported by ingest
health.py    per feed and source: last fetch and status, articles per day, warnings, chart
admin.py     the Feed admin, the sources' feed inline, "fetch now", the attention filters
"""

from articles.feeds.canon import canonical_url, same_site
from articles.feeds.extract import NoArticle, page_input
from articles.feeds.fetch import Fetched, Fetcher, FetchError, Limits, fetcher
from articles.feeds.health import (
    Health,
    chart_svg,
    describe,
    feed_health,
    feeds_needing_attention,
    source_health,
    sources_needing_attention,
)
from articles.feeds.parse import Entry, Listing, NotAFeed, parse_listing
from articles.feeds.schedule import due_feeds, fetch_feed, fetch_now, fetch_pages, fetch_turn

__all__ = [
    "Entry",
    "FetchError",
    "Fetched",
    "Fetcher",
    "Health",
    "Limits",
    "Listing",
    "NoArticle",
    "NotAFeed",
    "canonical_url",
    "chart_svg",
    "describe",
    "due_feeds",
    "feed_health",
    "feeds_needing_attention",
    "fetch_feed",
    "fetch_now",
    "fetch_pages",
    "fetch_turn",
    "fetcher",
    "page_input",
    "parse_listing",
    "same_site",
    "source_health",
    "sources_needing_attention",
]

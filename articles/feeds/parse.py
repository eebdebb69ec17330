"""parse_listing(bytes) -> Listing: what an RSS/Atom feed or a (news) sitemap lists. Pure.

Feeds are read by feedparser (RSS 0.9x-2.0, RSS 1.0, Atom), sitemaps by lxml with entities
and network access off. A document that is not one of these (an HTML page), or XML cut
short, is NotAFeed with the reason: none of its entries is used, so a truncated feed never
half-imports. Dates are kept in the publisher's own time zone (a Vietnamese story published
at 01:00 +07:00 is dated that day, not the day before in UTC).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser
from lxml import etree

_SITEMAP_ROOT = re.compile(rb"<(?:[\w-]+:)?(urlset|sitemapindex)[\s>]")
_ISO_DAY = re.compile(r"^(\d{4}-\d\d-\d\d)")
_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": False,
    "remove_comments": True,
}
# feedparser's complaints that still leave a well-read feed.
_BENIGN = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


class NotAFeed(ValueError):
    """The document is no feed or sitemap we can read; the message says why."""


@dataclass(frozen=True)
class Entry:
    url: str  # as listed ("" when the entry has no link)
    title: str
    published: str  # "YYYY-MM-DD" or ""
    language: str  # "vi", "en", ... or ""


@dataclass(frozen=True)
class Listing:
    kind: str  # "feed" | "sitemap" | "sitemapindex"
    entries: tuple[Entry, ...]
    sitemaps: tuple[str, ...] = ()  # a sitemap index's sitemaps, newest first when dated


def parse_listing(data: bytes) -> Listing:
    """The entries of a feed or sitemap, or the sitemaps of a sitemap index.

    >>> parse_listing(b"<html><body>Hi</body></html>")
    Traceback (most recent call last):
    ...
    articles.feeds.parse.NotAFeed: not a feed or sitemap (an HTML page?)
    """
    if _SITEMAP_ROOT.search(data[:4096]):
        return _sitemap(data)
    return _feed(data)


def _feed(data: bytes) -> Listing:
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    problem = parsed.get("bozo_exception")
    if problem is not None and not isinstance(problem, _BENIGN):
        if not parsed.get("version") and not parsed.entries:
            raise NotAFeed("not a feed or sitemap (an HTML page?)")
        raise NotAFeed(f"malformed or truncated XML: {_first_line(problem)}")
    if not parsed.get("version"):
        raise NotAFeed("not a feed or sitemap (an HTML page?)")
    language = _language(parsed.feed.get("language", ""))
    entries = tuple(
        Entry(
            url=str(entry.get("link") or "").strip(),
            title=str(entry.get("title") or "").strip(),
            published=_entry_day(entry),
            language=language,
        )
        for entry in parsed.entries
    )
    return Listing("feed", entries)


def _entry_day(entry: Any) -> str:
    for key in ("published", "updated", "created"):
        text = entry.get(key)
        if text and (day := _day(str(text))):
            return day
    return ""


def _day(text: str) -> str:
    """The calendar day a feed's date names, in its own time zone, as YYYY-MM-DD.

    >>> _day("Wed, 12 Jul 2023 01:30:00 +0700"), _day("2023-07-12T01:30:00+07:00"), _day("x")
    ('2023-07-12', '2023-07-12', '')
    """
    text = text.strip()
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        match = _ISO_DAY.match(text)
        return match[1] if match and _valid(match[1]) else ""


def _valid(day: str) -> bool:
    try:
        datetime.strptime(day, "%Y-%m-%d")
    except ValueError:
        return False
    return True


def _sitemap(data: bytes) -> Listing:
    try:
        root = etree.fromstring(data, etree.XMLParser(**_PARSER_OPTIONS))
    except etree.XMLSyntaxError as exc:
        raise NotAFeed(f"malformed or truncated XML: {_first_line(exc)}") from exc
    if _local(root.tag) == "sitemapindex":
        dated = []
        for position, child in enumerate(_children(root, "sitemap")):
            loc = _text(child, "loc")
            if loc:
                dated.append((_text(child, "lastmod"), -position, loc))
        # Newest first: a news site's index lists years of sitemaps; the new articles are in
        # the latest ones. Undated ones keep their order, after the dated.
        dated.sort(reverse=True)
        return Listing("sitemapindex", (), tuple(loc for _, _, loc in dated))
    entries = []
    for url in _children(root, "url"):
        news = next(_descendants(url, "news"), None)
        title = _text(news, "title") if news is not None else ""
        published = _text(news, "publication_date") if news is not None else ""
        publication = next(_descendants(news, "publication"), None) if news is not None else None
        language = _text(publication, "language") if publication is not None else ""
        entries.append(Entry(_text(url, "loc"), title, _day(published), _language(language)))
    return Listing("sitemap", tuple(entries))


def _children(node: Any, name: str) -> list[Any]:
    return [child for child in node if isinstance(child.tag, str) and _local(child.tag) == name]


def _descendants(node: Any, name: str) -> Any:
    return (
        child for child in node.iter() if isinstance(child.tag, str) and _local(child.tag) == name
    )


def _text(node: Any, name: str) -> str:
    found = next(_descendants(node, name), None)
    return (found.text or "").strip() if found is not None else ""


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _language(code: str) -> str:
    return code.strip().lower()[:2] if re.match(r"^[a-zA-Z]{2}\b", code.strip()) else ""


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().split("\n")[0][:200]

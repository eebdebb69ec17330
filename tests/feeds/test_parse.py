"""Feeds and sitemaps to entries, canonical URLs, pages to inputs: pure, no database."""

from __future__ import annotations

from datetime import date

import pytest

from articles.feeds import (
    Entry,
    NoArticle,
    NotAFeed,
    canonical_url,
    page_input,
    parse_listing,
    same_site,
)
from articles.ingest import extract_text
from tests.feeds.site import demo_page, golden_page, news_sitemap, rss, sitemap_index, to_cp1258


def test_rss_entries_keep_link_title_and_the_publishers_day() -> None:
    feed = rss(
        [
            {
                "link": "https://vov.vn/a-1.vov",
                "title": "Hà Nội",
                "pubDate": "Wed, 12 Jul 2023 01:30:00 +0700",
            },
            {"title": "Không có liên kết"},
        ]
    )
    listing = parse_listing(feed.encode())
    assert listing.kind == "feed"
    assert listing.entries == (
        Entry("https://vov.vn/a-1.vov", "Hà Nội", "2023-07-12", "vi"),
        Entry("", "Không có liên kết", "", "vi"),
    )


def test_atom_entries_are_read() -> None:
    atom = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">'
        "<title>T</title><id>urn:x</id><updated>2024-10-19T00:00:00Z</updated>"
        '<entry><title>G7 talks</title><link href="https://aljazeera.com/news/g7"/>'
        "<id>urn:1</id><published>2024-10-19T23:10:00-04:00</published></entry></feed>"
    )
    (entry,) = parse_listing(atom.encode()).entries
    assert (entry.url, entry.title, entry.published) == (
        "https://aljazeera.com/news/g7",
        "G7 talks",
        "2024-10-19",
    )


def test_news_sitemap_and_index() -> None:
    sitemap = news_sitemap(
        [("https://x.vn/a", "Tin A", "2024-10-19T08:00:00+07:00")], language="vi"
    )
    (entry,) = parse_listing(sitemap.encode()).entries
    assert entry == Entry("https://x.vn/a", "Tin A", "2024-10-19", "vi")
    index = sitemap_index(
        [("https://x.vn/old.xml", "2023-01-01"), ("https://x.vn/new.xml", "2024-10-19")]
    )
    listing = parse_listing(index.encode())
    assert listing.kind == "sitemapindex"
    assert listing.sitemaps == ("https://x.vn/new.xml", "https://x.vn/old.xml")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (golden_page("vov-related-aside"), "not a feed or sitemap"),
        (
            rss([{"link": "https://x.vn/a", "title": "A"}] * 3).encode()[:-60],
            "malformed or truncated XML",
        ),
        (
            news_sitemap([("https://x.vn/a", "A", "2024-01-01")]).encode()[:-30],
            "malformed or truncated XML",
        ),
        (b"", "not a feed or sitemap"),
        (
            b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&e;</loc></url></urlset>',
            None,
        ),
    ],
)
def test_what_is_no_feed_says_why_and_yields_nothing(data: bytes, reason: str | None) -> None:
    if reason is None:  # an external entity is never read
        (entry,) = parse_listing(data).entries
        assert "root:" not in entry.url
        return
    with pytest.raises(NotAFeed, match=reason):
        parse_listing(data)


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://VOV.vn/a.vov?utm_source=rss&utm_medium=feed", "https://vov.vn/a.vov"),
        ("https://vov.vn:443/a.vov?id=7&fbclid=abc#comments", "https://vov.vn/a.vov?id=7"),
        ("http://127.0.0.1:8123/p?gclid=1&page=2", "http://127.0.0.1:8123/p?page=2"),
        ("https://vov.vn", "https://vov.vn/"),
        ("ftp://vov.vn/a", None),
    ],
)
def test_canonical_urls_drop_tracking(url: str, canonical: str | None) -> None:
    assert canonical_url(url) == canonical


def test_same_site_takes_subdomains_only() -> None:
    assert same_site("https://english.vov.vn/x", "vov.vn")
    assert not same_site("https://vov.vn.evil.com/x", "vov.vn")
    assert not same_site("http://localhost:80/x", "127.0.0.1")


def _input(data: bytes, entry: Entry) -> object:
    return page_input(
        data,
        url=entry.url,
        entry=entry,
        source_name="VOV.VN",
        source_domain="vov.vn",
        language="vi",
        crawled=date(2026, 11, 30),
    )


def test_a_page_input_keeps_the_html_and_the_feeds_title_and_date() -> None:
    data = golden_page("vov-related-aside")
    entry = Entry("https://vov.vn/x.vov", "Tiêu đề của feed", "2023-07-13", "")
    item = _input(data, entry)
    assert item.format == "html" and item.raw == data.decode("utf-8")  # type: ignore[attr-defined]
    fields = item.fields  # type: ignore[attr-defined]
    assert fields["title"] == "Tiêu đề của feed" and fields["published"] == "2023-07-13"
    assert "tuyến mới dài khoảng 32 km" in fields["body"]
    # Without feed values, the page's own metadata.
    fields = _input(data, Entry("https://vov.vn/x.vov", "", "", "")).fields  # type: ignore[attr-defined]
    assert fields["title"] == "Hà Nội mở thêm tuyến xe buýt điện nối sân bay Nội Bài"
    assert fields["published"] == "2023-07-12"


def test_a_windows_1258_page_reads_as_the_utf8_one() -> None:
    page = demo_page("000")
    legacy = to_cp1258(page.replace('charset="utf-8"', 'charset="windows-1258"'))
    assert legacy != page.encode()
    entry = Entry("https://vov.vn/x.vov", "", "", "")
    body = _input(legacy, entry).fields["body"]  # type: ignore[attr-defined]
    assert body == _input(page.encode(), entry).fields["body"]  # type: ignore[attr-defined]
    assert "Tổng Thư ký NATO Jens Stoltenberg" in body


def test_a_page_without_text_is_no_article() -> None:
    with pytest.raises(NoArticle):
        _input(
            b"<html><head><title>x</title></head><body></body></html>",
            Entry("https://vov.vn/x", "", "", ""),
        )


def test_noise_rules_still_run_on_the_extracted_text() -> None:
    fields = _input(
        golden_page("vov-related-aside"), Entry("https://vov.vn/x.vov", "", "", "")
    ).fields  # type: ignore[attr-defined]
    assert "Xem thêm" in fields["body"]  # trafilatura keeps the teaser line...
    extracted = extract_text(fields["title"] + "\n\n" + fields["body"])
    assert "Xem thêm" not in extracted.body  # ...the import path's noise rules drop it
    assert "giảm ô nhiễm không khí" in extracted.body

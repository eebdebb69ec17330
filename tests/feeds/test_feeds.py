"""Feeds end to end against a real HTTP server on 127.0.0.1, driven by the worker's loop:
due feeds, conditional GET, dedupe, extraction through the import path, failures recorded."""

from __future__ import annotations

import gzip
import threading
import time
from datetime import timedelta

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from articles import worker
from articles.feeds import fetch_feed, fetch_now
from articles.models import Article, Feed, FeedPage, Source
from tests.factories import make_article
from tests.feeds.conftest import warmed_fetcher
from tests.feeds.site import (
    Site,
    demo_page,
    golden_page,
    news_sitemap,
    rss,
    send,
    sitemap_index,
    to_cp1258,
)

BUS = "Xe buýt điện nối sân bay Nội Bài (tiêu đề của feed)"


def run_worker() -> dict[str, int]:
    """The worker's loop until no job has work left (as `manage.py index_worker --once`)."""
    return worker.run(until_idle=True)


def vov(site: Site) -> Source:
    return Source.objects.create(name="VOV.VN", domain="127.0.0.1", language="vi", country="VN")


def search(client: Client, q: str) -> str:
    return client.get("/search/", {"q": q}).content.decode()


@pytest.mark.django_db
def test_two_rounds_import_new_entries_only_and_become_searchable(
    site: Site, client: Client
) -> None:
    site.add("/xa-hoi/bus.html", golden_page("vov-related-aside"))
    site.add("/the-gioi/nato.html", demo_page("000"))
    items = [
        {
            "link": site.url("/xa-hoi/bus.html?utm_source=rss&utm_medium=feed"),
            "title": BUS,
            "pubDate": "Wed, 12 Jul 2023 01:30:00 +0700",
        },
        {
            "link": site.url("/the-gioi/nato.html"),
            "title": "",
            "pubDate": "Sat, 21 May 2016 10:00:00 +0700",
        },
        {"link": site.url("/xa-hoi/bus.html?fbclid=xyz"), "title": "the same page again"},
        {"title": "Một tin không có liên kết"},
        {"link": f"http://localhost:{site.port}/elsewhere.html", "title": "Tin của trang khác"},
        {"link": site.url("/gone.html"), "title": "Tin đã xoá"},
    ]
    site.add("/rss.xml", rss(items), content_type="application/rss+xml")
    feed = Feed.objects.create(source=vov(site), url=site.url("/rss.xml"), interval_minutes=15)

    done = run_worker()
    assert done["feeds"] >= 4 and done["index"] == 2  # the feed, three pages; two articles
    bus = Article.objects.get(url=site.url("/xa-hoi/bus.html"))
    nato = Article.objects.get(url=site.url("/the-gioi/nato.html"))
    assert Article.objects.count() == 2
    # Feed values win; the page gives the rest; the HTML is kept.
    assert bus.title == BUS and bus.published.isoformat() == "2023-07-12"
    assert bus.raw_format == "html" and bus.raw == golden_page("vov-related-aside").decode()
    assert "tuyến mới dài khoảng 32 km" in bus.body and "Xem thêm" not in bus.body
    assert bus.source.name == "VOV.VN" and bus.language == "vi"
    assert nato.title == "NATO không có kế hoạch triển khai lực lượng chiến đấu tại Libya"
    assert nato.published.isoformat() == "2016-05-21"
    assert site.hits["/xa-hoi/bus.html"] == 1 and site.hits["/elsewhere.html"] == 0
    feed.refresh_from_db()
    assert feed.last_status == "ok: 6 entries, 3 new, 2 left out"
    assert "no link" in feed.last_problems and "links to another site" in feed.last_problems
    assert feed.next_fetch_at > timezone.now() + timedelta(minutes=14)
    assert feed.last_new_article_at is not None and feed.consecutive_failures == 0
    gone = FeedPage.objects.get(url=site.url("/gone.html"))
    assert gone.state == "failed" and gone.reason == "HTTP 404"
    assert BUS in search(client, "xe buyt dien")
    assert nato.title in search(client, "Stoltenberg")

    # Round 2, nothing changed: the feed answers 304 and no page is asked for again.
    assert fetch_now(Feed.objects.all()) == 1
    run_worker()
    feed.refresh_from_db()
    assert feed.last_status == "not modified (HTTP 304)"
    rss_requests = [headers for path, headers in site.requests if path == "/rss.xml"]
    assert len(rss_requests) == 2 and "if-none-match" in rss_requests[1]
    assert site.hits["/xa-hoi/bus.html"] == 1 and site.hits["/the-gioi/nato.html"] == 1

    # Round 3, one new entry: only it is fetched.
    site.add("/the-gioi/g7.html", demo_page("002"))
    items.append(
        {
            "link": site.url("/the-gioi/g7.html"),
            "title": "",
            "pubDate": "Sat, 19 Oct 2024 09:00:00 +0700",
        }
    )
    site.add("/rss.xml", rss(items), content_type="application/rss+xml")
    fetch_now(Feed.objects.all())
    run_worker()
    assert Article.objects.count() == 3
    assert site.hits["/the-gioi/g7.html"] == 1
    assert site.hits["/xa-hoi/bus.html"] == 1 and site.hits["/the-gioi/nato.html"] == 1
    feed.refresh_from_db()
    assert feed.last_status.startswith("ok: 7 entries, 1 new")


@pytest.mark.django_db
def test_bad_feeds_are_recorded_with_their_reason_and_back_off(site: Site) -> None:
    source = vov(site)

    def loop_a(request: object) -> None:
        send(request, 302, b"", headers={"Location": "/loop-b"})  # type: ignore[arg-type]

    def loop_b(request: object) -> None:
        send(request, 301, b"", headers={"Location": "/loop-a"})  # type: ignore[arg-type]

    good = rss([{"link": site.url("/ok.html"), "title": "", "pubDate": ""}])
    site.add("/ok.html", golden_page("vov-related-aside"))
    bad = {
        "/html.xml": (golden_page("gulfdaily-jsonld-teasers"), "not a feed or sitemap"),
        "/cut.xml": (good.encode()[:-40], "malformed or truncated XML"),
        "/error.xml": (b"oops", "HTTP 500"),
        "/missing.xml": (None, "HTTP 404"),
        "/loop-a": (loop_a, "redirect loop"),
    }
    site.handle("/loop-b", loop_b)
    for path, (answer, _) in bad.items():
        if isinstance(answer, bytes):
            site.add(path, answer, status=500 if path == "/error.xml" else 200)
        elif answer is not None:
            site.handle(path, answer)
        Feed.objects.create(source=source, url=site.url(path), interval_minutes=10)
    site.add("/good.xml", good)
    Feed.objects.create(source=source, url=site.url("/good.xml"))
    before = timezone.now()
    run_worker()
    for path, (_, reason) in bad.items():
        feed = Feed.objects.get(url=site.url(path))
        assert feed.last_status.startswith(f"failed: {reason}"), (path, feed.last_status)
        assert feed.consecutive_failures == 1
        assert feed.next_fetch_at >= before + timedelta(minutes=20)  # twice the interval
    assert site.hits["/error.xml"] == 2  # tried again once, within the fetch
    # Nothing else stopped, nothing of the truncated feed was imported.
    assert list(Article.objects.values_list("url", flat=True)) == [site.url("/ok.html")]
    failing = Feed.objects.get(url=site.url("/error.xml"))
    fetch_now(Feed.objects.filter(pk=failing.pk))
    run_worker()
    failing.refresh_from_db()
    assert failing.consecutive_failures == 2
    assert failing.next_fetch_at >= timezone.now() + timedelta(minutes=39)


@pytest.mark.django_db
def test_a_feed_that_never_answers_is_recorded_as_timed_out(site: Site) -> None:
    def slow(request: object) -> None:
        site.release.wait(300)  # no answer while the test runs

    feed = Feed.objects.create(source=vov(site), url=site.handle("/slow.xml", slow))
    fetch_feed(feed, warmed_fetcher(feed.url, timeout=0.5))
    feed.refresh_from_db()
    assert feed.last_status == "failed: timed out after 0.5 s"
    assert feed.consecutive_failures == 1 and site.hits["/slow.xml"] == 2  # with its retry


@pytest.mark.django_db
def test_pages_are_retried_with_backoff_then_given_up(site: Site) -> None:
    site.add("/down.html", b"busy", status=503)
    site.add("/rss.xml", rss([{"link": site.url("/down.html"), "title": "T", "pubDate": ""}]))
    Feed.objects.create(source=vov(site), url=site.url("/rss.xml"))
    run_worker()
    page = FeedPage.objects.get()
    assert (page.state, page.attempts, page.reason) == ("pending", 1, "HTTP 503")
    assert page.next_try_at > timezone.now()
    for attempt in (2, 3):
        FeedPage.objects.update(next_try_at=timezone.now())  # the backoff has passed
        run_worker()
        page.refresh_from_db()
        assert page.attempts == attempt
    assert (page.state, page.reason) == ("failed", "HTTP 503")
    assert site.hits["/down.html"] == 6  # 3 attempts, each with one quick retry
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_robots_txt_disallow_and_the_archive_are_respected(site: Site) -> None:
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    site.add("/private/a.html", golden_page("vov-related-aside"))
    site.add("/known.html", golden_page("vov-related-aside"))
    site.add("/report.pdf", b"%PDF-1.4 not an article", content_type="application/pdf")
    make_article(url=site.url("/known.html"), title="Đã có trong kho")
    entries = [
        {"link": site.url("/private/a.html"), "title": "A", "pubDate": ""},
        {"link": site.url("/known.html?utm_campaign=x"), "title": "B", "pubDate": ""},
        {"link": site.url("/report.pdf"), "title": "C", "pubDate": ""},
    ]
    site.add("/rss.xml", rss(entries))
    feed = Feed.objects.create(source=vov(site), url=site.url("/rss.xml"))
    run_worker()
    page = FeedPage.objects.get(url=site.url("/private/a.html"))
    assert page.state == "failed" and page.reason.startswith("robots.txt disallows")
    assert site.hits["/private/a.html"] == 0 and site.hits["/known.html"] == 0
    pdf = FeedPage.objects.get(url=site.url("/report.pdf"))
    assert (pdf.state, pdf.reason) == ("failed", "not a web page (application/pdf)")
    feed.refresh_from_db()
    assert feed.last_status == "ok: 3 entries, 2 new"
    assert not Article.objects.exclude(title="Đã có trong kho").exists()
    assert all(
        headers["user-agent"].startswith("newsarchive-test/1.0") for _, headers in site.requests
    )


@pytest.mark.django_db
def test_a_sitemap_index_leads_to_its_news_sitemaps(site: Site) -> None:
    site.add("/en/libya.html", demo_page("003"))
    site.add("/en/nato.html", demo_page("004"))
    site.add(
        "/sitemap-2016-04.xml",
        news_sitemap(
            [
                (
                    site.url("/en/libya.html"),
                    "Libya: unity government (sitemap)",
                    "2016-04-13T10:00:00Z",
                )
            ]
        ),
    )
    # Served gzipped, as many sites do.
    site.add(
        "/sitemap-2016-05.xml.gz",
        gzip.compress(news_sitemap([(site.url("/en/nato.html"), "", "2016-04-05")]).encode()),
        content_type="application/gzip",
    )
    site.add(
        "/sitemap-index.xml",
        sitemap_index(
            [
                (site.url("/sitemap-2016-04.xml"), "2016-04-30"),
                (site.url("/sitemap-2016-05.xml.gz"), "2016-05-31"),
            ]
        ),
    )
    source = Source.objects.create(name="Libyan Express", domain="127.0.0.1", language="en")
    feed = Feed.objects.create(source=source, url=site.url("/sitemap-index.xml"))
    run_worker()
    feed.refresh_from_db()
    assert feed.kind == "sitemap" and feed.last_status == "ok: 2 entries, 2 new"
    libya = Article.objects.get(url=site.url("/en/libya.html"))
    assert libya.title == "Libya: unity government (sitemap)" and libya.language == "en"
    assert libya.published.isoformat() == "2016-04-13"
    assert Article.objects.get(url=site.url("/en/nato.html")).published.isoformat() == "2016-04-05"


@pytest.mark.django_db
def test_a_latin1_page_with_a_wrong_charset_header_is_read_right(site: Site) -> None:
    page = demo_page("003").replace('<meta charset="utf-8">', "")
    site.add("/en/libya.html", page.encode("cp1252"), content_type="text/html; charset=utf-8")
    site.add(
        "/rss.xml",
        rss([{"link": site.url("/en/libya.html"), "title": "", "pubDate": ""}], language="en"),
    )
    source = Source.objects.create(name="Libyan Express", domain="127.0.0.1", language="en")
    Feed.objects.create(source=source, url=site.url("/rss.xml"))
    run_worker()
    article = Article.objects.get()
    assert "’" in article.body and "\ufffd" not in article.body and "â€" not in article.body
    assert article.language == "en"


@pytest.mark.django_db
def test_a_windows_1258_page_without_a_charset_header_imports_as_its_utf8_twin(site: Site) -> None:
    page = demo_page("000")
    site.add("/utf8.html", page)
    legacy = to_cp1258(page.replace('charset="utf-8"', 'charset="windows-1258"'))
    site.add("/cp1258.html", legacy, content_type="text/html")
    paths = ("/utf8.html", "/cp1258.html")
    entries = [{"link": site.url(path), "title": "", "pubDate": ""} for path in paths]
    site.add("/rss.xml", rss(entries))
    Feed.objects.create(source=vov(site), url=site.url("/rss.xml"))
    run_worker()
    utf8 = Article.objects.get(url=site.url("/utf8.html"))
    cp1258 = Article.objects.get(url=site.url("/cp1258.html"))
    assert cp1258.title == utf8.title and cp1258.body == utf8.body
    assert "Tổng Thư ký NATO Jens Stoltenberg" in cp1258.body
    assert cp1258.copy_of_id == utf8.pk  # the same text twice: filed as a copy, as on import


@pytest.mark.django_db
def test_a_paused_source_fetches_nothing(site: Site) -> None:
    site.add("/a.html", golden_page("vov-related-aside"))
    site.add("/rss.xml", rss([{"link": site.url("/a.html"), "title": "", "pubDate": ""}]))
    source = vov(site)
    Feed.objects.create(source=source, url=site.url("/rss.xml"))
    run_worker()
    assert Article.objects.count() == 1
    source.is_active = False
    source.save()
    fetch_now(Feed.objects.all())
    FeedPage.objects.update(state="pending")
    run_worker()
    assert site.hits["/rss.xml"] == 1 and site.hits["/a.html"] == 1


@pytest.mark.django_db(transaction=True)
def test_the_running_worker_fetches_a_feed_that_becomes_due(site: Site) -> None:
    site.add("/xa-hoi/bus.html", golden_page("vov-related-aside"))
    site.add("/rss.xml", rss([{"link": site.url("/xa-hoi/bus.html"), "title": BUS, "pubDate": ""}]))
    stop = threading.Event()

    def run() -> None:
        try:
            worker.run(stop=stop)
        finally:
            connections.close_all()  # this thread's connection, before the test database goes

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        Feed.objects.create(source=vov(site), url=site.url("/rss.xml"))
        # The feeds job looks for due feeds every FEED_CHECK_SECONDS: wait for the article,
        # with a bound far above that.
        deadline = time.monotonic() + 180
        while not Article.objects.filter(title=BUS).exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert Article.objects.filter(title=BUS).exists()
    finally:
        stop.set()
        thread.join(60)
    assert not thread.is_alive()


def test_until_idle_runs_the_job_that_another_job_gave_work() -> None:
    # The feeds job imports pages; the index job, idle a moment before, must still index
    # them before run(until_idle=True) returns, however quick the feeds turn was.
    queue: list[int] = []
    produced = iter([1])

    def produce() -> int:
        n = next(produced, 0)
        queue.extend(range(n))
        return n

    def consume() -> int:
        taken = len(queue)
        queue.clear()
        return taken

    done = worker.run(
        [worker.Job("consume", consume, every=3600), worker.Job("produce", produce, every=3600)],
        until_idle=True,
    )
    assert done == {"consume": 1, "produce": 1}

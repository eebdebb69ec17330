"""Curating feeds in the admin: add a feed, "fetch now" (the worker does it), health pages
with their chart, and the "needs attention" filters."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles import worker
from articles.feeds import feed_health, source_health
from articles.models import Article, Feed, Source
from tests.factories import make_article
from tests.feeds.site import Site, golden_page, rss

pytestmark = pytest.mark.django_db
TITLE = "Hà Nội mở thêm tuyến xe buýt điện nối sân bay Nội Bài"


def test_a_feed_added_in_the_admin_is_fetched_now_and_its_health_shown(
    site: Site, admin_client: Client
) -> None:
    site.add("/xa-hoi/bus.html", golden_page("vov-related-aside"))
    site.add("/rss.xml", rss([{"link": site.url("/xa-hoi/bus.html"), "title": "", "pubDate": ""}]))
    source = Source.objects.create(name="VOV.VN", domain="127.0.0.1", language="vi")
    response = admin_client.post(
        "/admin/articles/feed/add/",
        {
            "source": source.pk,
            "url": site.url("/rss.xml"),
            "interval_minutes": "60",
            "is_active": "on",
            "language": "",
            "country": "",
        },
    )
    assert response.status_code == 302
    feed = Feed.objects.get()
    # Not due yet: pretend it was fetched a moment ago, so only "fetch now" makes it due.
    Feed.objects.update(next_fetch_at=timezone.now() + timedelta(hours=1))
    worker.run(until_idle=True)
    assert site.hits["/rss.xml"] == 0
    response = admin_client.post(
        "/admin/articles/feed/",
        {"action": "fetch_feeds_now", "_selected_action": [feed.pk]},
        follow=True,
    )
    assert "will be fetched by the worker" in response.content.decode()
    worker.run(until_idle=True)
    assert site.hits["/rss.xml"] == 1
    assert Article.objects.get().title == TITLE

    page = admin_client.get(f"/admin/articles/feed/{feed.pk}/change/")
    html = page.content.decode()
    assert "ok: 1 entries, 1 new" in html and "failures in a row" in html
    svg = re.search(r'<svg class="feed-chart".*?</svg>', html, re.S)
    assert svg is not None and "articles per day: 1 in 30 days" in svg[0]
    assert "style" not in svg[0] and "<script" not in svg[0]
    assert "script-src" in page.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"]
    html = admin_client.get(f"/admin/articles/source/{source.pk}/change/").content.decode()
    assert "articles per day: 1 in 30 days" in html and site.url("/rss.xml") in html

    # "Fetch now" on the source list does the same for all its feeds.
    admin_client.post(
        "/admin/articles/source/",
        {"action": "fetch_sources_now", "_selected_action": [source.pk]},
    )
    feed.refresh_from_db()
    assert feed.next_fetch_at is not None and feed.next_fetch_at <= timezone.now()


def test_a_feed_form_refuses_a_non_web_address(admin_client: Client) -> None:
    source = Source.objects.create(name="VOV.VN", domain="vov.vn")
    response = admin_client.post(
        "/admin/articles/feed/add/",
        {"source": source.pk, "url": "ftp://vov.vn/rss", "interval_minutes": "0"},
    )
    assert response.status_code == 200 and not Feed.objects.exists()
    assert "http:// or https://" in response.content.decode()


def test_sources_needing_attention_are_flagged_and_filtered(admin_client: Client) -> None:
    long_ago = timezone.now() - timedelta(days=20)
    healthy = Source.objects.create(name="Fresh", domain="fresh.example", language="en")
    failing = Source.objects.create(name="Broken", domain="broken.example", language="en")
    silent = Source.objects.create(name="Quiet", domain="quiet.example", language="en")
    dropped = Source.objects.create(name="Dwindling", domain="dwindling.example", language="en")
    for source in (healthy, failing, silent, dropped):
        Feed.objects.create(source=source, url=f"https://{source.domain}/rss")
    Feed.objects.update(created_at=long_ago)
    broken = Feed.objects.filter(source=failing)
    broken.update(consecutive_failures=4, last_status="failed: HTTP 500")
    now = timezone.now()
    # Fresh and Dwindling had two articles a day; Dwindling's stopped a week ago.
    for source, days in ((healthy, range(0, 25)), (dropped, range(8, 25)), (failing, range(0, 2))):
        for day in days:
            for n in range(2):
                article = make_article(source=source, title=f"{source.name} {day} {n}")
                Article.objects.filter(pk=article.pk).update(ingested_at=now - timedelta(days=day))
    assert source_health(healthy).warnings == ()
    assert [w.split(":")[0] for w in source_health(failing).warnings] == ["failing"]
    assert [w.split(":")[0] for w in source_health(silent).warnings] == ["silent"]
    assert [w.split(":")[0] for w in source_health(dropped).warnings] == ["silent", "volume drop"]
    assert sum(n for _, n in source_health(healthy).per_day) == 50

    listed = admin_client.get("/admin/articles/source/", {"attention": "yes"}).content.decode()
    assert all(name in listed for name in ("Broken", "Quiet", "Dwindling"))
    assert "Fresh" not in listed
    well = admin_client.get("/admin/articles/source/", {"attention": "no"}).content.decode()
    assert "Fresh" in well and "Broken" not in well
    feeds = admin_client.get("/admin/articles/feed/", {"attention": "yes"}).content.decode()
    assert "broken.example" in feeds
    assert feed_health(Feed.objects.get(source=failing)).consecutive_failures == 4

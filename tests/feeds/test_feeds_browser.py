"""A curator in Chromium adds a feed, runs "fetch now", and finds its article by searching."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles import worker
from articles.models import Feed, Source
from tests.feeds.site import Site, golden_page, rss

pytestmark = [pytest.mark.browser]
TITLE = "Hà Nội mở thêm tuyến xe buýt điện nối sân bay Nội Bài"


def test_a_feed_added_in_the_admin_is_fetched_and_searchable(
    live_server: Any, transactional_db: None, site: Site, page: Any
) -> None:
    site.add("/xa-hoi/bus.html", golden_page("vov-related-aside"))
    site.add("/rss.xml", rss([{"link": site.url("/xa-hoi/bus.html"), "title": "", "pubDate": ""}]))
    source = Source.objects.create(name="VOV.VN", domain="127.0.0.1", language="vi")
    get_user_model().objects.create_superuser("curator", password="a long curator password")
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)

    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "curator")
    page.fill("#id_password", "a long curator password")
    page.click("input[type=submit]")
    page.goto(live_server.url + "/admin/articles/feed/add/")
    page.select_option("#id_source", str(source.pk))
    page.fill("#id_url", site.url("/rss.xml"))
    page.fill("#id_interval_minutes", "60")
    page.click("input[name=_save]")
    page.wait_for_selector("#result_list")
    feed = Feed.objects.get()
    # As if just fetched: only "fetch now" makes it due before its interval has passed.
    Feed.objects.update(next_fetch_at=timezone.now() + timedelta(hours=1))
    page.check(f"input[name=_selected_action][value='{feed.pk}']")
    page.select_option("select[name=action]", "fetch_feeds_now")
    page.click("button[name=index]")
    assert "will be fetched by the worker" in page.inner_text(".messagelist")

    worker.run(until_idle=True)  # the worker's turns: the feed, its page, the index

    page.goto(live_server.url + "/")
    page.fill("input[name=q]", "xe buyt dien noi bai")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("#result-count")
    assert page.locator(".hit h3 a").first.inner_text() == TITLE

    page.goto(live_server.url + f"/admin/articles/feed/{feed.pk}/change/")
    assert page.locator("svg.feed-chart").is_visible()
    assert "ok: 1 entries, 1 new" in page.inner_text(".feed-health")
    assert blocked == []

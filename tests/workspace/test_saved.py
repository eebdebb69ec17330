"""Accounts and saved searches: log in, save a search, see what is new, follow its feed,
get each new article in one digest only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import feedparser  # type: ignore[import-untyped]
import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from articles.models import Article, DigestDelivery, SavedSearch
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(db: None) -> User:
    return User.objects.create_user("lan", "lan@example.org", "a long pass phrase 42")


@pytest.fixture
def logged_in(client: Client, analyst: User) -> Client:
    client.force_login(analyst)
    return client


def test_login_and_logout_pages(client: Client, analyst: User) -> None:
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert "<h1>Log in</h1>" in page.content.decode() and "Đăng nhập" not in page.content.decode()
    vietnamese = Client(HTTP_ACCEPT_LANGUAGE="vi").get("/accounts/login/").content.decode()
    assert "<h1>Đăng nhập</h1>" in vietnamese and "Log in" not in vietnamese
    wrong = client.post("/accounts/login/", {"username": "lan", "password": "nope"})
    assert wrong.status_code == 200 and "Wrong username or password." in wrong.content.decode()
    wrong_vi = Client(HTTP_ACCEPT_LANGUAGE="vi").post(
        "/accounts/login/", {"username": "lan", "password": "nope"}
    )
    assert "Sai tên đăng nhập hoặc mật khẩu." in wrong_vi.content.decode()
    right = client.post(
        "/accounts/login/", {"username": "lan", "password": "a long pass phrase 42"}
    )
    assert right.status_code == 302 and right["Location"] == "/saved/"
    assert "Log out" in client.get("/saved/").content.decode()
    out = client.post("/accounts/logout/")
    assert out.status_code == 302 and out["Location"] == "/"
    assert client.get("/saved/")["Location"].startswith("/accounts/login/?next=/saved/")


def test_anonymous_search_is_a_setting(client: Client, analyst: User, demo: Any) -> None:
    assert client.get("/search/", {"q": "libya"}).status_code == 200  # the default: open
    with override_settings(ANONYMOUS_SEARCH=False):
        page = client.get("/search/", {"q": "libya"})
        assert page.status_code == 302
        assert page["Location"] == "/accounts/login/?next=/search/%3Fq%3Dlibya"
        api = client.get("/api/articles/", {"q": "libya"})
        assert api.status_code == 401 and api.json()["error"] == "login required"
        assert client.get("/").status_code == 302
        assert client.get("/accounts/login/").status_code == 200
        client.force_login(analyst)
        assert client.get("/search/", {"q": "libya"}).status_code == 200
        assert client.get("/api/articles/", {"q": "libya"}).status_code == 200


def save(client: Client, name: str, query: str) -> SavedSearch:
    response = client.post("/saved/new/", {"name": name, "query": query})
    assert response.status_code == 302, response.content.decode()[:500]
    return SavedSearch.objects.get(name=name)


def new_count(client: Client, saved: SavedSearch) -> tuple[int, str]:
    page = client.get(f"/saved/{saved.pk}/").content.decode()
    count = int(page.split('id="new-count">')[1].split("<")[0])
    return count, page


def test_saved_search_round_trip(
    logged_in: Client, demo: dict[str, Article], indexed: Callable[..., Article]
) -> None:
    results = logged_in.get("/search/", {"q": "Libya", "language": "vi"}).content.decode()
    assert 'action="/saved/new/"' in results  # the results page offers to save it
    saved = save(logged_in, "Libya (vi)", "q=Libya&language=vi")
    assert saved.query == "q=Libya&language=vi"
    assert new_count(logged_in, saved)[0] == 0  # what exists now is not new
    settings_url = f"/saved/{saved.pk}/settings/"
    assert logged_in.post(settings_url, {"digest": "daily"}).status_code == 302

    # A new article arrives; the worker indexes it and sends the due digest.
    arrived = indexed(title="Libya: lực lượng NATO rút quân", body="Tin mới về Libya.")
    indexed(title="Libya in English", body="Libya news.", language="en")  # filtered out
    assert [m.subject for m in mail.outbox] == ["[newsarchive] Libya (vi): 1 new article"]
    assert arrived.title in mail.outbox[0].body and mail.outbox[0].to == ["lan@example.org"]

    listing = logged_in.get("/saved/").content.decode()
    assert '<td class="new-count">1</td>' in listing
    count, page = new_count(logged_in, saved)
    assert count == 1 and arrived.title in page
    assert new_count(logged_in, saved)[0] == 0  # seen now

    saved.refresh_from_db()
    feed = feedparser.parse(logged_in.get(f"/feeds/{saved.feed_token}.atom").content)
    titles = [entry.title for entry in feed.entries]
    assert arrived.title in titles and "Libya in English" not in titles
    assert feed.feed.title == "Libya (vi) – newsarchive"

    # Due again a day later: nothing new, no second mail; the article was sent once.
    SavedSearch.objects.filter(pk=saved.pk).update(
        digest_sent_at=timezone.now() - timedelta(days=2)
    )
    indexed(title="Hà Nội", body="Không liên quan.")
    assert len(mail.outbox) == 1
    assert list(DigestDelivery.objects.values_list("article_id", flat=True)) == [arrived.pk]
    # Not due yet (sent a moment ago): a new match waits for the next day's digest.
    later = indexed(title="Libya họp báo", body="Libya.")
    assert len(mail.outbox) == 1
    SavedSearch.objects.filter(pk=saved.pk).update(
        digest_sent_at=timezone.now() - timedelta(days=2)
    )
    indexed(title="Unrelated", body="Nothing.", language="en")
    assert len(mail.outbox) == 2 and later.title in mail.outbox[1].body
    assert arrived.title not in mail.outbox[1].body


def test_feed_token_is_private_and_revocable(
    logged_in: Client, client: Client, demo: dict[str, Article]
) -> None:
    saved = save(logged_in, "NATO", "q=NATO")
    token = saved.feed_token
    assert len(token) >= 43  # 256 random bits
    assert SavedSearch.objects.create(user=saved.user, name="b", query="").feed_token != token
    anonymous = Client()
    assert anonymous.get(f"/feeds/{token}.atom").status_code == 200
    assert anonymous.get(f"/feeds/{token[:-1]}.atom").status_code == 404
    logged_in.post(f"/saved/{saved.pk}/settings/", {"action": "revoke"})
    saved.refresh_from_db()
    assert saved.feed_token != token
    assert anonymous.get(f"/feeds/{token}.atom").status_code == 404
    assert anonymous.get(f"/feeds/{saved.feed_token}.atom").status_code == 200
    # Another analyst cannot see, change or delete it.
    other = Client()
    other.force_login(User.objects.create_user("minh", "", "another pass phrase 7"))
    assert other.get(f"/saved/{saved.pk}/").status_code == 404
    assert other.post(f"/saved/{saved.pk}/settings/", {"action": "delete"}).status_code == 404
    assert SavedSearch.objects.filter(pk=saved.pk).exists()


def test_bad_saves_get_a_message(logged_in: Client, demo: dict[str, Article]) -> None:
    save(logged_in, "Libya", "q=Libya")
    again = logged_in.post("/saved/new/", {"name": "Libya", "query": "q=NATO"})
    assert again.status_code == 400
    assert "You have a saved search of this name already" in again.content.decode()
    logged_in.defaults["HTTP_ACCEPT_LANGUAGE"] = "vi"
    again = logged_in.post("/saved/new/", {"name": "Libya", "query": "q=NATO"})
    assert "Bạn đã có một tìm kiếm đã lưu với tên này" in again.content.decode()
    del logged_in.defaults["HTTP_ACCEPT_LANGUAGE"]
    bad = logged_in.post("/saved/new/", {"name": "x", "query": "from=2020-13-45"})
    assert bad.status_code == 400
    assert logged_in.post("/saved/new/", {"name": "", "query": "q=a"}).status_code == 400
    settings_url = f"/saved/{SavedSearch.objects.get().pk}/settings/"
    assert logged_in.post(settings_url, {"digest": "weekly"}).status_code == 400
    assert logged_in.get("/saved/new/").status_code == 405


def test_digest_is_written_in_the_language_it_was_chosen_in(
    logged_in: Client, demo: dict[str, Article], index_worker: Callable[[], int]
) -> None:
    saved = save(logged_in, "Libya", "q=Libya")
    logged_in.defaults["HTTP_ACCEPT_LANGUAGE"] = "vi"
    page = logged_in.get(f"/saved/{saved.pk}/").content.decode()
    assert "Mới kể từ lần xem trước" in page and '<option value="daily">mỗi ngày</option>' in page
    assert logged_in.post(f"/saved/{saved.pk}/settings/", {"digest": "daily"}).status_code == 302
    day = {"published": date(2016, 5, 21), "published_precision": "day"}
    arrived = make_article(title="Libya: hội nghị mới", body="Libya.", **day)
    make_article(title="Libya talks", body="Libya.", language="en")
    index_worker()
    assert [m.subject for m in mail.outbox] == ["[newsarchive] Libya: 2 bài mới"]
    body = mail.outbox[0].body
    assert arrived.title in body and "21/05/2016" in body and "chưa rõ ngày" in body
    assert "Xem tất cả: http" in body and "new article" not in body
    feed = feedparser.parse(logged_in.get(f"/feeds/{saved.feed_token}.atom").content)
    assert feed.feed.subtitle == "Các bài khớp mới nhất của tìm kiếm đã lưu “Libya”"

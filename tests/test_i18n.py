"""The interface in Vietnamese and English (issue #13): every page through Django's translation
framework, a switcher remembered by cookie, dates per language, the catalog compiled."""

from __future__ import annotations

import gettext
import re
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from babel.messages import mofile, pofile
from django.conf import settings
from django.test import Client

from articles.models import Article, Mention

PO = Path(settings.BASE_DIR) / "locale/vi/LC_MESSAGES/django.po"
MO = PO.with_suffix(".mo")


def _get(language: str, url: str, status: int = 200) -> str:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(url)
    assert response.status_code == status, url
    html = response.content.decode()
    assert f'<html lang="{language}">' in html or url.startswith("/articles/"), url
    return html


def _pages(demo: dict[str, Article]) -> dict[str, str]:
    article = demo["000"]
    assert article.story is not None and article.source is not None
    entity = Mention.objects.filter(article=article).first()
    assert entity is not None
    return {
        "home": "/",
        "search": "/search/?q=nato",
        "detail": f"/articles/{article.pk}/",
        "source": f"/sources/{article.source.pk}/",
        "entity": f"/entities/{entity.entity_id}/",
        "stories": "/stories/?singles=1",
        "story": f"/stories/{article.story.pk}/",
    }


# What each page says in each language: headings, labels and counts of the demo archive.
EXPECTED = {
    "home": (
        ["Search Vietnamese and English news", "Latest articles", "Search syntax"],
        ["Tìm tin tức tiếng Việt và tiếng Anh", "Bài mới nhất", "Cú pháp tìm kiếm"],
    ),
    "search": (
        ["Exact accents", "One result per story", "Results by", ">Language</h2>"],
        ["Đúng dấu", "Mỗi câu chuyện một kết quả", "Kết quả theo", ">Ngôn ngữ</h2>"],
    ),
    "detail": (["Part of the story", "Named here"], ["Thuộc câu chuyện", "Được nêu tên"]),
    "source": (["Search this source"], ["Tìm trong nguồn này"]),
    "entity": (
        ["Also written:", "Named with", "Mentions over time"],
        ["Cũng được viết là:", "Được nêu cùng", "Số lần nhắc đến theo thời gian"],
    ),
    "stories": (["single-article stories too", "Filter"], ["cả câu chuyện chỉ có một bài", "Lọc"]),
    "story": (
        ["Timeline", "Who and where", "first report"],
        ["Dòng thời gian", "Ai và ở đâu", "tin đầu tiên"],
    ),
}
EVERY_PAGE = (["JSON export", ">Stories</a>"], ["Xuất JSON", ">Câu chuyện</a>"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_page_in_vietnamese_and_english(linked_demo: dict[str, Article], name: str) -> None:
    url = _pages(linked_demo)[name]
    english, vietnamese = (_get(language, url) for language in ("en", "vi"))
    for words in EXPECTED[name][0] + EVERY_PAGE[0]:
        assert words in english and words not in vietnamese, (name, words)
    for words in EXPECTED[name][1] + EVERY_PAGE[1]:
        assert words in vietnamese and words not in english, (name, words)


def test_vietnamese_dates_are_day_month_year(linked_demo: dict[str, Article]) -> None:
    urls = _pages(linked_demo)
    for name in ("home", "search", "detail", "story", "entity", "source"):
        vietnamese, english = _get("vi", urls[name]), _get("en", urls[name])
        assert "21/05/2016" in vietnamese and "21 May 2016" not in vietnamese, name
        assert "21 May 2016" in english and "21/05/2016" not in english, name
    assert "chưa rõ ngày" not in _get("en", "/") and "date unknown" not in _get("vi", "/")


def test_counts_and_plurals_per_language(linked_demo: dict[str, Article]) -> None:
    story = linked_demo["000"].story
    assert story is not None
    url = f"/stories/{story.pk}/"
    count = story.article_count
    assert f"{count} articles" in _get("en", url)
    assert f"{count} bài" in _get("vi", url)


def test_switcher_sets_the_language_and_it_persists(linked_demo: dict[str, Article]) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    home = client.get("/").content.decode()
    # The switcher is on the page, and names each language in its own words.
    assert 'action="/i18n/setlang/"' in home
    assert re.search(r'<button[^>]*value="vi"[^>]*>Tiếng Việt</button>', home)
    response = client.post("/i18n/setlang/", {"language": "vi", "next": "/search/?q=nato"})
    assert response.status_code == 302 and response["Location"] == "/search/?q=nato"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "vi" and int(cookie["max-age"]) >= 300 * 24 * 3600
    # Every later page of the visit is Vietnamese, whatever the browser asks for.
    for url in ("/", "/search/?q=nato", "/stories/"):
        html = client.get(url).content.decode()
        assert '<html lang="vi">' in html and "Tìm kiếm" in html, url
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()


def test_errors_and_form_messages_are_translated(linked_demo: dict[str, Article]) -> None:
    assert "Không tìm thấy trang" in _get("vi", "/no-such-page/", 404)
    assert "Page not found" in _get("en", "/no-such-page/", 404)
    reversed_dates = "/search/?q=nato&from=2016-05-22&to=2016-05-01"
    assert "Ngày bắt đầu sau ngày kết thúc." in _get("vi", reversed_dates, 400)
    assert "The start date is after the end date." in _get("en", reversed_dates, 400)
    assert "Vui lòng sửa bộ lọc:" in _get("vi", "/stories/?page=0", 400)


def test_the_json_api_answers_in_english(linked_demo: dict[str, Article]) -> None:
    """Programs read the API's messages: English whatever the Accept-Language."""
    response = Client(HTTP_ACCEPT_LANGUAGE="vi").get(
        "/api/articles/", {"from": "2016-05-22", "to": "2016-05-01"}
    )
    assert response.status_code == 400
    assert "The start date is after the end date." in response.content.decode()


def test_the_catalog_is_complete_and_compiled() -> None:
    """Every string has its Vietnamese, and the committed .mo is the .po compiled."""
    with PO.open("rb") as f:
        catalog = pofile.read_po(f)
    # Vietnamese has one plural form (plural=0): the first string serves every count.
    untranslated = [m.id for m in catalog if m.id and not _strings(m.string)[0]]
    assert untranslated == []
    assert not any(m.fuzzy for m in catalog if m.id)
    compiled = BytesIO()
    mofile.write_mo(compiled, catalog)
    compiled.seek(0)
    fresh, committed = gettext.GNUTranslations(compiled), gettext.GNUTranslations(MO.open("rb"))
    assert fresh._catalog == committed._catalog  # type: ignore[attr-defined]
    assert len(catalog) > 100


def _strings(value: Any) -> list[str]:
    return list(value) if isinstance(value, tuple) else [value]

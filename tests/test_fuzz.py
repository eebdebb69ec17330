"""Hostile query strings against every public endpoint: a 4xx at worst, never a 5xx (issue #16).

Hypothesis draws the requests (derandomized, so every run sends the same ones) from the
values that broke the site once (integers past 2**63-1, Unicode digits, years below 1000,
forged and over-reaching cursors, NUL bytes, invalid percent-escapes) and from arbitrary text,
and sends them through the Django test client to a real archive (the demo, linked).
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any
from urllib.parse import quote

import pytest
from django.core import signing
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.forms import make_cursor
from articles.models import Article, Entity, Source, Story

pytestmark = pytest.mark.django_db

REQUESTS = 10_000

# path template, True for the JSON API; {id} is filled with a drawn id.
ENDPOINTS = [
    ("/", False),
    ("/search/", False),
    ("/stories/", False),
    ("/stories/{id}/", False),
    ("/entities/{id}/", False),
    ("/sources/{id}/", False),
    ("/articles/{id}/", False),
    ("/api/articles/", True),
    ("/api/stories/", True),
    ("/api/stories/{id}/", True),
]
PARAMS = [
    "q",
    "language",
    "source",
    "topic",
    "entity",
    "from",
    "to",
    "page",
    "facets",
    "literal",
    "collapse",
    "copies",
    "story",
    "cursor",
    "limit",
    "singles",
]
_SALT = "articles.export.cursor"  # forms._CURSOR_SALT: forged cursors signed like real ones
NASTY = [
    *("", "0", "-1", "1", "01", "+1", " 1", "1 ", "1.5", "1e400", "1e3", "nan", "inf", "-0"),
    *(str(2**31), str(2**63 - 1), str(2**63), str(2**64), "9" * 30, "9" * 400),
    # Unicode digits: int() reads some, str.isdigit() accepts others.
    *("²", "①", "١٢", "٣", "۱۲۳", "１２", "߁", "𝟙", "٢٠١٦", "٢٠١٦-٠٥-٢١"),
    # Dates out of range or malformed, in every accepted format.
    *("0999", "999", "0001", "0000", "1000", "9999", "10000", "0001-01-01", "0999-12-31"),
    *("9999-12-31", "10000-01-01", "2016-02-30", "2016-13-01", "2016-00", "2016-1", "2016-12"),
    *("31/12/9999", "01/01/0001", "29/02/2015", "31-12-9999", "0000-00-00", "2016-05-21"),
    *("\x00", "a\x00b", "<script>alert(1)</script>", "' OR 1=1 --", '"', "*", "?", "NOT", "OR"),
    *("-", "((((", '"unterminated', "a" * 501, "ạ" * 501, "Hà Nội", "nato", "libya", "vi", "en"),
    *("fr", "true", "false", "on", "off", "yes", "no", "sport", "politics", "a-b", "x" * 51),
    *("eyJvZmZzZXQiOjV9:forged", "." + "A" * 150 + ":x", ":", "::", "a:b:c"),
]
CURSORS = [
    *(make_cursor(n) for n in (0, 1, 50, 10**6, 2**31, 2**63, 10**12, 10**30)),
    *(signing.dumps(value, salt=_SALT) for value in ({"offset": -5}, {"offset": "7"})),
    *(signing.dumps(value, salt=_SALT) for value in ({"offset": 1.5}, {"offset": True}, [1])),
    signing.dumps({"offset": 3}, salt="another salt"),
]
# Raw query-string junk the test client would otherwise encode away.
RAW = ["%FF%FE", "%", "%zz", "&&&", "=", "q", "q=%00", "q=%C3", "source=%EF%BC%91", "page=%B2"]

text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
value = st.one_of(
    st.sampled_from(NASTY),
    st.sampled_from(CURSORS),
    st.integers(-(2**70), 2**70).map(str),
    text,
)
pairs = st.lists(st.tuples(st.one_of(st.sampled_from(PARAMS), text), value), max_size=5)
path_id = st.one_of(st.integers(0, 9), st.integers(0, 2**70), st.sampled_from(NASTY[:21]))


@pytest.fixture
def known_ids(linked_demo: dict[str, Article]) -> list[int]:
    """Real ids to aim at, so the requests also reach the pages past the 404s."""
    ids = {article.pk for article in linked_demo.values()}
    ids |= set(Story.objects.values_list("pk", flat=True))
    ids |= set(Source.objects.values_list("pk", flat=True))
    ids |= set(Entity.objects.order_by("pk").values_list("pk", flat=True)[:50])
    return sorted(ids)


def _url(template: str, pk: object, query: list[tuple[str, str]], raw: str | None) -> str:
    path = template.replace("{id}", str(pk))
    encoded = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query)
    return f"{path}?{encoded}" + (f"&{raw}" if raw else "")


def check(response: Any, api: bool, head: bool, url: str) -> None:
    assert response.status_code < 500, url
    if head or 300 <= response.status_code < 400:  # HEAD has no body; merged ones redirect
        return
    if not api:
        if response.status_code == 400:  # the page, with what to correct
            assert 'role="alert"' in response.content.decode(), url
        return
    assert response["Content-Type"] == "application/json", url
    body = response.json()
    if response.status_code == 400:
        assert body["error"] == "invalid parameters", url
        assert isinstance(body["fields"], dict) and body["fields"], url
    elif response.status_code >= 400:
        assert isinstance(body["error"], str), url


def test_no_public_endpoint_answers_5xx(client: Client, known_ids: list[int]) -> None:
    sent: Counter[str] = Counter()
    request = st.tuples(
        st.sampled_from(ENDPOINTS),
        st.one_of(st.sampled_from(known_ids), path_id),
        pairs,
        st.one_of(st.none(), st.sampled_from(RAW)),
        st.integers(0, 7).map(lambda n: n == 0),  # HEAD one time in eight
    )

    @settings(
        max_examples=REQUESTS,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(request)
    def one_request(drawn: tuple[tuple[str, bool], object, Any, str | None, bool]) -> None:
        (template, api), pk, query, raw, head = drawn
        url = _url(template, pk, query, raw)
        response = client.head(url) if head else client.get(url)
        sent[template] += 1
        check(response, api, head, url)

    # The rate limits are exercised, not hit: 10,000 requests come from one client. Django
    # logs every 4xx as a warning: thousands of lines that say nothing here (5xx still log).
    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        with override_settings(SEARCH_RATE="1000000/m", EXPORT_RATE="1000000/m"):
            one_request()
    finally:
        quiet.setLevel(level)
    assert sum(sent.values()) >= REQUESTS
    assert set(sent) == {template for template, _ in ENDPOINTS}

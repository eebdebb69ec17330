"""The feed client against a real HTTP server on 127.0.0.1: conditional GET, redirects and
their limits, timeouts, the size cap, retries with backoff, robots.txt, the User-Agent."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from articles.feeds import Fetcher, FetchError, Limits
from tests.feeds.site import Site, golden_page, send, serving

LIMITS = Limits(
    user_agent="newsarchive-test/1.0 (+http://example.invalid/about)",
    timeout=120.0,  # a loaded machine never times out a good answer; see the slow test
    max_bytes=1024 * 1024,
    max_redirects=3,
    domain_delay=0.0,
    retries=2,
    retry_seconds=0.0,
)


@pytest.fixture
def site() -> Iterator[Site]:
    with serving() as running:
        yield running


def test_conditional_get_answers_304_and_keeps_validators(site: Site) -> None:
    url = site.add("/page.html", golden_page("vov-related-aside"))
    client = Fetcher(LIMITS)
    first = client.get(url)
    assert first.status == 200 and first.body == golden_page("vov-related-aside")
    assert first.etag and first.last_modified
    again = client.get(url, etag=first.etag, last_modified=first.last_modified)
    assert again.status == 304 and again.body == b""
    headers = [h for path, h in site.requests if path == "/page.html"]
    assert headers[1]["if-none-match"] == first.etag
    assert headers[1]["if-modified-since"] == first.last_modified
    assert all(h["user-agent"] == LIMITS.user_agent for h in headers)


def test_redirects_are_followed_within_the_limit(site: Site) -> None:
    site.add("/final.html", golden_page("vov-related-aside"))
    for n in range(3):
        target = "/final.html" if n == 2 else f"/hop{n + 1}"
        site.handle(f"/hop{n}", _redirect(target))
    fetched = Fetcher(LIMITS).get(site.url("/hop0"))
    assert fetched.url == site.url("/final.html") and fetched.status == 200
    site.handle("/hop3", _redirect("/hop0"))
    site.handle("/far0", _redirect("/hop0"))
    with pytest.raises(FetchError, match="more than 3 redirects"):
        Fetcher(LIMITS).get(site.url("/far0"))


def test_a_redirect_loop_is_reported(site: Site) -> None:
    site.handle("/a", _redirect("/b"))
    site.handle("/b", _redirect("/a"))
    with pytest.raises(FetchError, match="redirect loop"):
        Fetcher(LIMITS).get(site.url("/a"))
    assert site.hits["/a"] == 1 and site.hits["/b"] == 1


def test_a_slow_answer_times_out_and_is_retried_then_given_up(site: Site) -> None:
    def slow(request: BaseHTTPRequestHandler) -> None:
        site.release.wait(120)  # never answers while the test runs

    site.handle("/slow.xml", slow)
    client = Fetcher(LIMITS)
    assert client.allowed(site.url("/slow.xml"))  # robots.txt read with the long timeout
    client.limits = Limits(**{**LIMITS.__dict__, "timeout": 0.5, "retries": 1})
    client._pool = None  # made again with the short timeout
    with pytest.raises(FetchError, match="timed out") as failure:
        client.get(site.url("/slow.xml"))
    assert failure.value.transient
    assert site.hits["/slow.xml"] == 2  # one try, one retry


def test_a_huge_page_is_refused_by_its_length_and_by_its_bytes(site: Site) -> None:
    def declared(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Length", str(50 * 1024 * 1024))
        request.end_headers()
        chunk = b"<p>x</p>" * 8192
        while not site.release.is_set():
            request.wfile.write(chunk)

    def undeclared(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Connection", "close")
        request.end_headers()
        request.close_connection = True
        chunk = b"<p>x</p>" * 8192
        for _ in range(50 * 1024 * 1024 // len(chunk)):
            request.wfile.write(chunk)

    site.handle("/huge", declared)
    site.handle("/stream", undeclared)
    with pytest.raises(FetchError, match="larger than 1048576 bytes") as failure:
        Fetcher(LIMITS).get(site.url("/huge"))
    assert not failure.value.transient
    with pytest.raises(FetchError, match="larger than 1048576 bytes"):
        Fetcher(LIMITS).get(site.url("/stream"))


def test_server_errors_are_retried_with_backoff_and_4xx_are_not(site: Site) -> None:
    answers = iter([500, 503])

    def flaky(request: BaseHTTPRequestHandler) -> None:
        status = next(answers, 200)
        send(request, status, b"<rss version='2.0'><channel></channel></rss>", "application/xml")

    site.handle("/flaky.xml", flaky)
    assert Fetcher(LIMITS).get(site.url("/flaky.xml")).status == 200
    assert site.hits["/flaky.xml"] == 3
    with pytest.raises(FetchError, match="HTTP 404") as failure:
        Fetcher(LIMITS).get(site.url("/missing"))
    assert not failure.value.transient and site.hits["/missing"] == 1


def test_robots_txt_is_obeyed_for_our_user_agent(site: Site) -> None:
    site.add(
        "/robots.txt",
        "User-agent: newsarchive-test\nDisallow: /private/\n\nUser-agent: *\nDisallow: /\n",
        content_type="text/plain",
    )
    site.add("/private/page.html", golden_page("vov-related-aside"))
    site.add("/news/page.html", golden_page("vov-related-aside"))
    client = Fetcher(LIMITS)
    assert client.get(site.url("/news/page.html")).status == 200
    with pytest.raises(FetchError, match="robots.txt disallows"):
        client.get(site.url("/private/page.html"))
    assert site.hits["/private/page.html"] == 0
    assert site.hits["/robots.txt"] == 1  # read once per host


def test_a_robots_txt_that_fails_allows_nothing_and_a_missing_one_everything(site: Site) -> None:
    site.add("/robots.txt", "oops", status=500, content_type="text/plain")
    site.add("/page.html", golden_page("vov-related-aside"))
    with pytest.raises(FetchError, match="robots.txt disallows"):
        Fetcher(LIMITS).get(site.url("/page.html"))
    del site.routes["/robots.txt"]
    assert Fetcher(LIMITS).get(site.url("/page.html")).status == 200


def test_requests_to_one_host_are_spaced(site: Site) -> None:
    site.add("/page.html", golden_page("vov-related-aside"))
    client = Fetcher(Limits(**{**LIMITS.__dict__, "domain_delay": 0.3}))
    times = []
    original = client._wait_turn

    def recording(url: str) -> None:
        original(url)
        times.append(client._last_request[url.split("/")[2]])

    client._wait_turn = recording  # type: ignore[method-assign]
    for _ in range(3):
        client.get(site.url("/page.html"))
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(gaps) == 3 and all(gap >= 0.3 for gap in gaps)  # robots.txt, then 3 pages


def _redirect(location: str):  # type: ignore[no-untyped-def]
    def answer(request: BaseHTTPRequestHandler) -> None:
        send(request, 302, b"", headers={"Location": location})

    return answer

"""Fetcher.get(url) -> Fetched: the one HTTP client that fetches feeds, sitemaps and pages.

Polite and bounded: an honest User-Agent (FEED_USER_AGENT), robots.txt obeyed (its
Crawl-delay too, up to a minute), one request per host every FEED_DOMAIN_DELAY seconds,
conditional GET (ETag / Last-Modified), a timeout per read and for the whole body
(FEED_TIMEOUT), a size cap (FEED_MAX_BYTES, decompressed), at most FEED_MAX_REDIRECTS
redirects, each hop checked like the first URL. Errors that may pass (timeouts, refused
connections, 429 and 5xx) are retried FEED_RETRIES times, waiting FEED_RETRY_SECONDS,
then twice as long each time; every failure is a FetchError with a reason a curator can read.

The worker keeps one Fetcher (robots.txt and the hosts' last requests are remembered
between turns); nothing here touches the database.
"""

from __future__ import annotations

import gzip
import io
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import urllib3
from django.conf import settings

from articles.text import safe_url

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_TRANSIENT = frozenset({408, 425, 429, 500, 502, 503, 504})
_CHUNK = 64 * 1024
_ROBOTS_MAX_BYTES = 512 * 1024
_ROBOTS_TTL = 3600.0  # seconds a host's robots.txt is trusted
_ROBOTS_ERROR_TTL = 300.0  # a robots.txt that could not be read is asked again sooner
_MAX_CRAWL_DELAY = 60.0


class FetchError(Exception):
    """A fetch that gave nothing usable; `transient` errors are worth trying again later."""

    def __init__(self, reason: str, *, transient: bool = False, status: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.transient = transient
        self.status = status


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int  # 200, or 304 when a conditional GET found nothing new
    body: bytes
    etag: str = ""
    last_modified: str = ""
    content_type: str = ""


@dataclass(frozen=True)
class Limits:
    user_agent: str
    timeout: float
    max_bytes: int
    max_redirects: int
    domain_delay: float
    retries: int
    retry_seconds: float

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            user_agent=settings.FEED_USER_AGENT,
            timeout=float(settings.FEED_TIMEOUT),
            max_bytes=int(settings.FEED_MAX_BYTES),
            max_redirects=int(settings.FEED_MAX_REDIRECTS),
            domain_delay=float(settings.FEED_DOMAIN_DELAY),
            retries=int(settings.FEED_RETRIES),
            retry_seconds=float(settings.FEED_RETRY_SECONDS),
        )

    @property
    def robots_name(self) -> str:
        """The product token robots.txt rules are matched against ("newsarchive")."""
        return self.user_agent.split("/")[0].split()[0] if self.user_agent.strip() else "*"


@dataclass
class _Robots:
    parser: RobotFileParser | None  # None: nothing is allowed (robots.txt unreachable)
    until: float
    delay: float = 0.0


@dataclass
class Fetcher:
    limits: Limits
    _robots: dict[str, _Robots] = field(default_factory=dict)
    _last_request: dict[str, float] = field(default_factory=dict)
    _pool: urllib3.PoolManager | None = None

    def get(self, url: str, *, etag: str = "", last_modified: str = "") -> Fetched:
        """GET the URL politely, retrying errors that may pass; FetchError otherwise."""
        attempt = 0
        while True:
            try:
                return self._follow(url, etag=etag, last_modified=last_modified)
            except FetchError as exc:
                if not exc.transient or attempt >= self.limits.retries:
                    raise
                time.sleep(self.limits.retry_seconds * 2**attempt)
                attempt += 1

    def _follow(self, url: str, *, etag: str, last_modified: str) -> Fetched:
        current = url
        seen = [url]
        for _ in range(self.limits.max_redirects + 1):
            if safe_url(current) is None:
                raise FetchError(f"not an http(s) URL: {current[:200]}")
            if not self.allowed(current):
                raise FetchError(f"robots.txt disallows {current[:200]}")
            response = self._request(current, etag=etag, last_modified=last_modified)
            if response.status not in _REDIRECTS:
                return self._read(current, response)
            location = response.headers.get("Location", "")
            _release(response, read=False)
            if not location:
                raise FetchError(
                    f"HTTP {response.status} without a Location", status=response.status
                )
            current = urljoin(current, location)
            if current in seen:
                raise FetchError(f"redirect loop: {' -> '.join(seen + [current])[:300]}")
            seen.append(current)
        raise FetchError(f"more than {self.limits.max_redirects} redirects from {url[:200]}")

    def _request(
        self, url: str, *, etag: str = "", last_modified: str = ""
    ) -> urllib3.BaseHTTPResponse:
        headers = {"User-Agent": self.limits.user_agent, "Accept-Encoding": "gzip, deflate"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        self._wait_turn(url)
        try:
            return self.pool.request(
                "GET", url, headers=headers, redirect=False, preload_content=False, retries=False
            )
        except urllib3.exceptions.TimeoutError as exc:
            raise FetchError(f"timed out after {self.limits.timeout:g} s", transient=True) from exc
        except urllib3.exceptions.HTTPError as exc:
            raise FetchError(f"connection failed: {_first_line(exc)}", transient=True) from exc

    def _read(self, url: str, response: urllib3.BaseHTTPResponse) -> Fetched:
        status = response.status
        read = False
        try:
            if status == 304:
                return Fetched(url, 304, b"", response.headers.get("ETag", ""))
            if status != 200:
                raise FetchError(f"HTTP {status}", transient=status in _TRANSIENT, status=status)
            declared = response.headers.get("Content-Length", "")
            cap = self.limits.max_bytes
            if declared.isdigit() and int(declared) > cap:
                raise FetchError(f"larger than {cap} bytes (Content-Length {declared})")
            body = self._body(response)
            read = True
        finally:
            _release(response, read=read)
        return Fetched(
            url,
            200,
            body,
            etag=response.headers.get("ETag", "")[:500],
            last_modified=response.headers.get("Last-Modified", "")[:100],
            content_type=response.headers.get("Content-Type", "")[:200],
        )

    def _body(self, response: urllib3.BaseHTTPResponse) -> bytes:
        # The read timeout bounds each read; the deadline bounds a server that drips.
        deadline = time.monotonic() + self.limits.timeout
        cap = self.limits.max_bytes
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.stream(_CHUNK, decode_content=True):
                size += len(chunk)
                if size > cap:
                    raise FetchError(f"larger than {cap} bytes")
                if time.monotonic() > deadline:
                    raise FetchError(f"timed out after {self.limits.timeout:g} s", transient=True)
                chunks.append(chunk)
        except urllib3.exceptions.TimeoutError as exc:
            raise FetchError(f"timed out after {self.limits.timeout:g} s", transient=True) from exc
        except urllib3.exceptions.HTTPError as exc:
            # A body cut short (the server closed early) or undecodable gzip.
            raise FetchError(f"incomplete response: {_first_line(exc)}", transient=True) from exc
        return b"".join(chunks)

    def allowed(self, url: str) -> bool:
        """Whether robots.txt on the URL's host lets our User-Agent fetch it."""
        robots = self._robots_for(url)
        if robots.parser is None:
            return False
        return robots.parser.can_fetch(self.limits.robots_name, url)

    def _robots_for(self, url: str) -> _Robots:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        known = self._robots.get(origin)
        if known is not None and known.until > time.monotonic():
            return known
        robots = self._read_robots(origin)
        self._robots[origin] = robots
        return robots

    def _read_robots(self, origin: str) -> _Robots:
        # RFC 9309: a robots.txt that is missing (4xx) allows everything; one that cannot be
        # read (5xx, no answer) allows nothing, for now.
        now = time.monotonic()
        try:
            response = self._request(f"{origin}/robots.txt")
        except FetchError:
            return _Robots(None, now + _ROBOTS_ERROR_TTL)
        read = False
        try:
            if 400 <= response.status < 500 or response.status in _REDIRECTS:
                return _Robots(_allow_all(), now + _ROBOTS_TTL)
            if response.status != 200:
                return _Robots(None, now + _ROBOTS_ERROR_TTL)
            capped = Fetcher(
                Limits(**{**self.limits.__dict__, "max_bytes": _ROBOTS_MAX_BYTES}), _pool=self.pool
            )
            try:
                text = capped._body(response).decode("utf-8", "replace")
                read = True
            except FetchError:
                return _Robots(None, now + _ROBOTS_ERROR_TTL)
        finally:
            _release(response, read=read)
        parser = RobotFileParser()
        parser.parse(text.splitlines())
        delay = parser.crawl_delay(self.limits.robots_name)
        return _Robots(parser, now + _ROBOTS_TTL, min(float(delay or 0), _MAX_CRAWL_DELAY))

    def _wait_turn(self, url: str) -> None:
        origin = urlsplit(url).netloc.lower()
        robots = self._robots.get(f"{urlsplit(url).scheme}://{origin}")
        delay = max(self.limits.domain_delay, robots.delay if robots else 0.0)
        last = self._last_request.get(origin)
        if last is not None:
            wait = last + delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        self._last_request[origin] = time.monotonic()

    @property
    def pool(self) -> urllib3.PoolManager:
        if self._pool is None:
            timeout = urllib3.Timeout(connect=self.limits.timeout, read=self.limits.timeout)
            self._pool = urllib3.PoolManager(num_pools=20, maxsize=1, timeout=timeout)
        return self._pool


def gunzipped(data: bytes, cap: int) -> bytes:
    """A gzip file's content (sitemaps are often served as .xml.gz), at most `cap` bytes;
    other data as it is.

    >>> import gzip
    >>> gunzipped(gzip.compress(b"<urlset/>"), 100), gunzipped(b"<rss/>", 100)
    (b'<urlset/>', b'<rss/>')
    """
    if not data.startswith(b"\x1f\x8b"):
        return data
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            content = stream.read(cap + 1)
    except (OSError, EOFError) as exc:
        raise FetchError(f"broken gzip file: {_first_line(exc)}") from exc
    if len(content) > cap:
        raise FetchError(f"larger than {cap} bytes once unpacked")
    return content


def _release(response: urllib3.BaseHTTPResponse, *, read: bool) -> None:
    # A connection whose answer was not read to its end cannot carry the next request.
    if not read:
        response.close()
    response.release_conn()


def _allow_all() -> RobotFileParser:
    parser = RobotFileParser()
    parser.parse([])
    return parser


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().split("\n")[0][:200]


_fetcher: Fetcher | None = None


def fetcher() -> Fetcher:
    """This process's Fetcher, made anew when the settings change (tests override them)."""
    global _fetcher
    limits = Limits.from_settings()
    if _fetcher is None or _fetcher.limits != limits:
        _fetcher = Fetcher(limits)
    return _fetcher

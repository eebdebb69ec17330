"""A news site on 127.0.0.1 for the feed tests: a real threaded HTTP server, no internet.

Routes are static answers (with ETag / Last-Modified and 304s done right) or functions of
the request for the bad cases: redirects, loops, a slow answer, a huge one, 500s. Every
request is counted by path, with the headers it came with. The article pages are the real
crawled pages of tests/data/pages and demo/ (a demo text page is served as simple HTML).
"""

from __future__ import annotations

import hashlib
import html
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.paths import DEMO, DEMO_FILES, PAGES


@dataclass
class Static:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    conditional: bool = True  # send ETag and Last-Modified, answer 304 when they match

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


Handler = Callable[[BaseHTTPRequestHandler], None]
LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)


class Site:
    def __init__(self) -> None:
        self.routes: dict[str, Static | Handler] = {}
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.release = threading.Event()  # ends slow answers when the test is over
        self.port = 0

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.root + path

    def add(self, path: str, body: bytes | str, **options: Any) -> str:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Static(data, **options)
        return self.url(path)

    def handle(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def answer(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path
        self.hits[path] += 1
        self.requests.append((path, {k.lower(): v for k, v in request.headers.items()}))
        route = self.routes.get(path)
        if route is None:
            send(request, 404, b"not found", "text/plain")
        elif isinstance(route, Static):
            if route.conditional and request.headers.get("If-None-Match") == route.etag:
                request.send_response(304)
                request.send_header("ETag", route.etag)
                request.end_headers()
                return
            headers = (
                {"ETag": route.etag, "Last-Modified": LAST_MODIFIED} if route.conditional else {}
            )
            send(request, route.status, route.body, route.content_type, headers)
        else:
            route(request)


def send(
    request: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    request.send_response(status)
    request.send_header("Content-Type", content_type)
    request.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        request.send_header(name, value)
    request.end_headers()
    request.wfile.write(body)


@contextmanager
def serving() -> Iterator[Site]:
    site = Site()

    class Answer(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            try:
                site.answer(self)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (size cap, timeout): what the test wanted

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    server.daemon_threads = True
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.release.set()
        server.shutdown()
        server.server_close()


# The pages -------------------------------------------------------------------------------


def golden_page(name: str) -> bytes:
    """A real crawled page from tests/data/pages, as bytes."""
    return (PAGES / f"{name}.html").read_bytes()


def demo_page(seed: str) -> str:
    """A demo text page as the simple HTML page it was crawled from: title, paragraphs."""
    text = (DEMO / DEMO_FILES[seed]).read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    paragraphs = "".join(
        f"<p>{html.escape(p.strip())}</p>\n" for p in body.split("\n") if p.strip()
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{html.escape(title.strip())}</title></head>"
        f"<body><article><h1>{html.escape(title.strip())}</h1>\n{paragraphs}</article></body></html>"
    )


def to_cp1258(text: str) -> bytes:
    """Text in Windows-1258, which spells most toned Vietnamese letters as a letter plus a
    combining tone mark (it has no "ệ", only "ê" and the dot below)."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        for mark in list(marks):
            composed = unicodedata.normalize("NFC", base + mark)
            if len(composed) == 1 and _encodes(composed):
                base = composed
                marks.remove(mark)
                break
        out += base.encode("cp1258") + "".join(marks).encode("cp1258")
    return bytes(out)


def _encodes(char: str) -> bool:
    try:
        char.encode("cp1258")
    except UnicodeEncodeError:
        return False
    return True


def rss(items: list[dict[str, str]], *, language: str = "vi-VN") -> str:
    """An RSS 2.0 feed of these items (link, title, pubDate; a missing key is left out)."""
    parts = []
    for item in items:
        fields = "".join(
            f"<{key}>{html.escape(value)}</{key}>" for key, value in item.items() if value
        )
        parts.append(f"<item>{fields}</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Tin mới</title><link>http://example.invalid/</link><language>{language}</language>"
        f"{''.join(parts)}</channel></rss>"
    )


def news_sitemap(urls: list[tuple[str, str, str]], *, language: str = "en") -> str:
    """A Google News sitemap: (loc, title, publication date) per URL."""
    entries = "".join(
        f"<url><loc>{html.escape(loc)}</loc><news:news><news:publication>"
        f"<news:name>Site</news:name><news:language>{language}</news:language>"
        f"</news:publication><news:publication_date>{date}</news:publication_date>"
        f"<news:title>{html.escape(title)}</news:title></news:news></url>"
        for loc, title, date in urls
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"{entries}</urlset>"
    )


def sitemap_index(locs: list[tuple[str, str]]) -> str:
    """A sitemap index: (loc, lastmod) per sitemap."""
    entries = "".join(
        f"<sitemap><loc>{html.escape(loc)}</loc><lastmod>{mod}</lastmod></sitemap>"
        for loc, mod in locs
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'
    )

"""safe_url(value) -> an http(s) URL or None: the one check for every URL that enters."""

from __future__ import annotations

from urllib.parse import urlsplit

from articles.text.cleaning import nfc

MAX_URL_LENGTH = 1000  # Article.url's column
MAX_HOST_LENGTH = 200  # Source.domain's column
_SCHEMES = frozenset({"http", "https"})


def safe_url(value: object) -> str | None:
    """The URL if it is an absolute http(s) URL with a host that fits our columns, else None.

    >>> safe_url(" https://vov.vn/the-gioi/nato-123.vov ")
    'https://vov.vn/the-gioi/nato-123.vov'
    >>> [safe_url(u) for u in ("javascript:alert(1)", "data:text/html,x", "//vov.vn/a", "")]
    [None, None, None, None]
    >>> safe_url("JaVaScRiPt://vov.vn/%0aalert(1)") is None
    True
    """
    if not isinstance(value, str):
        return None
    url = nfc(value).strip()
    if not url or len(url) > MAX_URL_LENGTH or any(char.isspace() for char in url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in _SCHEMES or not host or len(host) > MAX_HOST_LENGTH:
        return None
    return url


def url_host(value: object) -> str | None:
    """The lowercase host of a safe URL, without "www.", or None.

    >>> url_host("https://WWW.VOV.vn:443/a")
    'vov.vn'
    """
    url = safe_url(value)
    if url is None:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or None

"""canonical_url(url) and same_site(a, b): one form per article URL, before any fetch. Pure."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from articles.text import safe_url, url_host

# Parameters that say how a reader arrived, never which article: dropped, so one article
# shared through a newsletter and a social post is fetched and stored once.
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "piwik_", "matomo_", "hsa_", "_hs", "oly_")
_TRACKING = frozenset(
    "fbclid gclid gclsrc dclid msclkid yclid twclid igshid mkt_tok _ga _gl ref_src ref_url "
    "cmpid cmp ito itm_source itm_medium itm_campaign wt.mc_id ncid sr_share src_share "
    "spm vero_id rss ocid at_medium at_campaign".split()
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str | None:
    """The URL without tracking parameters, fragment and default port, host lowercase.

    >>> canonical_url("HTTPS://VOV.vn:443/a-1.vov?utm_source=rss&id=3&fbclid=x#top")
    'https://vov.vn/a-1.vov?id=3'
    >>> canonical_url("javascript:alert(1)") is None
    True
    """
    safe = safe_url(url)
    if safe is None:
        return None
    parts = urlsplit(safe)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{parts.port}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in _TRACKING and not key.lower().startswith(_TRACKING_PREFIXES)
    ]
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query), ""))


def same_site(url: str, home: str) -> bool:
    """Whether `url` is on the site `home` names (a domain or a URL), subdomains included.

    >>> same_site("https://m.vov.vn/a", "vov.vn"), same_site("https://evil.com/vov.vn", "vov.vn")
    (True, False)
    """
    host = url_host(url)
    site = url_host(home if "//" in home else f"http://{home}")
    if not host or not site:
        return False
    return host == site or host.endswith(f".{site}")

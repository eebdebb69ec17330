"""source(raw, url, site_name) -> (outlet name, domain): from the URL, else marks in the text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from articles.text import url_host


@dataclass(frozen=True)
class _Outlet:
    name: str
    domain: str
    marker: re.Pattern[str]


def _outlet(name: str, domain: str, marker: str, flags: int = re.I) -> _Outlet:
    return _Outlet(name, domain, re.compile(marker, flags))


# Outlets we have met, with the marks they leave in a page (datelines, mastheads, credits).
# Wire agencies (Reuters, AP, AFP) are left out: they show up as photo credits on any site.
_OUTLETS = (
    _outlet("VOV.VN", "vov.vn", r"\bVOV\.VN\b"),
    _outlet(
        "Báo Thế giới và Việt Nam",
        "baoquocte.vn",
        r"^TGVN\.\s|\bbaoquocte\.vn\b|\bBáo Thế giới (?:và|&) Việt Nam\b",
        re.I | re.M,
    ),
    _outlet("Al Jazeera", "aljazeera.com", r"^Al Jazeera$|\btold Al Jazeera\b|aljazeera\.com", 0),
    _outlet("Libyan Express", "libyanexpress.com", r"\bLibyan Express\b|\blibyanexpress\.com\b"),
    _outlet("VnExpress", "vnexpress.net", r"\bVnExpress\b"),
    _outlet("Tuổi Trẻ", "tuoitre.vn", r"^TTO\s*[-–—]\s|\btuoitre\.vn\b", re.I | re.M),
    _outlet("Thanh Niên", "thanhnien.vn", r"\bthanhnien\.vn\b"),
    _outlet("VietnamPlus", "vietnamplus.vn", r"\bVietnamPlus\b"),
)
_TLD = r"\.(?:vn|com|net|org)"
_DATELINE_SITE = re.compile(rf"^([a-z][\w-]*(?:\.[\w-]+)*{_TLD})\s*[-–—]\s+\S", re.I | re.M)
# The lookbehinds keep these linear on a megabyte line with no spaces.
_EMAIL_OR_URL = re.compile(
    r"(?<![\w.+-])[\w.+-]{1,64}@([\w-]+(?:\.[\w-]+)+)|(?<!\w)https?://([\w-]+(?:\.[\w-]+)+)", re.I
)
# Links and addresses a story cites without being published there.
_NOT_PUBLISHERS = frozenset(
    "twitter.com x.com t.co facebook.com youtube.com instagram.com tiktok.com bit.ly google.com"
    " gmail.com yahoo.com hotmail.com outlook.com".split()
)
_BARE_DOMAIN = re.compile(rf"\b([a-z0-9-]+(?:\.[a-z0-9-]+)*{_TLD})\b", re.I)


def source(raw: str, url: str | None, site_name: str | None) -> tuple[str | None, str | None]:
    """Outlet name and domain: the URL's domain first, then marks the page leaves in its text."""
    name, domain = _source_from_text(raw)
    url_domain = host_of(url) if url and "://" in url else None
    if url_domain:
        outlet = next((o for o in _OUTLETS if _same_site(url_domain, o.domain)), None)
        if outlet:
            return site_name or outlet.name, url_domain
        # Text marks name the site only if they point at the same domain (not an aggregator's).
        same = domain is not None and _same_site(url_domain, domain)
        return site_name or (name if same else None), url_domain
    return site_name or name, domain


def _source_from_text(raw: str) -> tuple[str | None, str | None]:
    if len(raw) > 200_000:
        raw = raw[:100_000] + "\n" + raw[-100_000:]  # mastheads and footers sit at the ends
    best, best_rank = None, (0, 0)
    for outlet in _OUTLETS:
        matches = list(outlet.marker.finditer(raw))
        if matches:
            rank = (len(matches), -matches[0].start())
            if best is None or rank > best_rank:
                best, best_rank = outlet, rank
    if best:
        return best.name, best.domain
    dateline = _DATELINE_SITE.search(raw[:5000])
    if dateline and (domain := host_of(dateline.group(1))):
        return dateline.group(1), domain
    for match in _EMAIL_OR_URL.finditer(raw):
        domain = host_of(match.group(1) or match.group(2))
        if domain and domain not in _NOT_PUBLISHERS:
            return None, domain
    for line in raw.split("\n"):
        # "Theo dõi Baoquocte.vn trên": a bare domain is a hint only on a short line, not in a
        # story that happens to mention amazon.com.
        bare = _BARE_DOMAIN.search(line) if len(line) <= 200 and len(line.split()) <= 8 else None
        if bare and (domain := host_of(bare.group(1))):
            return None, domain
    return None, None


def host_of(value: object) -> str | None:
    """The lowercase host of a URL or a bare domain, without "www.", if it fits Source.domain.

    >>> [host_of(v) for v in ("WWW.VOV.vn", "https://vov.vn/a", "vov.vn.", "a b", "x" * 300)]
    ['vov.vn', 'vov.vn', 'vov.vn', None, None]
    """
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    host = url_host(value if "://" in value else "http://" + value)
    if host is None:
        return None
    return host.rstrip(".") or None


def _same_site(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)

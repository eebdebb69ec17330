"""extract_text(text) / extract_html(html) -> Extracted: pure; no DB, no network."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from articles.ingest.outlets import source
from articles.ingest.stages import timed
from articles.text import (
    BY_TAG,
    Node,
    Page,
    article_text,
    detect_language,
    find_publication_date,
    is_prose,
    language_from_code,
    main_root,
    nfc,
    parse_date_text,
    render,
    resolve,
    safe_url,
    walk,
)


@dataclass(frozen=True)
class Extracted:
    title: str
    body: str  # clean article text, paragraphs separated by "\n\n", NFC
    language: str | None  # "vi" | "en" | None when unsure
    published: date | None  # for partial dates: the first day of the known period
    precision: str  # "day" | "month" | "year" | "unknown" (articles.models.Precision values)
    source_name: str | None  # e.g. "VOV.VN", "Al Jazeera"; None when nothing says
    source_domain: str | None  # e.g. "vov.vn"; from the URL or markers in the text
    url: str | None


# Line patterns, matched against the casefolded line.
# A whole line that opens a "related"/"read more" box: what follows is other articles.
_SECTION = re.compile(
    r"(?:tin liên quan|bài (?:viết )?liên quan|tin cùng chuyên mục|tin khác|tin mới(?: nhất)?"
    r"|tin nổi bật|đọc thêm|xem thêm|có thể bạn quan tâm|related(?: stories| news| articles)?"
    r"|read (?:more|next)|more stories|top stories|our picks|editor'?s picks|recommended"
    r"|you (?:may|might) also like|most (?:read|popular|viewed)|trending|latest news|see also)"
    r"\s*:?"
)
# Lines that end the article: site footers and paywall prompts.
_END = re.compile(
    r"^(?:phiên bản di động|bản quyền thuộc|copyright\s*(?:©|\(c\)|\d{4})|©\s*\d{4}"
    r"|tổng biên tập\s*:|sign up to (?:read|continue)|subscribe to (?:read|continue)"
    r"|to continue reading|create a free account|đăng ký để đọc)|all rights reserved"
)
_MONTH_DATE = (
    r"[a-z]{3,9}\.? \d{1,2}, \d{4}|\d{1,2} [a-z]{3,9} \d{4}|\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d\d-\d\d"
)
_NOISE = re.compile(
    r"^(?:also read|read (?:more|also)|see also|related|xem thêm|đọc thêm|tin liên quan)\s*[:>»]"
    r"|^>>|\bthe views expressed (?:in|here)|\bdo not necessarily reflect\b|^how to submit\b"
    r"|\bsubmissions? (?:may|can|should) be sent to\b|quan điểm (?:riêng )?của tác giả"
    r"|\((?:nguồn|ảnh|photo|source|credit|image|hình)\s*:[^()]{0,200}\)$"
    r"|^(?:ảnh|photo|image|hình)\s*:"
    # Table-cell teasers "... |", teasers cut at a word "Bắc Đại ...", dated link lists.
    rf"|\|$|\s(?:\.\.\.|…)$|\s[-–—|]\s+(?:{_MONTH_DATE})$"
)
# Follow/subscribe/app prompts: trusted on short lines only, where they cannot be story.
_PROMPT = re.compile(
    r"^(?:mời (?:quý )?(?:độc giả|bạn đọc) )?theo dõi\b.{0,60}\btrên\b|\bfollow us\b"
    r"|\bsign (?:up|in)\b|\blog ?in\b|\balready (?:a member|have an account)|\bsubscri(?:be|ption)"
    r"|\bnewsletter|\bdownload (?:the|our) app\b|\bdays? free\b|\bfree trial\b|\bstart reading\b"
    r"|\bpremium titles\b|\bget all your news\b|\bone app\b|\bone membership\b"
    r"|\bshare (?:this|on)\b"
    r"|^advertisement$|\bwe use cookies\b|\baccept (?:all )?cookies\b|\bskip to (?:main )?content\b"
    r"|\bback to top\b|\bđăng ký nhận\b|\bđăng nhập\b|\btải ứng dụng\b|^chia sẻ\b"
    r"|^(?:gửi )?bình luận\b|^quảng cáo$|\bvề đầu trang\b"
)
# WordPress shortcodes: "[su_note x=1]...[/su_note]" goes whole, a lone "[vc_row]" tag goes.
_SHORTCODE = re.compile(r"\[(/?)([a-z][a-z0-9_-]*)\b[^\]\[]{0,200}\]")
_SHORTCODE_NAMES = frozenset("caption embed gallery video audio".split())
# "VOV.VN - " / "TGVN. " opening a lead; "Mr. " is not one, hence no re.I.
_LEAD_DATELINE = re.compile(r"^(?:[A-ZĐ][\w.]*\.[A-Z]{2,3}\s*[-–—]|[A-ZĐ]{2,8}\.)\s")
_LEAD_DATE = re.compile(r"^(?i:ngày|hôm|sáng|chiều|tối|on)\s+[\d/]+,?\s+")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_NOT_HEADLINE_END = (".", ":", ",", ";", "…", "|")
_TITLE_MAX = 120
_SHORT_LINE_WORDS = 12
# News articles are a few KB; past this a "page" is a dump and scanning it all only costs time.
_MAX_CHARS = 1_000_000


def extract_text(text: str, *, url: str | None = None) -> Extracted:
    """Title, body, language, date and source of a crawled page saved as plain text.

    >>> extract_text("Tin về Libya\\nVOV.VN - Ông A hôm nay cho biết, NATO sẽ giúp Libya.").title
    'Tin về Libya'
    """
    lines = _lines(text)
    return _assemble(lines, "\n".join(lines), title_hint=None, url=safe_url(url))


def extract_html(html: str, *, url: str | None = None) -> Extracted:
    """Extract from HTML; main text comes from <article>, else <main>, else <body>.

    Inside it, script/style/nav/header/footer/aside/form and elements whose class or id says
    related/share/social/subscribe/newsletter/comment/footer/menu/breadcrumb/advert are dropped,
    then the text rules of extract_text apply. Metadata (og:title, article:published_time,
    JSON-LD, <time datetime>, <html lang>, og:locale, og:site_name) wins over text guesses.

    >>> extract_html("<html lang='en'><h1>Hi there all</h1><p>x</p></html>").language
    'en'
    """
    page = Page()
    try:
        # A "<" that opens no tag is text; escaping it spares html.parser a slow path.
        page.feed(_STRAY_LT.sub("&lt;", nfc(html if isinstance(html, str) else "")))
        page.close()
    except Exception:  # html.parser raises on a few malformed declarations; keep what we have
        pass
    root = main_root(page)
    raw = "\n".join(_lines("\n".join(render(page.root, drop=BY_TAG + 1))))
    meta = page.meta
    site_name = _clean_inline(meta.get("og:site_name", "")) or None
    title = _html_title(page, root, site_name)
    # safe_url: a "javascript:" canonical, or one too long for Article.url, is no URL at all.
    declared = [u for u in map(safe_url, (meta.get("og:url"), page.canonical)) if u]
    canonical = safe_url(url) or next(iter(declared), None)
    lines = _lines("\n".join(render(root)))
    extracted = _assemble(lines, raw, title_hint=title, url=canonical, site_name=site_name)
    if not extracted.body:
        # An unclosed <div class="menu"> can swallow the story: retry trusting tags, not classes.
        lines = _lines("\n".join(render(root, drop=BY_TAG)))
        extracted = _assemble(lines, raw, title_hint=title, url=canonical, site_name=site_name)
    language = language_from_code(page.lang) or language_from_code(meta.get("og:locale"))
    published, precision = _html_date(page, root)
    if published is None:
        published, precision = extracted.published, extracted.precision
    return Extracted(
        title=extracted.title,
        body=extracted.body,
        language=language or extracted.language,
        published=published,
        precision=precision,
        source_name=extracted.source_name,
        source_domain=extracted.source_domain,
        url=canonical,
    )


def _assemble(
    lines: list[str],
    raw: str,
    *,
    title_hint: str | None,
    url: str | None,
    site_name: str | None = None,
) -> Extracted:
    title, body, head = _select(lines, title_hint)
    body_text = "\n\n".join(body)
    with timed("language and dates"):
        language = detect_language(article_text(title, body_text)[:50_000])
        published, precision = find_publication_date("\n".join(head), language)
    name, domain = source(raw, url, site_name)
    return Extracted(title, body_text, language, published, precision, name, domain, url)


def _lines(text: str) -> list[str]:
    cleaned = nfc(text[:_MAX_CHARS] if isinstance(text, str) else "")
    lines = (_SPACES.sub(" ", _strip_shortcodes(line)).strip() for line in cleaned.split("\n"))
    return [line for line in lines if line]


def _strip_shortcodes(line: str) -> str:
    if "[" not in line:
        return line
    opened: dict[str, int] = {}
    cuts: list[tuple[int, int]] = []
    for match in _SHORTCODE.finditer(line):
        closing, name = match.groups()
        if "_" not in name and name not in _SHORTCODE_NAMES:
            continue  # "[sic]", "[b]": editorial brackets and markup, not plugin junk
        if closing and name in opened:
            cuts.append((opened.pop(name), match.end()))
        else:
            opened.setdefault(name, match.start())
            cuts.append(match.span())
    kept: list[str] = []
    position = 0
    for start, stop in sorted(cuts):
        kept.append(line[position:start] if start > position else "")
        position = max(position, stop)
    return "".join(kept) + line[position:]


def _key(line: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", line.casefold()).split())


def _fold(text: str) -> str:
    """Lowercase, strip accents and punctuation: the slug form sites print as a line prefix.

    >>> _fold("Iraq 'bật đèn xanh' cho NATO ở lại")
    'iraq bat den xanh cho nato o lai'
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _key(stripped)


def _is_headline(line: str) -> bool:
    words = len(line.split())
    return 3 <= words <= 30 and len(line) <= 250 and not line.endswith(_NOT_HEADLINE_END)


def _pattern_kind(line: str) -> str | None:
    lower = line.casefold()
    short = len(line.split()) <= _SHORT_LINE_WORDS
    if short and _END.search(lower):
        return "end"
    if short and _SECTION.fullmatch(lower):
        return "section"
    if _NOISE.search(lower) or (short and _PROMPT.search(lower)):
        return "noise"
    return None


def _select(lines: list[str], title_hint: str | None) -> tuple[str, list[str], list[str]]:
    """Pick the title and the article's lines; also return the head lines for date finding."""
    n = len(lines)
    kinds = [_pattern_kind(line) for line in lines]
    bad = [kind is not None for kind in kinds]
    end = next((i for i, kind in enumerate(kinds) if kind == "end"), n)
    lead = next((i for i in range(end) if not bad[i] and is_prose(lines[i])), None)
    title, title_at = (title_hint, None) if title_hint else _find_title(lines, bad, lead)
    # Datelines sit just above or in the lead; a "today" bar at the top of the page does not.
    head_end = lead + 1 if lead is not None else min(n, 8)
    head = [lines[i] for i in range(max(0, head_end - 8), head_end) if not bad[i]]
    if title_at is not None:
        for i in range(title_at):
            bad[i] = True  # crumbs and mastheads above the headline
    keys = [_key(line) for line in lines]
    title_key, slug = _key(title), _fold(title)
    _mark_repeats(lines, keys, bad, title_key)
    # Only an accented title has a slug distinct from itself ("bật đèn" -> "bat den").
    has_slug = slug != title_key and len(slug.split()) >= 3
    slugged = [has_slug and line.startswith(slug) for line in lines]
    for i in range(n):
        # Slug lines: "iraq bat den xanh cho nato o lai Other headline" (a related-link prefix).
        if slugged[i] or keys[i] == title_key:
            bad[i] = True
    if lead is None:
        return title, [], head
    dateline = _LEAD_DATELINE.match(lines[lead])
    in_section = False
    for i in range(lead, n):
        line = lines[i]
        if line.endswith("/."):
            end = min(end, i + 1)  # Vietnamese papers close the article with "/."
        if i == lead:
            continue
        if kinds[i] == "section":
            in_section = True
        elif dateline and line.startswith(dateline.group()):
            bad[i] = True  # a second "VOV.VN - " lead is another article's teaser
        elif in_section and not bad[i] and is_prose(line):
            # Story prose resumes after the box; a teaser's summary follows its headline.
            before = i - 1
            teaser = kinds[before] is None and not slugged[before]
            in_section = teaser and _is_headline(lines[before])
        if in_section:
            bad[i] = True
    for i in range(end, n):
        bad[i] = True
    return title, _keep_by_context(lines, bad), head


def _mark_repeats(lines: list[str], keys: list[str], bad: list[bool], title_key: str) -> None:
    seen: set[str] = set()
    for i, (line, key) in enumerate(zip(lines, keys, strict=True)):
        if key in seen:
            bad[i] = True
            continue
        seen.add(key)
        # A teaser: headline printed twice in a row, then its summary paragraph.
        if key != title_key and i + 1 < len(lines) and keys[i + 1] == key and _is_headline(line):
            bad[i] = True
            if i + 2 < len(lines) and not _is_headline(lines[i + 2]):
                bad[i + 2] = True


def _keep_by_context(lines: list[str], bad: list[bool]) -> list[str]:
    """Keep prose; keep a short line only when story prose is next to it (jusText's idea)."""
    kinds = [
        "bad" if b else "good" if is_prose(line) else "short"
        for line, b in zip(lines, bad, strict=True)
    ]
    goods = [i for i, kind in enumerate(kinds) if kind == "good"]
    if not goods:
        return []
    left: list[str] = []
    last = "bad"
    for kind in kinds:
        left.append(last)
        if kind != "short":
            last = kind
    right: list[str] = [""] * len(kinds)
    last = "bad"
    for i in range(len(kinds) - 1, -1, -1):
        right[i] = last
        if kinds[i] != "short":
            last = kinds[i]
    kept: list[str] = []
    for i in range(goods[0], goods[-1] + 1):
        if kinds[i] == "good" or (kinds[i] == "short" and "good" in (left[i], right[i])):
            kept.append(lines[i])
    return kept


def _find_title(lines: list[str], bad: list[bool], lead: int | None) -> tuple[str, int | None]:
    stop = lead if lead is not None else min(len(lines), 15)
    window = range(max(0, stop - 15), stop)
    candidates = [i for i in window if not bad[i] and _is_headline(lines[i])]
    if candidates:
        # The longest headline-like line above the lead; crumbs and bylines are shorter.
        best = max(candidates, key=lambda i: (len(lines[i]), i))
        return lines[best], best
    if lead is None:
        return "", None
    return _title_from_lead(lines[lead]), None


def _title_from_lead(lead: str) -> str:
    """A headline from the lead's first sentence when the page has none, cut at a word.

    >>> _title_from_lead("Ngày 19/10, ông Rutte cho biết NATO sẽ hỗ trợ. Câu sau.")
    'Ông Rutte cho biết NATO sẽ hỗ trợ'
    """
    text = _LEAD_DATE.sub("", _LEAD_DATELINE.sub("", lead, count=1).lstrip(" -–—"), count=1)
    sentence = re.split(r"(?<=[.!?])\s+", text, maxsplit=1)[0].rstrip(".!? ")
    if len(sentence) > _TITLE_MAX:
        sentence = sentence[: _TITLE_MAX - 1].rsplit(" ", 1)[0].rstrip(",;:-– ") + "…"
    return sentence[:1].upper() + sentence[1:]


def _clean_inline(text: str) -> str:
    return _SPACES.sub(" ", nfc(text)).strip()


_STRAY_LT = re.compile(r"<(?![a-zA-Z/!?])")
_DATE_META = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "publish-date", "date", "dc.date.issued", "dc.date",
)  # fmt: skip


def _text(node: Node) -> str:
    return _clean_inline(" ".join(render(node, drop=BY_TAG + 1)))


def _html_title(page: Page, root: Node, site_name: str | None) -> str | None:
    # An article's <header> holds its h1 and <time>: furniture for the body, not for metadata.
    h1 = next((_text(n) for n in walk(root, "header") if n.tag == "h1"), "")
    h1 = h1 or next((_text(n) for n in walk(page.root, "header") if n.tag == "h1"), "")
    for raw in (page.meta.get("og:title"), page.meta.get("twitter:title"), page.title):
        title = _clean_inline(raw or "")
        if title:
            if h1 and _key(title).startswith(_key(h1)):
                return h1  # "<h1> - Site Name": the h1 is the headline without the suffix
            return _strip_site_suffix(title, site_name)
    return h1 or None


def _strip_site_suffix(title: str, site_name: str | None) -> str:
    """Drop " | Site" / " - Site" when it names the site or is much shorter than the headline.

    >>> _strip_site_suffix("NATO chief: No plans for combat troops - Al Jazeera", None)
    'NATO chief: No plans for combat troops'
    """
    site = _fold(site_name or "")
    while True:
        separators = list(re.finditer(r"\s+([|–—-])\s+", title))
        if not separators:
            return title
        cut = separators[-1]
        last, rest = title[cut.end() :], title[: cut.start()]
        words, rest_words = len(last.split()), len(rest.split())
        # A dash also joins headline halves ("Nga - NATO ..."), so it needs more evidence than "|".
        short = words <= 4 if cut.group(1) == "|" else words <= 3 and rest_words >= 4
        if not ((site and _fold(last) == site) or "." in last or (short and rest_words >= 2)):
            return title
        title = rest


def _html_date(page: Page, root: Node) -> tuple[date | None, str]:
    values = [page.meta.get(key) for key in _DATE_META] + _jsonld_dates(page.jsonld)
    in_story = root.tag in ("article", "main")
    for node in walk(root, "header"):
        # Outside an <article>, a bare <time> may be the site's "today" bar: ask for a hint.
        itemprop = node.attrs.get("itemprop", "").lower()
        marked = "pubdate" in node.attrs or itemprop == "datepublished"
        if node.tag == "time" and (in_story or marked):
            values.append(node.attrs.get("datetime") or _text(node))
    for value in values:
        partial = parse_date_text(value, "en") if value else None
        if partial and partial.year:
            return resolve(partial)
    return None, "unknown"


def _jsonld_dates(blocks: list[str]) -> list[str]:
    found: list[str] = []
    for block in blocks:
        try:
            stack: list[object] = [json.loads(block)]
        except (ValueError, RecursionError):
            continue
        while stack and len(found) < 5:
            item = stack.pop()
            if isinstance(item, dict):
                value = item.get("datePublished")
                if isinstance(value, str):
                    found.append(value)
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
    return found

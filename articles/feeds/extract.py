"""page_input(data, ...) -> RawInput: a fetched article page, ready for the import path. Pure.

trafilatura finds the article's text, title and (from the page's metadata only, never a
date guessed from the text) its publication date; the feed's title and date win over the
page's, as a manifest's do. The RawInput keeps the page's HTML as its raw input (stored
with the article, for re-processing) and hands the text over as "body": ingest/prepare then
runs it through the same noise rules, language detection, topics, entities, stories and
copies as an imported file.
"""

from __future__ import annotations

from datetime import date

import trafilatura

from articles.feeds.parse import Entry
from articles.ingest import RawInput
from articles.text import decode, nfc

# Only the page's own metadata (meta tags, JSON-LD, <time>): a wrong date is worse than none.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


class NoArticle(ValueError):
    """The page holds no article text trafilatura can find."""


def page_input(
    data: bytes,
    *,
    url: str,
    entry: Entry,
    source_name: str,
    source_domain: str | None,
    language: str,
    crawled: date,
) -> RawInput:
    """The RawInput for one article page. Raises UnreadableInput (bytes) or NoArticle."""
    # decode() reads BOMs and <meta charset>, checks them and tells legacy Vietnamese
    # encodings (Windows-1258, VNI) apart: a server's charset header is too often wrong.
    html = decode(data)
    found = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        date_extraction_params=_DATE_PARAMS,
    )
    text = (getattr(found, "text", None) or "").strip()
    if not text:
        raise NoArticle("no article text found in the page")
    title = entry.title or (getattr(found, "title", None) or "")
    fields: dict[str, str] = {
        "url": url,
        "title": nfc(title).strip(),
        # One paragraph per line in trafilatura's text; paragraphs are blank-line apart here.
        "body": "\n\n".join(line.strip() for line in nfc(text).split("\n") if line.strip()),
        "published": entry.published or _page_day(getattr(found, "date", None)),
        "source": source_name,
        "language": entry.language or language,
        "crawled": crawled.isoformat(),
    }
    if source_domain:
        fields["source_domain"] = source_domain
    return RawInput(
        name=url, key=url, format="html", raw=html, fields={k: v for k, v in fields.items() if v}
    )


def _page_day(value: object) -> str:
    text = str(value or "")
    return text[:10] if len(text) >= 10 and text[4] == "-" and text[7] == "-" else ""

"""snippet(article, terms) -> SafeString: the passage that best shows why an article matched."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from itertools import islice

from django.utils.safestring import SafeString, mark_safe

from articles.models import Article, Language
from articles.text import WORD, fold, nfc, stem_english

SNIPPET_WORDS = 40
# The best passage is looked for in the first words only: long texts must not make a page slow.
SCAN_WORDS = 3_000


def snippet(article: Article, terms: set[str], size: int = SNIPPET_WORDS) -> SafeString:
    """The passage of `size` words with most matched terms, escaped, matches in <mark>.

    Done here rather than by the engine's highlighter so it is the same on every haystack
    backend and uses the index's own folding and stemming.
    """
    text = nfc(article.body)
    tokens = list(islice(WORD.finditer(text), SCAN_WORDS))
    if not tokens:
        return mark_safe("")
    key = _english_key if article.language == Language.ENGLISH else _key
    wanted = {key(t) for t in terms}
    # Each distinct word is keyed once: a body repeats its words.
    found = [m.group() for m in tokens]
    marked = {word for word in set(found) if key(word) in wanted}
    matched = [word in marked for word in found]
    start = _best_window(matched, size)
    window = tokens[start : start + size]
    pieces: list[str] = ["… " if start > 0 else ""]
    cursor = window[0].start()
    # Text between marks is escaped in one piece: escaping word by word was a third of a
    # search page's time (20 snippets of 40 words).
    for offset, token in enumerate(window, start):
        if matched[offset]:
            pieces.append(escape(text[cursor : token.start()]))
            pieces.append(f"<mark>{escape(token.group())}</mark>")
            cursor = token.end()
    pieces.append(escape(text[cursor : window[-1].end()]))
    if start + size < len(tokens):
        pieces.append(" …")
    return mark_safe(re.sub(r"\s+", " ", "".join(pieces)).strip())


def escape(text: str) -> str:
    """HTML-escaped text, as django.utils.html.escape gives it, without its lazy wrapping.

    >>> escape("<a href='x'>&</a>")
    '&lt;a href=&#x27;x&#x27;&gt;&amp;&lt;/a&gt;'
    """
    return html.escape(text, quote=True)


def plain(snippet_html: str) -> str:
    """The snippet as plain text, for the JSON export.

    >>> plain("a <mark>b</mark> &lt;c&gt;")
    'a b <c>'
    """
    return html.unescape(re.sub(r"</?mark>", "", snippet_html))


@lru_cache(maxsize=65_536)
def _key(word: str) -> str:
    return fold(word)


@lru_cache(maxsize=65_536)
def _english_key(word: str) -> str:
    # Snowball is slow in pure Python; news text repeats its words, so cache.
    return stem_english(fold(word))


def _best_window(matched: list[bool], size: int) -> int:
    best, best_count, count = 0, -1, 0
    for i, hit in enumerate(matched):
        count += hit
        if i >= size:
            count -= matched[i - size]
        if count > best_count:
            best, best_count = max(0, i - size + 1), count
    # Start a few words before the first match so the passage reads as a sentence.
    first = next((i for i in range(best, min(len(matched), best + size)) if matched[i]), best)
    return max(best, first - 5)

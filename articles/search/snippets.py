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
SCAN_CHARACTERS = 40 * SCAN_WORDS


def snippet(article: Article, terms: set[str], size: int = SNIPPET_WORDS) -> SafeString:
    """The passage of `size` words with most matched terms, escaped, matches in <mark>.

    Done here rather than by the engine's highlighter so it is the same on every haystack
    backend and uses the index's own folding and stemming.
    """
    text = nfc(article.body)[:SCAN_CHARACTERS]
    # The words as strings first (one C call); match objects, which carry offsets, are
    # made only up to the chosen passage's end.
    found = WORD.findall(text)[:SCAN_WORDS]
    if not found:
        return mark_safe("")
    key = _english_key if article.language == Language.ENGLISH else _key
    wanted = {key(t) for t in terms}
    # Each distinct word is keyed once: a body repeats its words.
    marked = {word for word in set(found) if key(word) in wanted}
    positions = [i for i, word in enumerate(found) if word in marked]
    start = _best_window(positions, size)
    tokens = list(islice(WORD.finditer(text), start + size))
    window = tokens[start:]
    matched = set(positions)
    pieces: list[str] = ["… " if start > 0 else ""]
    cursor = window[0].start()
    # Text between marks is escaped in one piece: escaping word by word was a third of a
    # search page's time (20 snippets of 40 words).
    for offset, token in enumerate(window, start):
        if offset in matched:
            pieces.append(escape(text[cursor : token.start()]))
            pieces.append(f"<mark>{escape(token.group())}</mark>")
            cursor = token.end()
    pieces.append(escape(text[cursor : window[-1].end()]))
    if start + size < len(found):
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


def _best_window(positions: list[int], size: int) -> int:
    """The first word of the first `size`-word window that holds the most matched words
    (`positions`, ascending), started up to five words before its first match so the passage
    reads as a sentence; 0 with no match.

    >>> _best_window([2, 50, 52, 53], 10)
    45
    >>> _best_window([], 10), _best_window([3], 40)
    (0, 0)
    """
    best, best_count, low = 0, 0, 0
    for high, end in enumerate(positions):
        # The window that ends at this match holds the matches from `low` to `high`.
        while positions[low] <= end - size:
            low += 1
        if high - low + 1 > best_count:
            best, best_count = max(0, end - size + 1), high - low + 1
    first = next((p for p in positions if best <= p < best + size), best)
    return max(best, first - 5)

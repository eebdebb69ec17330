"""The one home of text cleaning: NFC, line ends, control characters, prose lines, sentences."""

from __future__ import annotations

import re
import unicodedata

# Control characters (C0 but tab and newline, DEL, C1), soft hyphens, zero-width spaces and
# byte-order marks: invisible in a page, but they split or glue words in the index.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b\u2060\ufeff]")
_LINE_ENDS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n"})
_PROSE_END = tuple('.!?…"”’»)')
# A sentence ends at . ! or ? followed by space and a capital, a digit or an opening quote.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[\"“‘'(]?[A-ZÀ-Ỹ0-9])")


def nfc(text: str) -> str:
    """NFC, every line end as \\n, and no control or invisible characters but \\n and \\t.

    >>> nfc("Ha\\u0300 No\\u0323\\u0302i\\r\\nso\\u00adft") == "Hà Nội\\nsoft"
    True
    """
    text = text.replace("\r\n", "\n")
    if "\r" in text or "\u2028" in text or "\u2029" in text:
        # Only then: translate() looks up every character, about 1 ms an article.
        text = text.translate(_LINE_ENDS)
    return _CONTROL.sub("", unicodedata.normalize("NFC", text))


def is_prose(line: str) -> bool:
    """Whether a line reads as running text rather than a headline, a menu or a caption.

    >>> is_prose("Đọc thêm")
    False
    >>> is_prose("Ông Stoltenberg nói NATO sẵn sàng hỗ trợ Libya nếu được yêu cầu.")
    True
    """
    words = len(line.split())
    return words >= 25 or (words >= 10 and line.endswith(_PROSE_END))


def sentences(text: str) -> list[str]:
    """Split text into sentences (a full stop before a lowercase word does not end one).

    >>> sentences("Mr. Smith met U.S. officials. Ông Stoltenberg nói vậy.")
    ['Mr.', 'Smith met U.S. officials.', 'Ông Stoltenberg nói vậy.']
    """
    return _SENTENCE_BREAK.split(text)


def first_sentence(line: str, min_words: int = 4) -> str:
    """The first sentence of at least `min_words` words (a dateline is not a sentence).

    >>> first_sentence("TGVN. Ngày 13/2, ông Biden tới Hà Nội. Ông nói.")
    'TGVN. Ngày 13/2, ông Biden tới Hà Nội.'
    """
    sentence = ""
    for piece in sentences(line):
        sentence = f"{sentence} {piece}" if sentence else piece
        if len(sentence.split()) >= min_words:
            break
    return sentence


def article_text(title: str, body: str) -> str:
    """Title and body as one text, the way the index, the linker and grouping read them.

    >>> article_text("Hà Nội", "Mưa lớn.")
    'Hà Nội\\n\\nMưa lớn.'
    """
    return f"{title}\n\n{body}" if title else body

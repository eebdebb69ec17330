"""Pure text primitives: NFC and cleaning, decoding, HTML to text, language, dates, analysis.

Nothing here touches the database or imports the rest of the app.
"""

from articles.text.analysis import (
    ENGLISH,
    EXACT,
    FOLDING,
    WORD,
    fold,
    index_terms,
    stem_english,
    words,
)
from articles.text.cleaning import article_text, first_sentence, is_prose, nfc, sentences
from articles.text.dates import PartialDate, find_publication_date, parse_date_text, resolve
from articles.text.decoding import SNIFF_BYTES, UnreadableInput, decode, find_encoding
from articles.text.html_page import BY_TAG, Node, Page, main_root, render, walk
from articles.text.language import VI_SYLLABLE, detect_language, language_from_code
from articles.text.periods import (
    Chart,
    Period,
    continuous,
    day_label,
    day_number,
    number_day,
    period_label,
)
from articles.text.urls import safe_url, url_host

__all__ = [
    "Chart",
    "Period",
    "continuous",
    "day_label",
    "day_number",
    "number_day",
    "period_label",
    "BY_TAG",
    "ENGLISH",
    "EXACT",
    "FOLDING",
    "SNIFF_BYTES",
    "VI_SYLLABLE",
    "WORD",
    "Node",
    "Page",
    "PartialDate",
    "UnreadableInput",
    "article_text",
    "decode",
    "detect_language",
    "find_encoding",
    "find_publication_date",
    "first_sentence",
    "fold",
    "index_terms",
    "is_prose",
    "language_from_code",
    "main_root",
    "nfc",
    "parse_date_text",
    "render",
    "resolve",
    "safe_url",
    "sentences",
    "stem_english",
    "url_host",
    "walk",
    "words",
]

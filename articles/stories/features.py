"""What filing reads of an article's own text, computed before the database (pure).

Shingles for copies, the words, names and figures grouping compares, and the bridge keys
across languages (#14) depend only on the title, body and language. An import computes them
in its extraction processes (ingest/prepare.py, `--jobs`), so the process that writes the
database only reads and writes rows (issue #10: filing was most of an import's time).
`articles/stories/store.py` computes them itself when it files an article without them
(regroup, curators' edits), with the same functions, so the stories are the same either way.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

from articles.stories import bilingual, copies, grouping
from articles.text import article_text
from articles.topics import text_vector


@dataclass(frozen=True)
class FilingText:
    """An article's text as filing reads it; `language` is the one it was computed for."""

    language: str
    copy: copies.CopyText  # its order is set when the article is filed
    word_ids: array  # the text_vector, as parallel arrays (neighbours.py keeps them so)
    word_weights: array
    names: frozenset[str]
    numbers: frozenset[str]
    bridge: frozenset[str]


def filing_text(title: str, body: str, language: str) -> FilingText:
    """What filing needs of a text in a language."""
    whole = article_text(title, body)
    found_names, found_numbers = grouping.names(whole), grouping.numbers(whole)
    vector = text_vector(title, body, language)
    return FilingText(
        language,
        copies.copy_text(title, body),
        array("l", vector),
        array("d", vector.values()),
        found_names,
        found_numbers,
        bilingual.bridge_keys(whole, language, found_names, found_numbers),
    )

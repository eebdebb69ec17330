"""fold(): the analyzer's chain on a string, so tests and highlighting agree with the index;
index_terms(): what each analyzer indexes, fast, so both engines index the same terms."""

from __future__ import annotations

import json
from itertools import islice
from typing import Any

import pytest
from django.conf import settings

from articles.text import ENGLISH, EXACT, FOLDING, article_text, fold, index_terms


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Bật đèn xanh", "bat den xanh"),
        ("Đà Nẵng", "da nang"),
        ("Tổng Thư ký", "tong thu ky"),
        ("ƯỚC MƠ", "uoc mo"),
        ("Ha\u0300 No\u0323\u0302i", "ha noi"),
        ("Hà Nội", "ha noi"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def _corpus_texts(per_file: int) -> list[str]:
    texts = [
        "PGS.TS Nguyễn Văn A nói: U.S. troops (the 3rd) đã đến… Hà Nội; the war in Iraq.",
        "The a of, to: in.",
        "",
        "!!! …",
    ]
    for name in ("vi_vntc_sample.jsonl", "en_bbc_news.jsonl", "en_reuters21578.jsonl"):
        with open(settings.CORPORA_DIR / name, encoding="utf-8") as corpus:
            for line in islice(corpus, per_file):
                record = json.loads(line)
                texts.append(article_text(record["title"], record["body"]))
    return texts


@pytest.mark.parametrize("analyzer", [FOLDING, EXACT, ENGLISH], ids=["folding", "exact", "english"])
def test_index_terms_are_what_the_analyzer_indexes(analyzer: Any) -> None:
    # The PostgreSQL engine indexes index_terms(); Whoosh indexes the analyzer's tokens.
    for text in _corpus_texts(150):
        tokens = [(t.text, t.pos) for t in analyzer(text, positions=True, mode="index")]
        terms, positions = index_terms(analyzer, text)
        assert list(zip(terms, positions, strict=True)) == tokens, text[:80]

"""search.run(): bilingual analysis, query syntax, filters, paging, visibility."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command

from articles.models import Article, Visibility
from articles.search import SearchParams, run
from tests.factories import make_source

pytestmark = pytest.mark.django_db


def keys(q: str = "", **params: Any) -> list[str]:
    return [hit.article.key for hit in run(SearchParams(q=q, **params)).hits]


def test_unaccented_query_finds_accented_text_and_back(indexed: Callable[..., Article]) -> None:
    indexed(key="vi", title="Iraq bật đèn xanh", body="Iraq đã bật đèn xanh cho NATO ở lại.")
    indexed(key="other", title="Thời tiết", body="Trời mưa ở Đà Nẵng.")
    assert keys("bat den xanh") == ["vi"]
    assert keys("bật đèn xanh") == ["vi"]
    assert keys("da nang") == ["other"]
    assert keys("ĐÀ NẴNG") == ["other"]


def test_decomposed_query_matches_composed_text(indexed: Callable[..., Article]) -> None:
    indexed(key="hn", title="Hà Nội", body="Tin từ Hà Nội hôm nay.")
    assert keys(unicodedata.normalize("NFD", "Hà Nội")) == ["hn"]


def test_exact_accent_match_ranks_higher(indexed: Callable[..., Article]) -> None:
    # Both fold to "bat den"; only the first has the accents the user typed.
    indexed(key="bat", title="Tin A", body="Họ bắt đen một con cá.")
    indexed(key="bật", title="Tin B", body="Họ bật đèn một con cá.")
    assert keys("bật đèn") == ["bật", "bat"]
    assert keys("bắt đen") == ["bat", "bật"]


def test_no_english_stop_words_or_stemming_on_vietnamese(indexed: Callable[..., Article]) -> None:
    indexed(key="an", title="An toàn", body="Cuộc sống an lành, to lớn và hay.")
    indexed(key="hai", title="Hai người", body="Có hai người.")
    assert keys("an") == ["an"]
    assert keys("to") == ["an"]
    assert keys("hay") == ["an"]  # Porter would make it "hai" and find the other one


def test_english_text_is_stemmed(indexed: Callable[..., Article]) -> None:
    indexed(key="en", language="en", title="No combat troops", body="NATO is planning nothing.")
    assert keys("troop") == ["en"]
    assert keys("plans") == ["en"]


def test_phrase_matches_words_in_order_only(indexed: Callable[..., Article]) -> None:
    indexed(key="hn", body="Hội nghị tại Hà Nội.")
    indexed(key="split", body="Nội dung đọc tại Hà Giang.")
    assert keys('"Hà Nội"') == ["hn"]
    # Unquoted, the two syllables are still the word "Hà Nội", not "Hà" and "Nội" apart.
    assert keys("Hà Nội") == ["hn"] and keys("ha noi") == ["hn"]
    assert keys('"ha noi"') == ["hn"]
    # One syllable still finds every word that contains it.
    assert sorted(keys("Nội")) == ["hn", "split"]


def test_or_and_exclusion(indexed: Callable[..., Article]) -> None:
    indexed(key="libya", body="NATO and Libya.", language="en")
    indexed(key="iraq", body="NATO and Iraq.", language="en")
    indexed(key="both", body="NATO, Iraq and Libya.", language="en")
    assert sorted(keys("libya OR iraq")) == ["both", "iraq", "libya"]
    assert sorted(keys("nato -iraq")) == ["libya"]
    assert sorted(keys("-libya")) == ["iraq"]
    assert sorted(keys('nato -"and libya"')) == ["iraq"]


@pytest.mark.parametrize(
    "q",
    [
        '"',
        '"""',
        "OR",
        "- OR -",
        "nato OR",
        "((",
        "a:b:c",
        "*",
        "?",
        "\x00\x1f",
        "x" * 500,
        "nato " * 200,
        "AND NOT TO",
        "[1 TO 2]",
        "title:nato",
        "{}^~",
        "\u202e",
    ],
)
def test_malformed_queries_do_not_fail(indexed: Callable[..., Article], q: str) -> None:
    indexed(key="n", body="NATO title nato", language="en")
    results = run(SearchParams(q=q))
    assert results.total == len(results.hits)
    assert all(hit.article.key == "n" for hit in results.hits)


def test_filters_language_source_and_dates(indexed: Callable[..., Article]) -> None:
    vov = make_source(name="VOV.VN")
    indexed(
        key="vi-2016",
        body="NATO Libya",
        language="vi",
        source=vov,
        published=date(2016, 5, 21),
        published_precision="day",
    )
    indexed(
        key="en-2016",
        body="NATO Libya",
        language="en",
        published=date(2016, 4, 5),
        published_precision="day",
    )
    indexed(key="en-undated", body="NATO Libya", language="en")
    assert keys("nato", languages=("vi",)) == ["vi-2016"]
    assert sorted(keys("nato", languages=("en",))) == ["en-2016", "en-undated"]
    assert keys("nato", sources=(vov.pk,)) == ["vi-2016"]
    assert keys("nato", date_from=date(2016, 5, 1)) == ["vi-2016"]
    assert keys("nato", date_to=date(2016, 4, 30)) == ["en-2016"]
    assert keys(languages=("en",)) == ["en-2016", "en-undated"]  # no words: newest first


def test_paging_returns_every_match_once(indexed: Callable[..., Article]) -> None:
    for n in range(23):
        indexed(key=f"k{n:02}", body=f"NATO bài {n}")
    seen: list[str] = []
    for offset in range(0, 30, 7):
        results = run(SearchParams(q="nato", offset=offset, limit=7))
        assert results.total == 23
        seen += [hit.article.key for hit in results.hits]
    assert sorted(seen) == [f"k{n:02}" for n in range(23)]


def test_hidden_article_disappears_at_once(
    indexed: Callable[..., Article], index_worker: Callable[[], int]
) -> None:
    article = indexed(key="h", body="Stoltenberg nói.")
    assert keys("Stoltenberg") == ["h"]
    article.visibility = Visibility.HIDDEN
    article.save()  # queued: the index worker has not run yet ...
    assert keys("Stoltenberg") == []  # ... and still nothing shows
    assert run(SearchParams(q="Stoltenberg")).total == 0
    assert index_worker() == 1
    assert run(SearchParams(q="Stoltenberg")).total == 0


def test_snippet_marks_matches_and_escapes_html(indexed: Callable[..., Article]) -> None:
    indexed(key="x", title="XSS", body="Trước <script>alert(1)</script> bật đèn xanh sau.")
    hit = run(SearchParams(q="bat den")).hits[0]
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "<mark>bật</mark> <mark>đèn</mark>" in hit.snippet


def test_snippet_picks_the_passage_with_most_matches_in_the_first_words_only() -> None:
    """The passage is the first 40-word window with most matches, started a few words before
    its first match; words past the scanned start of a very long text are not looked at."""
    from articles.search.snippets import SCAN_CHARACTERS, snippet

    filler = "lorem ipsum dolor sit amet " * 20  # 100 words
    body = f"Hà Nội mở đầu. {filler}mưa ở Hà Nội và hà nội {filler}"
    shown = snippet(Article(body=body, language="vi"), {"ha", "noi"})
    assert shown.startswith("… dolor sit amet mưa ở <mark>Hà</mark> <mark>Nội</mark> và ")
    assert shown.count("<mark>") == 4 and shown.endswith(" …") and "mở đầu" not in shown
    late = f"{filler * (SCAN_CHARACTERS // len(filler) + 1)} Hà Nội"
    far = snippet(Article(body=late, language="vi"), {"ha", "noi"})
    assert "<mark>" not in far and far.startswith("lorem ipsum")


def test_rebuild_index_gives_the_same_results(indexed: Callable[..., Article]) -> None:
    for n, body in enumerate(["NATO Libya", "NATO Iraq", "Hà Nội mưa", "bật đèn xanh"]):
        indexed(key=f"r{n}", body=body)
    queries = ["nato", "libya OR iraq", "ha noi", '"bật đèn"', "-nato"]
    before = {q: keys(q) for q in queries}
    call_command("rebuild_index", interactive=False, verbosity=0)
    assert {q: keys(q) for q in queries} == before
    assert before["nato"] and before["ha noi"] == ["r2"]


def test_results_never_load_the_input_as_received(
    client: Any, demo: dict[str, Article], index_worker: Callable[[], int]
) -> None:
    """A hit loads its article, source, story, original and copies, never `raw` (a crawled
    page's HTML): the page and the export, plain and collapsed to stories."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    index_worker()
    assert all(len(article.raw) > len(article.body) for article in demo.values())
    for path, params in (
        ("/search/", {"q": "NATO Libya"}),
        ("/search/", {"q": "NATO Libya", "collapse": "1", "copies": "1"}),
        ("/api/articles/", {"q": "NATO Libya"}),
    ):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, params)
        assert response.status_code == 200
        loads = [
            q["sql"] for q in captured.captured_queries if '"articles_article"."body"' in q["sql"]
        ]
        assert loads, path
        assert not [sql for sql in loads if '."raw"' in sql], (path, params)

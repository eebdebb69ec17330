"""Vietnamese words of several syllables are searched as units, measured on real articles."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings

from articles.evaluation import names
from articles.models import Article
from articles.search import SearchParams, parse, run
from articles.search.units import learn_pairs, segment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Đà Nẵng", '"Đà Nẵng"'),
        ("ha nam", '"ha nam"'),
        ("bat den xanh", '"bat den xanh"'),
        ("Tổng thư ký NATO", '"Tổng thư ký" NATO'),
        ("chính phủ Nga", '"chính phủ" Nga'),
        ("nato libya", "nato libya"),  # English words are left alone
        ("Nội", "Nội"),  # one syllable finds every word that has it
        ('"Hà" Nội', '"Hà" Nội'),  # quotes are the user's own grouping
        ("ha -noi", "ha -noi"),
    ],
)
def test_query_words_that_form_a_unit_are_one_phrase(q: str, expected: str) -> None:
    assert str(parse(q)) == expected


def test_learnt_pairs_come_from_real_text_and_names() -> None:
    texts = ["Ông Nguyễn Văn An nói tại Hà Nội. Hà Nội mưa.", "Hà Nội nắng, Hà Nội vui."] * 3
    pairs = learn_pairs(texts, ["Thừa Thiên-Huế", "Bà Rịa – Vũng Tàu"])
    assert {"ha noi", "thua thien", "thien hue", "ba ria", "vung tau"} <= pairs
    assert "ria vung" not in pairs  # a dash between two names is not a word
    assert segment(["Hà", "Nội", "NATO"], frozenset(pairs)) == [(0, 2), (2, 3)]


def test_names_rank_as_names_on_real_articles() -> None:
    texts = names.build(settings.CORPORA_DIR, 400)
    scores = {
        (s.mode, s.typed): s for s in names.evaluate(names.names(settings.CORPORA_DIR), texts)
    }
    for typed in ("accents", "no accents"):
        units, syllables = scores["units", typed], scores["syllables", typed]
        assert units.queries >= 40
        assert units.precision_at_10 >= 0.9, units
        assert units.recall >= syllables.recall, (units, syllables)
        # The measurement can tell the two apart: syllables apart find other words too.
        assert syllables.precision_at_10 < units.precision_at_10 - 0.2


def test_dotted_abbreviations_are_found_whole_and_split(indexed: Callable[..., Article]) -> None:
    article = indexed(title="Hội thảo", body="PGS.TS Nguyễn Văn An phát biểu tại TP.HCM.")
    for q in ("PGS.TS", "PGS", "pgs", "TS", "TP.HCM", "HCM", '"PGS.TS Nguyễn Văn An"'):
        assert [h.article.pk for h in run(SearchParams(q=q)).hits] == [article.pk], q


def test_a_phrase_never_matches_across_clause_punctuation(
    indexed: Callable[..., Article],
) -> None:
    house = indexed(title="Tin Mỹ", body="Người phát ngôn Nhà Trắng cho biết.")
    indexed(title="Tin nhà", body="Ông về nhà. Trắng tay sau vụ kiện, nhà, trắng.")
    assert [h.article.pk for h in run(SearchParams(q="Nhà Trắng")).hits] == [house.pk]
    assert [h.article.pk for h in run(SearchParams(q='"nha trang"')).hits] == [house.pk]

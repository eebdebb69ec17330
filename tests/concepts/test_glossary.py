"""The bilingual concept glossary: shipped data, whole-word matching, folding, expansion."""

from __future__ import annotations

import json
import unicodedata

import pytest
from django.conf import settings

from articles.concepts import (
    KINDS,
    Glossary,
    GlossaryEntry,
    GlossaryError,
    load_glossary,
    parse_glossary,
)
from tests.paths import demo_text

EXAMPLES = [
    ("defence-minister", "defence minister", "Bộ trưởng Quốc phòng"),
    ("ceasefire", "ceasefire", "lệnh ngừng bắn"),
    ("election", "election", "bầu cử"),
    ("terrorism", "terrorism", "khủng bố"),
]


def test_shipped_glossary_has_500_concepts_in_both_languages() -> None:
    glossary = load_glossary()
    assert len(glossary) >= 500
    kinds = {entry.kind for entry in glossary.entries.values()}
    assert kinds == set(KINDS)
    for entry in glossary.entries.values():
        assert entry.en and entry.vi, entry.id
        for term in entry.en + entry.vi:
            assert term == unicodedata.normalize("NFC", term) == term.strip(), term
    # Vietnamese terms carry their diacritics (a few loanwords such as "fed" have none).
    accented = [t for e in glossary.entries.values() for t in e.vi if not t.isascii()]
    assert len(accented) > 0.9 * sum(len(e.vi) for e in glossary.entries.values())


@pytest.mark.parametrize(("concept", "english", "vietnamese"), EXAMPLES)
def test_issue_examples_translate_both_ways(concept: str, english: str, vietnamese: str) -> None:
    glossary = load_glossary()
    assert glossary.concepts_in(english, "en") == {concept}
    assert glossary.concepts_in(vietnamese, "vi") == {concept}
    assert vietnamese.lower() in glossary.expand(english, "en")
    assert english in glossary.expand(vietnamese, "vi")


def test_spelling_variants_and_plurals_are_one_concept() -> None:
    glossary = load_glossary()
    for text in ("defense minister", "Defence Ministers", "the defence secretary"):
        assert glossary.concepts_in(text, "en") == {"defence-minister"}, text
    assert "election" in glossary.concepts_in("Elections were held", "en")
    assert "ceasefire" in glossary.concepts_in("two cease-fires", "en")


def test_matches_whole_words_only() -> None:
    glossary = load_glossary()
    assert "bank" not in glossary.concepts_in("Bankside riverbank", "en")
    assert "war" not in glossary.concepts_in("Warsaw software", "en")
    assert "war" in glossary.concepts_in("after the war.", "en")


def test_unaccented_text_matches_folded_accented_text_as_written() -> None:
    glossary = load_glossary()
    assert "ceasefire" in glossary.concepts_in("lenh ngung ban o Gaza", "vi")
    assert "election" in glossary.concepts_in("BAU CU", "vi")
    # Folded, "đang" (now) would be "đảng" (party) and "cho" (give) "chợ" (market).
    assert glossary.concepts_in("Họ đang đi cho xong", "vi") == set()
    assert {"political-party", "market"} <= glossary.concepts_in("đảng, chợ", "vi")


def test_longest_term_wins() -> None:
    found = load_glossary().matches("Bộ trưởng Quốc phòng Mỹ", "vi")
    assert [(m.concept, m.start, m.end) for m in found] == [("defence-minister", 0, 4)]


def test_expand_gives_the_other_language_or_nothing() -> None:
    glossary = load_glossary()
    assert glossary.expand("lenh ngung ban", "vi")[0] == "ceasefire"
    assert glossary.expand("ceasefire", "en")[0] == "lệnh ngừng bắn"
    assert glossary.expand("ceasefire talks", "en") == []
    assert glossary.expand("", "en") == []


def test_demo_pages_and_corpus_articles_name_concepts() -> None:
    glossary = load_glossary()
    # Demo seed 000: NATO "không có kế hoạch triển khai lực lượng chiến đấu", "quốc phòng".
    assert {"defence", "alliance"} <= glossary.concepts_in(demo_text("000"), "vi")
    path = settings.CORPORA_DIR / "vi_vntc_sample.jsonl"
    with path.open(encoding="utf-8") as lines:
        articles = [json.loads(line) for _, line in zip(range(600), lines, strict=False)]
    politics = [a for a in articles if "bầu cử" in a["body"]]
    assert politics, "VNTC's first 600 articles mention bầu cử"
    assert all("election" in glossary.concepts_in(a["body"], "vi") for a in politics)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a\tb\tc\n", "3 columns"),
        ("Vote\tevent\tvote\tbỏ phiếu\n", "is not lowercase"),
        ("vote\tthing\tvote\tbỏ phiếu\n", "kind 'thing'"),
        ("vote\tevent\tvote|\tbỏ phiếu\n", "empty term"),
        ("vote\tevent\tvote\tbỏ phiếu\nvote\tevent\tballot\tlá phiếu\n", "appears twice"),
    ],
)
def test_bad_rows_are_named(text: str, message: str) -> None:
    with pytest.raises(GlossaryError, match=message):
        parse_glossary(text)


def test_a_glossary_is_built_from_rows() -> None:
    glossary = Glossary([GlossaryEntry("strike", "event", ("strike",), ("đình công",))])
    assert glossary.concepts_in("Công nhân đình công", "vi") == {"strike"}
    assert glossary.expand("strikes", "en") == ["đình công"]

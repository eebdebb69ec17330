"""The pure grouping rules: copies, names and figures across languages, choosing a story."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.conf import settings

from articles.stories import grouping, opening
from articles.stories.grouping import ArticleProfile

CORPORA = settings.CORPORA_DIR


def bbc_duplicates() -> list[tuple[dict[str, str], dict[str, str]]]:
    with open(CORPORA / "en_bbc_news.jsonl", encoding="utf-8") as handle:
        records = {r["id"]: r for r in map(json.loads, handle)}
    return [(records[r["duplicate_of"]], r) for r in records.values() if r.get("duplicate_of")]


def test_shingles_fold_accents_and_case() -> None:
    assert grouping.shingles("Bật đèn xanh cho NATO ở lại") == grouping.shingles(
        "bat den xanh cho nato o lai"
    )
    assert grouping.shingles("bật đèn xanh cho NATO") != grouping.shingles("tắt đèn xanh cho NATO")


def test_marked_bbc_duplicates_are_copies_and_their_neighbours_are_not() -> None:
    pairs = bbc_duplicates()
    assert len(pairs) == 139
    shingled = [(grouping.shingles(a["body"]), grouping.shingles(b["body"])) for a, b in pairs]
    assert all(grouping.is_copy(a, b) for a, b in shingled)
    # The same topic's neighbouring articles are not copies of each other.
    assert not any(
        grouping.is_copy(shingled[i][0], shingled[i + 1][0]) for i in range(len(shingled) - 1)
    )


def test_a_shortened_credited_copy_is_a_copy() -> None:
    original, _ = bbc_duplicates()[0]
    paragraphs = original["body"].split("\n\n")
    reprint = "\n\n".join(["Reprinted from BBC News.", *paragraphs[1:-1]])
    assert grouping.is_copy(grouping.shingles(original["body"]), grouping.shingles(reprint))
    # Two sentences in common are a quotation, not a copy.
    quoting = "\n\n".join([paragraphs[1], *bbc_duplicates()[5][0]["body"].split("\n\n")])
    assert not grouping.is_copy(grouping.shingles(original["body"]), grouping.shingles(quoting))


def test_sketches_of_copies_share_most_fingerprints() -> None:
    shared = []
    for a, b in bbc_duplicates()[:40]:
        sa, sb = (
            grouping.sketch(grouping.shingles(a["body"])),
            grouping.sketch(grouping.shingles(b["body"])),
        )
        shared.append(len(set(sa) & set(sb)))
    assert min(shared) >= 8  # stories._MIN_SHARED_FINGERPRINTS finds every one of them


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ông Fayez al-Sarraj đến Tripoli. Hôm nay NATO và Tổng thư ký Minh họp.",
            {"fayez", "nato", "tripoli"},
        ),
        (
            "NATO Secretary General Jens Stoltenberg met Fayez al-Sarraj in Tripoli.",
            {"secretary", "general", "jens", "stoltenberg", "fayez", "tripoli"},
        ),
        ("Thủ tướng Nguyễn Xuân Phúc tới Hà Nội.", set()),
    ],
)
def test_names_keep_spellings_shared_by_both_languages(text: str, expected: set[str]) -> None:
    assert grouping.names(text) == expected


def test_figures_match_across_number_formats() -> None:
    assert grouping.numbers("Thiệt hại 1.500 tỷ đồng, 28 nước, năm 2016") == {"1500", "28"}
    assert grouping.numbers("Losses of 1,500 billion dong, 28 countries, in 2016") == {"1500", "28"}


def _profile(
    pk: int,
    day: date | None,
    story: int | None,
    entities: dict[int, int],
    language: str = "en",
    names: frozenset[str] = frozenset(),
) -> ArticleProfile:
    return ArticleProfile(pk, day, language, entities, {}, names, frozenset(), story)


def test_choose_story_needs_shared_main_entities_close_in_time() -> None:
    idf = {1: 3.0, 2: 3.0, 3: 3.0, 4: 1.0}
    event = {1: 4, 2: 3, 3: 2}
    new = _profile(
        10, date(2016, 4, 5), None, event, "vi", frozenset({"stoltenberg", "libya", "nato"})
    )
    same = _profile(
        1, date(2016, 4, 6), 7, event, "en", frozenset({"stoltenberg", "libya", "nato"})
    )
    assert grouping.choose_story(new, [same], idf) == 7
    # The same coverage 90 days later is outside the window; undated articles never join.
    late = _profile(1, date(2016, 7, 4), 7, event, "en", same.names)
    assert grouping.choose_story(new, [late], idf) is None
    assert grouping.choose_story(_profile(10, None, None, event), [same], idf) is None
    # Sharing one common place is not an event.
    common = _profile(2, date(2016, 4, 5), 8, {4: 5})
    assert (
        grouping.choose_story(_profile(10, date(2016, 4, 5), None, {4: 5}), [common], idf) is None
    )


def test_choose_story_breaks_ties_by_lowest_story_and_needs_more_than_one_member() -> None:
    idf = {1: 3.0, 2: 3.0, 3: 3.0}
    event = {1: 4, 2: 3, 3: 2}
    names = frozenset({"stoltenberg", "libya", "nato"})
    day = date(2016, 4, 5)
    new = _profile(10, day, None, event, "vi", names)
    twins = [_profile(2, day, 9, event, "en", names), _profile(1, day, 4, event, "en", names)]
    assert grouping.choose_story(new, twins, idf) == 4
    assert grouping.choose_story(new, list(reversed(twins)), idf) == 4
    # Resembling one member of a five-article story is not enough to join it.
    cousin = _profile(1, day, 4, event, "en")
    assert grouping.choose_story(new, [cousin], idf, sizes={4: 1}) == 4
    assert grouping.choose_story(new, [cousin], idf, sizes={4: 5}) is None


def test_bar_rises_with_distance_in_days() -> None:
    assert grouping.bar(0) < grouping.bar(7) < grouping.bar(30) < grouping.bar(60)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "VOV.VN - Tổng Thư ký NATO Jens Stoltenberg hôm 21/5 cho biết như vậy.",
            "Tổng Thư ký NATO Jens Stoltenberg hôm 21/5 cho biết như vậy.",
        ),
        (
            "HOUSTON, March 2 - Diamond Shamrock cut its posted crude prices by one dlr.",
            "Diamond Shamrock cut its posted crude prices by one dlr.",
        ),
        (
            "Hà Nội - Việt Nam ký hiệp định với Lào ngày 21/5 tại thủ đô Viêng Chăn.",
            "Hà Nội - Việt Nam ký hiệp định với Lào ngày 21/5 tại thủ đô Viêng Chăn.",
        ),
    ],
)
def test_opening_drops_an_outlet_or_dateline_prefix(body: str, expected: str) -> None:
    assert opening(body) == expected


def test_opening_takes_the_first_sentences() -> None:
    first = "NATO sẵn sàng hỗ trợ Libya huấn luyện lực lượng an ninh."
    second = "Ông Stoltenberg nói vậy hôm thứ Bảy."
    body = f"Short.\n\n{first} {second} Thêm nữa là một câu dài."
    assert opening(body, limit=200) == f"{first} {second}"

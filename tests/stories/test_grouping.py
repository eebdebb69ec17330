"""The pure grouping rules: copies, names and figures across languages, choosing a story."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.conf import settings

from articles.stories import copies, grouping, opening
from articles.stories.grouping import ArticleProfile, StoryCore

CORPORA = settings.CORPORA_DIR


def bbc_duplicates() -> list[tuple[dict[str, str], dict[str, str]]]:
    with open(CORPORA / "en_bbc_news.jsonl", encoding="utf-8") as handle:
        records = {r["id"]: r for r in map(json.loads, handle)}
    return [(records[r["duplicate_of"]], r) for r in records.values() if r.get("duplicate_of")]


def vntc_records() -> list[dict[str, str]]:
    with open(CORPORA / "vi_vntc_sample.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def text(record: dict[str, str], order: int = 0) -> copies.CopyText:
    return copies.copy_text(record["title"], record["body"], None, order)


def test_shingles_fold_accents_and_case() -> None:
    assert copies.shingles("Bật đèn xanh cho NATO ở lại") == copies.shingles(
        "bat den xanh cho nato o lai"
    )
    assert copies.shingles("bật đèn xanh cho NATO") != copies.shingles("tắt đèn xanh cho NATO")


def test_marked_bbc_duplicates_are_copies_of_the_first_text_only() -> None:
    pairs = bbc_duplicates()
    assert len(pairs) == 139
    texts = [(text(a, 1), text(b, 2)) for a, b in pairs]
    # The same text both ways, 18 of them under another headline: the later one is the copy.
    assert all(copies.is_copy(copy, first) for first, copy in texts)
    assert not any(copies.is_copy(first, copy) for first, copy in texts)
    assert sum(a["title"] != b["title"] for a, b in pairs) >= 18
    # The same topic's neighbouring articles are not copies of each other.
    assert not any(
        copies.is_copy(texts[i + 1][0], texts[i][0]) or copies.is_copy(texts[i][0], texts[i + 1][0])
        for i in range(len(texts) - 1)
    )


def test_a_shortened_credited_reprint_is_a_copy_of_its_original() -> None:
    original, _ = bbc_duplicates()[0]
    paragraphs = original["body"].split("\n\n")
    body = "\n\n".join([*paragraphs[:-1], "(Reprinted from BBC News.)"])
    reprint = copies.copy_text(original["title"], body, date(2005, 3, 2), 2)
    first = copies.copy_text(original["title"], original["body"], date(2005, 3, 1), 1)
    assert copies.contained(first.shingles, reprint.shingles) < copies.COPY_CONTAINMENT
    assert copies.is_copy(reprint, first) and not copies.is_copy(first, reprint)
    # A copy comes after its original: the same reprint dated the day before is not one.
    before = copies.copy_text(original["title"], body, date(2005, 2, 28), 2)
    assert not copies.is_copy(before, first)
    # Two sentences in common are a quotation, not a copy, whichever way round.
    other = bbc_duplicates()[5][0]
    quoting = copies.copy_text(other["title"], "\n\n".join([paragraphs[1], other["body"]]))
    assert not copies.is_copy(replace(quoting, order=(date.max, 3)), first)
    assert not copies.is_copy(replace(first, order=(date.max, 3)), quoting)


def live_page(records: list[dict[str, str]], *, headlines: bool) -> str:
    """A live-update page: the paragraphs of short articles, newest first."""
    return "\n\n".join(
        p
        for r in reversed(records)
        for p in [*([r["title"]] if headlines else []), *r["body"].split("\n\n")]
    )


def test_a_live_page_is_the_original_of_none_of_the_articles_it_quotes() -> None:
    short = [r for r in vntc_records() if 2 <= r["body"].count("\n\n") and len(r["body"]) < 1500]
    day = date(2006, 3, 1)

    def page(records: list[dict[str, str]], *, headlines: bool) -> copies.CopyText:
        return copies.copy_text("Tin cập nhật", live_page(records, headlines=headlines), day, 1)

    for record in short[:30]:
        alone = copies.copy_text(record["title"], record["body"], day, 2)
        # Every word of the article is on a page of 30, headline included, and the page came
        # first: a page of many articles is still the original of none.
        headed = page(short[:30], headlines=True)
        assert copies.contained(alone.shingles, headed.shingles) > 0.9
        assert not copies.is_copy(alone, headed) and not copies.is_copy(headed, alone)
        # A page of three without the headlines quoted the article; it did not reprint it (a
        # search for the title would not find the page).
        assert not copies.is_copy(alone, page(short[:3] + [record], headlines=False))
    # A page of three that reprinted an article headline and all, before it, holds its copy.
    record = short[0]
    alone = copies.copy_text(record["title"], record["body"], day, 2)
    assert copies.is_copy(alone, page(short[:3], headlines=True))
    earlier = copies.copy_text(record["title"], record["body"], day, 0)
    assert not copies.is_copy(earlier, page(short[:3], headlines=True))


def test_sketches_of_copies_share_most_fingerprints() -> None:
    shared = []
    for a, b in bbc_duplicates()[:40]:
        sa = copies.sketch(copies.shingles(a["body"]))
        sb = copies.sketch(copies.shingles(b["body"]))
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


def _story(pk: int, *core: ArticleProfile, size: int = 0, curated: bool = False) -> StoryCore:
    days = sorted(m.day for m in core if m.day)
    first, last = (days[0], days[-1]) if days else (None, None)
    return StoryCore(pk, size or len(core), first, last, core, curated)


NAMES = frozenset({"stoltenberg", "libya", "nato"})
EVENT = {1: 4, 2: 3, 3: 2}
IDF = {1: 3.0, 2: 3.0, 3: 3.0, 4: 1.0, 5: 3.0, 6: 3.0, 7: 3.0}


def test_choose_story_needs_shared_main_entities_close_in_time() -> None:
    new = _profile(10, date(2016, 4, 5), None, EVENT, "vi", NAMES)
    same = _profile(1, date(2016, 4, 6), 7, EVENT, "en", NAMES)
    assert grouping.choose_story(new, [_story(7, same)], IDF) == 7
    # The same coverage 90 days later is outside the window; undated articles never join.
    late = _profile(1, date(2016, 7, 4), 7, EVENT, "en", NAMES)
    assert grouping.choose_story(new, [_story(7, late)], IDF) is None
    assert grouping.choose_story(_profile(10, None, None, EVENT), [_story(7, same)], IDF) is None
    # Sharing one common place is not an event.
    common = _profile(2, date(2016, 4, 5), 8, {4: 5})
    alone = _profile(10, date(2016, 4, 5), None, {4: 5})
    assert grouping.choose_story(alone, [_story(8, common)], IDF) is None


def test_in_one_language_shared_entities_need_shared_words() -> None:
    day = date(2005, 3, 10)

    def article(pk: int, story: int | None, words: dict[int, float]) -> ArticleProfile:
        # Three cities named most, in two articles from different sections.
        return ArticleProfile(pk, day, "vi", EVENT, words, frozenset(), frozenset(), story)

    new = article(10, None, {1: 0.8, 2: 0.6})
    other_section = article(1, 4, {3: 0.8, 4: 0.6})
    assert grouping.similarity(new, other_section, IDF) == 0.0
    assert grouping.choose_story(new, [_story(4, other_section)], IDF) is None
    same_words = article(2, 5, {1: 0.6, 2: 0.8})
    assert grouping.choose_story(new, [_story(5, same_words)], IDF) == 5


def test_choose_story_breaks_ties_by_lowest_story() -> None:
    day = date(2016, 4, 5)
    new = _profile(10, day, None, EVENT, "vi", NAMES)
    stories = [
        _story(9, _profile(2, day, 9, EVENT, "en", NAMES)),
        _story(4, _profile(1, day, 4, EVENT, "en", NAMES)),
    ]
    assert grouping.choose_story(new, stories, IDF) == 4
    assert grouping.choose_story(new, list(reversed(stories)), IDF) == 4


def test_an_article_must_resemble_a_majority_of_the_core_not_its_nearest_member() -> None:
    day = date(2016, 4, 5)
    new = _profile(10, day, None, EVENT, "vi", NAMES)
    like = _profile(1, day, 4, EVENT, "en", NAMES)
    # Members about another event (other entities, other names).
    other = [
        _profile(n, day, 4, {5: 3, 6: 2, 7: 2}, "en", frozenset({"kyiv", "kuleba"})) for n in (2, 3)
    ]
    assert grouping.choose_story(new, [_story(4, like, other[0])], IDF) is None
    assert grouping.choose_story(new, [_story(4, like, *other)], IDF) is None
    second = _profile(5, day, 4, EVENT, "en", NAMES)
    assert grouping.choose_story(new, [_story(4, like, second, other[0])], IDF) == 4


def test_a_story_is_bounded_in_size_and_span_unless_a_curator_merged_it() -> None:
    day = date(2016, 4, 5)
    new = _profile(10, day, None, EVENT, "vi", NAMES)
    member = _profile(1, day, 4, EVENT, "en", NAMES)
    full = _story(4, member, size=grouping.MAX_ARTICLES)
    assert grouping.choose_story(new, [full], IDF) is None
    assert grouping.choose_story(new, [_story(4, member, size=grouping.MAX_ARTICLES - 1)], IDF) == 4
    # A story that began 59 days before and still runs: one more day is past the span.
    long = StoryCore(4, 5, day - timedelta(days=59), day - timedelta(days=1), (member,))
    assert grouping.choose_story(new, [long], IDF) == 4
    later = _profile(10, day + timedelta(days=2), None, EVENT, "vi", NAMES)
    assert grouping.choose_story(later, [long], IDF) is None
    # A story a curator merged has no bounds.
    assert grouping.choose_story(new, [_story(4, member, size=200, curated=True)], IDF) == 4


def test_the_core_is_the_members_that_agree_with_the_rest() -> None:
    members = {
        1: {1: 3, 2: 1},
        2: {1: 2, 2: 2, 3: 1},
        3: {5: 4, 6: 1},  # another event
        4: {1: 1, 3: 2},
    }
    assert grouping.central(members, IDF, size=3) == [2, 1, 4]
    assert grouping.central(members, IDF, size=5) == [2, 1, 4, 3]


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

"""articles.evaluation.dates on slices of the real corpora: text dates are datelines or none."""

from __future__ import annotations

from django.conf import settings

from articles.evaluation import dates
from tests.paths import DEMO

SLICE = 300


def test_reuters_datelines_date_most_articles_and_almost_always_rightly() -> None:
    report = dates.evaluate(
        "reuters", dates.read_reuters(settings.CORPORA_DIR / "en_reuters21578.jsonl", SLICE)
    )
    assert report.articles + report.refused == SLICE
    # Most stories open "SALVADOR, Feb 26 - "; the rest lost their dateline to the title.
    assert report.dated_share >= 0.7
    # Off by one only where the wire's New York stamp and the dateline's local day differ.
    assert report.near_share >= dates.TARGET_CORRECT
    assert report.wrong == ()


def test_vntc_story_dates_are_never_taken() -> None:
    # VNTC pages have no dateline: every date in them is an event ("Ngày 4/1/2005 sẽ diễn ra").
    report = dates.evaluate(
        "vntc", dates.read_vntc(settings.CORPORA_DIR / "vi_vntc_sample.jsonl", SLICE)
    )
    assert report.articles + report.refused == SLICE
    assert report.dated_share <= dates.TARGET_EVENT_DATED


def test_demo_seeds_get_no_wrong_date_from_their_text() -> None:
    report = dates.evaluate("demo", dates.read_demo(DEMO))
    assert report.articles == 5
    assert report.correct == report.dated

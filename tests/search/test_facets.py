"""Facets and the timeline: exact counts over the whole result set, links that toggle."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from urllib.parse import parse_qs

import pytest
from django.test import Client

from articles.models import Article
from articles.search import Results, SearchParams, run
from tests.factories import make_source

pytestmark = pytest.mark.django_db


def facet(results: Results, name: str) -> dict[str, tuple[int, bool]]:
    found = {f.name: f for f in results.facets}
    return {v.value: (v.count, v.selected) for v in found[name].values} if name in found else {}


@pytest.fixture
def corpus(indexed: Callable[..., Article]) -> dict[str, int]:
    vov, aj = make_source(name="VOV.VN"), make_source(name="Al Jazeera", language="en")
    for n in range(17):
        indexed(
            body=f"NATO tin {n}",
            language="vi",
            source=vov,
            published=date(2016, 5, 1) + timedelta(days=n),
            published_precision="day",
        )
    for n in range(9):
        indexed(
            body=f"NATO news {n}",
            language="en",
            source=aj,
            published=date(2020, 2, 1) + timedelta(days=n),
            published_precision="day",
        )
    indexed(body="NATO undated", language="en", source=aj)
    indexed(body="Không liên quan", language="vi", source=vov)
    return {"vov": vov.pk, "aj": aj.pk}


def test_counts_cover_the_whole_result_set_not_the_page(corpus: dict[str, int]) -> None:
    results = run(SearchParams(q="nato", limit=5))
    assert results.total == 27 and len(results.hits) == 5
    assert facet(results, "language") == {"vi": (17, False), "en": (10, False)}
    assert facet(results, "source") == {
        str(corpus["vov"]): (17, False),
        str(corpus["aj"]): (10, False),
    }
    assert facet(results, "year") == {"2016": (17, False), "2020": (9, False)}
    labels = {v.value: v.label for f in results.facets if f.name == "source" for v in f.values}
    assert labels[str(corpus["vov"])] == "VOV.VN"


def test_selected_values_combine_and_keep_the_others_visible(corpus: dict[str, int]) -> None:
    only_vi = run(SearchParams(q="nato", languages=("vi",)))
    assert only_vi.total == 17
    assert facet(only_vi, "language") == {"vi": (17, True), "en": (10, False)}
    assert facet(only_vi, "source") == {str(corpus["vov"]): (17, False)}
    both = run(SearchParams(q="nato", languages=("en", "vi")))
    assert both.total == 27
    vi_from_aj = run(SearchParams(q="nato", languages=("vi",), sources=(corpus["aj"],)))
    assert vi_from_aj.total == 0
    # Counted with the other facets' filters (vi) but not its own: VOV has 17 Vietnamese
    # hits, and the selected Al Jazeera still shows (with 0) so it can be unselected.
    assert facet(vi_from_aj, "source") == {
        str(corpus["vov"]): (17, False),
        str(corpus["aj"]): (0, True),
    }


def test_timeline_picks_a_granularity_that_fits(corpus: dict[str, int]) -> None:
    wide = run(SearchParams(q="nato")).timeline
    assert wide is not None and wide.granularity == "year"
    assert [(b.label, b.count) for b in wide.bars] == [
        ("2016", 17),
        ("2017", 0),
        ("2018", 0),
        ("2019", 0),
        ("2020", 9),
    ]
    assert wide.undated == 1
    narrow = run(
        SearchParams(q="nato", date_from=date(2016, 1, 1), date_to=date(2016, 12, 31))
    ).timeline
    assert narrow is not None and narrow.granularity == "day"
    assert len(narrow.bars) == 17 and {b.count for b in narrow.bars} == {1}


def test_clicking_a_bar_narrows_and_clicking_again_widens(
    client: Client, corpus: dict[str, int]
) -> None:
    bar = run(SearchParams(q="nato")).timeline.bars[0]  # type: ignore[union-attr]
    assert parse_qs(bar.query) == {"q": ["nato"], "from": ["2016-01-01"], "to": ["2016-12-31"]}
    page = client.get(f"/search/?{bar.query}").content.decode()
    assert '<span id="result-count">17</span>' in page
    narrowed = run(SearchParams(q="nato", date_from=bar.start, date_to=bar.end))
    assert facet(narrowed, "year") == {"2016": (17, True)}
    year = next(f for f in narrowed.facets if f.name == "year").values[0]
    assert parse_qs(year.query) == {"q": ["nato"]}


def test_facet_links_on_the_page_toggle(client: Client, corpus: dict[str, int]) -> None:
    page = client.get("/search/", {"q": "nato"}).content.decode()
    assert 'href="?q=nato&amp;language=en"' in page
    page = client.get("/search/", {"q": "nato", "language": "en"}).content.decode()
    assert '<span id="result-count">10</span>' in page
    assert 'href="?q=nato"' in page  # unselect
    assert 'href="?q=nato&amp;language=en&amp;language=vi"' in page  # add


def test_export_returns_facets_and_timeline(client: Client, corpus: dict[str, int]) -> None:
    data = client.get("/api/articles/", {"q": "nato", "limit": 5}).json()
    assert data["count"] == 27
    assert {v["value"]: v["count"] for v in data["facets"]["language"]} == {"vi": 17, "en": 10}
    assert data["timeline"]["granularity"] == "year"
    assert sum(b["count"] for b in data["timeline"]["buckets"]) == 26
    assert data["timeline"]["undated"] == 1


def test_year_or_month_in_the_date_range(client: Client, corpus: dict[str, int]) -> None:
    data = client.get("/api/articles/", {"q": "nato", "from": "2016", "to": "2016"}).json()
    assert data["count"] == 17
    data = client.get("/api/articles/", {"q": "nato", "from": "2020-02", "to": "2020-02"}).json()
    assert data["count"] == 9


def test_timeline_reads_days_given_as_text_repeated_or_missing_as_it_reads_numbers() -> None:
    """build_timeline's fast path (distinct numbers) and its fallback (anything else) agree:
    the bars, the days, and the undated count (no date, 0, or not a day at all)."""
    from articles.search.facets import build_timeline

    params = SearchParams(q="x")
    days = [(20110401 + n, n + 1) for n in range(0, 30, 3)] + [(19991231, 7), (20120101, 2)]
    total = sum(count for _, count in days) + 4
    numbers = build_timeline([*days, (0, 4)], total, params)
    assert numbers.granularity == "year" and numbers.undated == 4
    assert numbers.day_numbers == tuple(sorted(days))
    assert [bar.count for bar in numbers.bars] == [7] + [0] * 11 + [sum(range(1, 29, 3)), 2]
    split = [(str(day), count - 1) for day, count in days] + [(day, 1) for day, _ in days]
    assert build_timeline([*split, (None, 3), ("", 1)], total, params) == numbers
    not_a_day = build_timeline([(99_999_999, 5), *days], total + 5, params)
    assert not_a_day.undated == 9 and not_a_day.bars == numbers.bars

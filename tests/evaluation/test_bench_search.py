"""bench_search refuses what it cannot time, before it loads anything."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article


@pytest.mark.django_db
def test_an_engine_it_cannot_time_is_refused_before_loading() -> None:
    # "elasticsearch" is never available; a typo ("postgres") is not on SQLite either.
    with pytest.raises(CommandError, match="elasticsearch cannot be timed here"):
        call_command("bench_search", "--articles", "5", "--engines", "whoosh,elasticsearch")
    assert not Article.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_small_run_prints_every_figure(search_engine: str) -> None:
    """On real corpus articles: build times, p50/p95 per engine, and on PostgreSQL the ratios
    against Whoosh (#15) and the production engine's view against raw Whoosh (#11)."""
    import re
    from io import StringIO

    out = StringIO()
    call_command("bench_search", "--articles", "60", "--rounds", "1", stdout=out)
    printed = out.getvalue()
    assert Article.objects.filter(key__startswith="bench:").count() == 60
    assert re.search(r"whoosh: index built in \d+\.\d s", printed)
    assert re.search(r"ratio \(view / raw Whoosh\): p50 \d+\.\d\dx, p95 \d+\.\d\dx", printed)
    assert re.search(r"whoosh: Whoosh's collectors +p50 +\d+\.\d ms +p95 +\d+\.\d ms", printed)
    assert re.search(r"bulk.py against Whoosh's collectors: p50 \d+\.\dx, p95 \d+\.\dx", printed)
    if search_engine != "postgres":
        assert "PostgreSQL engine: not timed" in printed
        return
    assert re.search(r"postgresql: index built in \d+\.\d s", printed)
    assert re.search(r"postgresql: VACUUM after the load .* \d+\.\d s", printed)
    assert "whoosh: VACUUM" not in printed
    assert re.search(r"PostgreSQL vs Whoosh: view p50 \d+\.\dx, p95 \d+\.\dx faster", printed)
    assert re.search(r"PostgreSQL vs Whoosh's own collectors: view p50 \d+\.\dx", printed)
    found = re.search(
        r"PostgreSQL view \(facets \+ timeline\) p95 ([\d.]+) ms against raw "
        r"Whoosh p95 ([\d.]+) ms: ([\d.]+)x",
        printed,
    )
    assert found and float(found[3]) == pytest.approx(
        float(found[1]) / float(found[2]), rel=0.05, abs=0.02
    )

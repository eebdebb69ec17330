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

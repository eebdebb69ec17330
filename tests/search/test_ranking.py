"""Ranking on real articles: the article a query was made from comes first."""

from __future__ import annotations

import pytest
from django.conf import settings

from articles.evaluation import ranking

pytestmark = pytest.mark.django_db


def test_queries_made_from_an_article_find_it_first() -> None:
    articles = ranking.build(settings.CORPORA_DIR, 150)
    scores = {(s.query_set, s.language): s for s in ranking.evaluate(ranking.cases(articles))}
    assert scores["stripped titles", "vi"].success_at_1 >= 0.95
    for language in ("vi", "en"):
        assert scores["titles", language].success_at_1 >= 0.95
        assert scores["body words", language].mrr >= 0.80
        assert scores["body words", language].queries >= 100

"""Top terms: what is distinctive of a result set, per language, linked to searches."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings

from articles.evaluation import ranking
from articles.models import Article
from articles.search import SearchParams
from articles.workspace import terms

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(db: None) -> None:
    terms._BACKGROUND.clear()
    ranking.build(settings.CORPORA_DIR, 400)  # 800 real articles, both languages


def test_terms_are_distinctive_per_language(corpus: None) -> None:
    found = {group.language: group for group in terms.top_terms(SearchParams(q="oil"))}
    english = [t.term for t in found["en"].terms]
    assert "oil" in english[:3]
    assert not set(english) & terms.ENGLISH_STOP_WORDS
    for term in found["en"].terms:
        assert term.share > term.archive_share and term.matches >= terms.MIN_DOCS
    # A Vietnamese word of two syllables or more that a tenth to a third of the articles have.
    articles = Article.objects.filter(language="vi")
    counts, read = terms.document_frequencies(articles)
    word = next(
        term
        for term, n in counts.most_common()
        if " " in term and read / 10 <= n <= read / 3 and len(terms.vietnamese_terms(term)) == 1
    )
    group = {g.language: g for g in terms.top_terms(SearchParams(q=f'"{word}"'))}["vi"]
    vietnamese = [t.term for t in group.terms]
    # The word is one term (a unit, not its syllables apart) and comes near the top.
    assert word in vietnamese[:5], (word, vietnamese)
    assert all(t.share > t.archive_share for t in group.terms)


@override_settings(SEARCH_RATE="1000000/m")
def test_terms_page_links_to_searches_that_find_them(client: Client, corpus: None) -> None:
    page = client.get("/search/terms/", {"q": "oil", "language": "en"})
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="terms-en"' in text and 'id="terms-vi"' not in text
    links = [html.unescape(h) for h in re.findall(r'<a href="(/search/\?[^"]+)">', text)]
    assert len(links) >= 5
    first = client.get(links[0])
    count = int(re.search(r'id="result-count">(\d+)<', first.content.decode()).group(1))
    assert count >= terms.MIN_DOCS
    assert client.get("/search/terms/", {"from": "2020-13-01"}).status_code == 400


def test_results_page_links_to_terms(client: Client, demo: Any) -> None:
    text = client.get("/search/", {"q": "Libya"}).content.decode()
    assert 'id="top-terms" href="/search/terms/?q=Libya"' in text

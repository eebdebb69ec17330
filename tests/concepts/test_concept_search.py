"""Concepts in the database: loaded by load_concepts, edited in the admin, expanding the search
in the page and the export (an English query finds Vietnamese articles, and back)."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from articles.concepts import load_glossary
from articles.concepts.store import current_glossary
from articles.models import Article, Concept
from articles.search import SearchParams, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def concepts(db: None) -> None:
    """The shipped glossary in the database, as `manage.py load_concepts` loads it."""
    out = StringIO()
    call_command("load_concepts", stdout=out)
    assert out.getvalue().strip() == f"concepts created {len(load_glossary())}"


def found(q: str, **params: Any) -> set[int]:
    return {hit.article.pk for hit in run(SearchParams(q=q, limit=100, **params)).hits}


def test_load_concepts_adds_only_and_keeps_curator_edits(concepts: None) -> None:
    ceasefire = Concept.objects.get(key="ceasefire")
    assert ceasefire.terms_vi.splitlines()[0] == "lệnh ngừng bắn"
    ceasefire.terms_en = "truce"
    ceasefire.save()
    out = StringIO()
    call_command("load_concepts", stdout=out)
    assert out.getvalue().strip() == "concepts created 0"
    assert Concept.objects.get(key="ceasefire").terms_en == "truce"
    assert current_glossary().expand("truce", "en")[0] == "lệnh ngừng bắn"
    assert current_glossary().expand("ceasefire", "en") == []


def test_english_query_finds_vietnamese_demo_article(
    concepts: None, demo: dict[str, Article], index_worker: Callable[[], int]
) -> None:
    index_worker()
    # Seeds 001 and 002 (Vietnamese) name "Bộ trưởng Quốc phòng"; no English page does.
    assert found("defence minister", literal=True) == set()
    hits = found("defense minister")
    assert {demo["001"].pk, demo["002"].pk} <= hits
    assert all(Article.objects.get(pk=pk).language == "vi" for pk in hits)


def test_vietnamese_query_finds_english_demo_article(
    concepts: None, demo: dict[str, Article], index_worker: Callable[[], int]
) -> None:
    index_worker()
    literal = found("khủng bố", literal=True)
    expanded = found("khủng bố")
    assert demo["004"].pk not in literal  # "terrorism" in English only
    assert literal | {demo["004"].pk} <= expanded
    results = run(SearchParams(q="khủng bố"))
    assert [c.concept.id for c in results.concepts] == ["terrorism"]
    english = next(h for h in results.hits if h.article.pk == demo["004"].pk)
    assert "<mark>" in english.snippet


def test_an_edit_in_the_database_applies_to_the_next_search(
    concepts: None, demo: dict[str, Article], index_worker: Callable[[], int]
) -> None:
    index_worker()
    concepts = run(SearchParams(q="defence minister")).concepts
    assert [c.concept.id for c in concepts] == ["defence-minister"]
    Concept.objects.filter(key="defence-minister").update(is_active=False)
    # Without the phrase's concept, each word is a concept of its own ("quốc phòng",
    # "bộ trưởng"); without those too, nothing Vietnamese is found.
    concepts = run(SearchParams(q="defence minister")).concepts
    assert sorted(c.concept.id for c in concepts) == ["defence", "minister"]
    Concept.objects.filter(key__in=["defence", "minister"]).update(is_active=False)
    assert run(SearchParams(q="defence minister")).concepts == []
    assert demo["002"].pk not in found("defence minister")


def _corpus(name: str, phrase: str, n: int) -> list[dict[str, Any]]:
    taken = []
    with (settings.CORPORA_DIR / name).open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["body"] and phrase in record["body"].lower() and not record["duplicate_of"]:
                taken.append(record)
                if len(taken) == n:
                    break
    return taken


def test_corpus_election_articles_found_across_languages(
    concepts: None, indexed: Callable[..., Article]
) -> None:
    vietnamese = [
        indexed(title=r["title"], body=r["body"], language="vi")
        for r in _corpus("vi_vntc_sample.jsonl", "bầu cử", 6)
    ]
    english = [
        indexed(title=r["title"], body=r["body"], language="en")
        for r in _corpus("en_bbc_news.jsonl", "election", 6)
    ]
    assert len(vietnamese) == len(english) == 6
    vi_ids, en_ids = {a.pk for a in vietnamese}, {a.pk for a in english}
    assert found("election", literal=True) == en_ids
    assert found("election") == vi_ids | en_ids
    assert found("bầu cử", literal=True) == vi_ids
    assert found("bầu cử") == vi_ids | en_ids
    # Unaccented, as typed on an English keyboard: folded, still the concept.
    assert en_ids <= found("bau cu")
    # Other words must still match: expansion only widens the concept's own words.
    assert found("election nonexistentword") == set()


def test_page_names_the_concepts_and_links_the_literal_search(
    client: Client, concepts: None, demo: dict[str, Article], index_worker: Callable[[], int]
) -> None:
    index_worker()
    page = client.get("/search/", {"q": "ceasefire talks"}).content.decode()
    assert 'id="concepts"' in page and 'data-concept="ceasefire"' in page
    assert "lệnh ngừng bắn" in page
    assert 'id="literal-concepts" href="?q=ceasefire+talks&amp;literal=1"' in page
    literal = client.get("/search/", {"q": "ceasefire talks", "literal": "1"}).content.decode()
    assert 'id="concepts"' not in literal


def test_export_lists_the_concepts(
    client: Client, concepts: None, demo: dict[str, Article], index_worker: Callable[[], int]
) -> None:
    index_worker()
    data = client.get("/api/articles/", {"q": "defence minister"}).json()
    assert data["concepts"][0]["id"] == "defence-minister"
    assert "bộ trưởng quốc phòng" in data["concepts"][0]["terms"]
    assert {r["id"] for r in data["results"]} >= {demo["001"].pk, demo["002"].pk}
    literal = client.get("/api/articles/", {"q": "defence minister", "literal": 1}).json()
    assert "concepts" not in literal


def test_admin_searches_and_edits_concepts(admin_client: Client, concepts: None) -> None:
    page = admin_client.get("/admin/articles/concept/", {"q": "ngừng bắn"}).content.decode()
    assert "ceasefire" in page
    concept = Concept.objects.get(key="ceasefire")
    url = f"/admin/articles/concept/{concept.pk}/change/"
    form = {"key": "ceasefire", "kind": "event", "terms_en": "", "terms_vi": "x", "is_active": "on"}
    response = admin_client.post(url, form)
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    form["terms_en"] = "ceasefire\ntruce"
    assert admin_client.post(url, form).status_code == 302
    assert current_glossary().expand("truce", "en") == ["x"]


def test_a_concept_without_terms_in_the_other_language_is_not_expanded(
    concepts: None, demo: dict[str, Article], index_worker: Callable[[], int]
) -> None:
    index_worker()
    # The admin requires both fields, but a field of blank lines holds no term.
    Concept.objects.filter(key="terrorism").update(terms_en=" \n ")
    results = run(SearchParams(q="khủng bố"))
    assert results.concepts == []
    assert demo["004"].pk not in {hit.article.pk for hit in results.hits}

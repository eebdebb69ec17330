"""Entities in the archive: linked at import, searched across languages, curated, exported."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from articles.models import Article, Entity, Mention
from articles.search import SearchParams, run

pytestmark = pytest.mark.django_db


def entity(registry_id: str) -> Entity:
    return Entity.objects.get(registry_id=registry_id)


def seeds(results: Any, demo: dict[str, Article]) -> set[str]:
    by_pk = {a.pk: seed for seed, a in demo.items()}
    return {by_pk[hit.article.pk] for hit in results.hits}


def test_import_links_mentions_across_languages(linked_demo: dict[str, Article]) -> None:
    libya = entity("country-ly")
    linked = set(Mention.objects.filter(entity=libya).values_list("article__key", flat=True))
    assert {key[5:8] for key in linked} == {"000", "003", "004"}
    isis = Mention.objects.filter(entity__registry_id="islamic-state")
    assert {m.article.key[5:8] for m in isis} >= {"000", "004"}


def test_entity_name_in_one_language_finds_the_other(
    client: Client, linked_demo: dict[str, Article]
) -> None:
    found = run(SearchParams(q="Islamic State"))
    assert "000" in seeds(found, linked_demo)  # "Nhà nước Hồi giáo tự xưng IS"
    assert [e.registry_id for e in found.expansions] == ["islamic-state"]
    assert "000" not in seeds(run(SearchParams(q="Islamic State", literal=True)), linked_demo)
    assert "003" in seeds(run(SearchParams(q="Nga")), linked_demo)  # English, about Russia
    page = client.get("/search/", {"q": "Islamic State"}).content.decode()
    assert "Also finds articles that name" in page
    assert 'id="literal" href="?q=Islamic+State&amp;literal=1"' in page
    literal = client.get("/search/", {"q": "Islamic State", "literal": "1"}).content.decode()
    assert "Also finds articles that name" not in literal


def test_entity_facet_and_filter(client: Client, linked_demo: dict[str, Article]) -> None:
    libya = entity("country-ly")
    facet = next(f for f in run(SearchParams(q="nato")).facets if f.name == "entity")
    assert {v.value: v.count for v in facet.values}[str(libya.pk)] == 3
    assert seeds(run(SearchParams(q="nato", entities=(libya.pk,))), linked_demo) == {
        "000",
        "003",
        "004",
    }
    data = client.get("/api/articles/", {"q": "nato", "entity": libya.pk}).json()
    assert data["count"] == 3
    nato = next(e for row in data["results"] for e in row["entities"] if e["name_en"] == "NATO")
    assert nato["kind"] == "organisation" and nato["name_vi"]
    assert {v["value"] for v in data["facets"]["entity"]} >= {str(libya.pk)}


def test_entity_page(client: Client, linked_demo: dict[str, Article]) -> None:
    libya = entity("country-ly")
    page = client.get(f"/entities/{libya.pk}/").content.decode()
    for seed in ("000", "003", "004"):
        assert f'href="/articles/{linked_demo[seed].pk}/"' in page
    assert "Li-bi" in page  # an alias
    assert "Mentions over time" in page and 'title="April 2016: ' in page
    assert f'href="/entities/{entity("nato").pk}/"' in page  # named with


def test_merge_moves_mentions_and_redirects(
    admin_client: Client, linked_demo: dict[str, Article]
) -> None:
    libya, dupe = entity("country-ly"), Entity.objects.create(name_en="Libya (dupe)")
    Mention.objects.create(article=linked_demo["001"], entity=dupe, count=2)
    response = admin_client.post(
        "/admin/articles/entity/",
        {"action": "merge_selected", "_selected_action": [libya.pk, dupe.pk]},
        follow=True,
    )
    assert "Merged 1 into" in response.content.decode()
    assert Mention.objects.filter(entity=libya).count() == 4
    assert admin_client.get(f"/entities/{dupe.pk}/")["Location"] == f"/entities/{libya.pk}/"


def test_rejected_entity_unlinks(admin_client: Client, linked_demo: dict[str, Article]) -> None:
    nato = entity("nato")
    admin_client.post(
        "/admin/articles/entity/", {"action": "reject", "_selected_action": [nato.pk]}
    )
    assert not Mention.objects.filter(entity=nato).exists()
    assert admin_client.get(f"/entities/{nato.pk}/").status_code == 404
    call_command("link_entities", stdout=StringIO())
    assert not Mention.objects.filter(entity=nato).exists()


def test_accepted_candidate_links_everywhere(
    admin_client: Client, linked_demo: dict[str, Article], index_worker: Callable[[], int]
) -> None:
    candidate = Entity.objects.get(status="candidate", name_en="Government of National Accord")
    assert not candidate.mentions.exists()
    response = admin_client.post(
        "/admin/articles/entity/",
        {"action": "accept", "_selected_action": [candidate.pk]},
        follow=True,
    )
    index_worker()
    assert "1 accepted" in response.content.decode()
    assert {m.article.key[5:8] for m in candidate.mentions.all()} == {"004"}
    assert seeds(run(SearchParams(q="nato", entities=(candidate.pk,))), linked_demo) == {"004"}

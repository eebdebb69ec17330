"""Stories on real data: the demo's NATO–Libya coverage, syndicated copies, curation, JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from articles.ingest import RawInput, ingest_all, read_inputs, read_manifest
from articles.models import Article, Entity, Story
from articles.search import SearchParams, run
from articles.stories import regroup
from tests.paths import DEMO, DEMO_FILES

CORPORA = settings.CORPORA_DIR
SEEDS = tuple(DEMO_FILES)

pytestmark = pytest.mark.django_db


def import_seeds(order: tuple[str, ...] = SEEDS) -> dict[str, Article]:
    manifest = read_manifest(DEMO / "manifest.jsonl")
    items = {
        item.key.removeprefix("file:")[:3]: item
        for item in read_inputs([DEMO], manifest=manifest)
        if isinstance(item, RawInput)
    }
    report = ingest_all(items[seed] for seed in order)
    assert report.counts["created"] == len(order), report.summary()
    by_key = {a.key.removeprefix("file:")[:3]: a for a in Article.objects.all()}
    return {seed: by_key[seed] for seed in order}


def partition(articles: dict[str, Article]) -> set[frozenset[str]]:
    groups: dict[int, set[str]] = {}
    for seed, article in articles.items():
        article.refresh_from_db()
        assert article.story_id is not None, f"seed {seed} has no story"
        groups.setdefault(article.story_id, set()).add(seed)
    return {frozenset(group) for group in groups.values()}


def vntc(count: int) -> list[dict[str, Any]]:
    with open(CORPORA / "vi_vntc_sample.jsonl", encoding="utf-8") as handle:
        records = [json.loads(line) for _, line in zip(range(400), handle, strict=False)]
    # Long articles with several paragraphs, so a copy can drop one and still be the same text.
    return [r for r in records if r["body"].count("\n\n") >= 4 and len(r["body"]) > 2000][:count]


def feed_item(
    record: dict[str, Any], *, key: str, source: str, published: str, body: str | None = None
) -> RawInput:
    fields = {
        "title": record["title"],
        "body": body or record["body"],
        "language": "vi",
        "source": source,
        "published": published,
    }
    return RawInput(name=key, key=key, format="json", raw=json.dumps(fields), fields=fields)


def test_demo_nato_libya_coverage_is_one_story_across_languages(
    linked_demo: dict[str, Article],
) -> None:
    assert partition(linked_demo) == {
        frozenset({"000", "003", "004"}),
        frozenset({"001"}),
        frozenset({"002"}),
    }
    story = Story.objects.get(pk=linked_demo["000"].story_id)
    assert story.article_count == 3
    assert story.languages == "en,vi"
    # Al Jazeera (5 April 2016) reported first; the headline is its title.
    assert story.lead_id == linked_demo["004"].pk
    assert story.title == "NATO chief: No plans for combat troops in Libya"
    assert (str(story.first_published), str(story.last_published)) == ("2016-04-05", "2016-05-21")


@pytest.mark.parametrize("order", [tuple(reversed(SEEDS)), ("003", "001", "000", "002", "004")])
def test_grouping_does_not_depend_on_arrival_order(registry: None, order: tuple[str, ...]) -> None:
    assert partition(import_seeds(order)) == {
        frozenset({"000", "003", "004"}),
        frozenset({"001"}),
        frozenset({"002"}),
    }


def test_reimport_and_regroup_keep_the_same_stories(linked_demo: dict[str, Article]) -> None:
    before = {seed: a.story_id for seed, a in linked_demo.items()}
    out = StringIO()
    call_command(
        "import_articles", str(DEMO), "--manifest", str(DEMO / "manifest.jsonl"), stdout=out
    )
    assert out.getvalue().strip() == "created 0, updated 0, unchanged 5, failed 0"
    assert {
        seed: Article.objects.get(pk=a.pk).story_id for seed, a in linked_demo.items()
    } == before
    call_command("group_stories", "--all", stdout=StringIO())
    assert partition(linked_demo) == {
        frozenset({"000", "003", "004"}),
        frozenset({"001"}),
        frozenset({"002"}),
    }


def test_syndicated_copy_folds_under_the_first_publication(
    registry: None, indexed: Any, index_worker: Callable[[], int]
) -> None:
    first, other = vntc(2)
    paragraphs = first["body"].split("\n\n")
    # The copy drops the closing paragraph and credits the original: nearly the same text.
    copy_body = "\n\n".join([*paragraphs[:-1], f"(Theo {first['source']})"])
    # The copy arrives first; the original, published a day earlier, still becomes the lead.
    ingest_all(
        [
            feed_item(first, key="copy", source="Báo Mới", published="2006-03-02", body=copy_body),
            feed_item(first, key="original", source="Tuổi Trẻ", published="2006-03-01"),
            feed_item(other, key="other", source="Tuổi Trẻ", published="2006-03-01"),
        ]
    )
    index_worker()
    copy, original, unrelated = (Article.objects.get(key=k) for k in ("copy", "original", "other"))
    assert copy.copy_of_id == original.pk and original.copy_of_id is None
    assert unrelated.copy_of_id is None and unrelated.story_id != original.story_id
    assert copy.story_id == original.story_id
    assert Story.objects.get(pk=original.story_id).lead_id == original.pk

    words = " ".join(first["title"].split()[:4])
    folded = run(SearchParams(q=words))
    assert [hit.article.pk for hit in folded.hits] == [original.pk]
    assert [c.source.name for c in folded.hits[0].article.copies.all()] == ["Báo Mới"]
    assert {h.article.pk for h in run(SearchParams(q=words, copies=True)).hits} == {
        copy.pk,
        original.pk,
    }
    assert [h.article.pk for h in run(SearchParams(q=words, sources=(copy.source_id,))).hits] == [
        copy.pk
    ]

    page = Client().get("/search/", {"q": words}).content.decode()
    assert "Also published by" in page and "Báo Mới" in page
    row = Client().get("/api/articles/", {"q": words}).json()["results"][0]
    assert row["id"] == original.pk and row["story_id"] == original.story_id
    assert [c["source"]["name"] for c in row["also_published_by"]] == ["Báo Mới"]
    detail = Client().get(f"/articles/{copy.pk}/").content.decode()
    assert "A republished copy" in detail and f'href="/articles/{original.pk}/"' in detail


def test_collapse_gives_one_result_per_story(linked_demo: dict[str, Article]) -> None:
    call_command("process_index_queue", stdout=StringIO())
    articles = run(SearchParams(q="NATO"))
    assert articles.total == 5
    stories = run(SearchParams(q="NATO", collapse=True))
    assert stories.total == 3
    # Facets and the timeline still count articles.
    assert stories.timeline is not None and stories.timeline.undated == 0
    assert sum(bar.count for bar in stories.timeline.bars) == 5
    libya = linked_demo["000"].story_id
    by_story = {hit.article.story_id: hit.story_matches for hit in stories.hits}
    assert by_story == {libya: 3, linked_demo["001"].story_id: 1, linked_demo["002"].story_id: 1}
    # Paging through collapsed results visits every story once.
    seen = [
        hit.article.story_id
        for offset in (0, 2)
        for hit in run(SearchParams(q="NATO", collapse=True, offset=offset, limit=2)).hits
    ]
    assert sorted(seen) == sorted(by_story)
    within = run(SearchParams(q="NATO", story=libya))
    assert {hit.article.pk for hit in within.hits} == {
        linked_demo[s].pk for s in ("000", "003", "004")
    }


def test_story_json_api(linked_demo: dict[str, Article], client: Client) -> None:
    call_command("process_index_queue", stdout=StringIO())
    listed = client.get("/api/stories/", {"q": "NATO", "limit": 2}).json()
    assert listed["count"] == 3 and len(listed["results"]) == 2 and listed["next"]
    rest = client.get(listed["next"]).json()
    stories = listed["results"] + rest["results"]
    libya = next(s for s in stories if s["id"] == linked_demo["000"].story_id)
    assert sorted(a["id"] for a in libya["articles"]) == sorted(
        linked_demo[s].pk for s in ("000", "003", "004")
    )
    assert libya["languages"] == ["en", "vi"] and libya["matches"] == 3
    assert all(a["story_id"] == libya["id"] for a in libya["articles"])

    one = client.get(f"/api/stories/{libya['id']}/").json()
    assert one["title"] == "NATO chief: No plans for combat troops in Libya"
    assert [a["published"] for a in one["articles"]] == ["2016-04-05", "2016-04-13", "2016-05-21"]
    shares = {
        row["language"]: (row["articles"], row["share_percent"])
        for row in one["coverage"]["languages"]
    }
    assert shares == {"en": (2, 67), "vi": (1, 33)}
    first_vi = next(r for r in one["coverage"]["languages"] if r["language"] == "vi")["first"]
    assert first_vi["id"] == linked_demo["000"].pk
    names = [e["name_en"] for e in one["entities"]]
    assert {"NATO", "Libya", "Jens Stoltenberg"} <= set(names[:5])
    assert {s["language"] for s in one["summary"]} == {"en", "vi"}
    assert client.get("/api/stories/999999/").status_code == 404
    assert (
        client.get("/api/stories/", {"from": "2020-01-01", "to": "2019-01-01"}).status_code == 400
    )


def test_story_pages_and_links(linked_demo: dict[str, Article], client: Client) -> None:
    call_command("process_index_queue", stdout=StringIO())
    libya = Story.objects.get(pk=linked_demo["000"].story_id)
    page = client.get(f"/stories/{libya.pk}/").content.decode()
    for seed in ("000", "003", "004"):
        assert f'href="/articles/{linked_demo[seed].pk}/"' in page
    assert "first report" in page and "Tiếng Việt" in page and "Al Jazeera" in page
    assert page.index("2016-04-05") < page.index("2016-04-13") < page.index("2016-05-21")
    # The stories index lists multi-article stories; single-article ones on request.
    index = client.get("/stories/").content.decode()
    assert f'href="/stories/{libya.pk}/"' in index
    assert f'href="/stories/{linked_demo["001"].story_id}/"' not in index
    assert (
        f'href="/stories/{linked_demo["001"].story_id}/"'
        in client.get("/stories/", {"singles": "1"}).content.decode()
    )
    libya_entity = Entity.objects.get(registry_id="country-ly")
    soleimani = Entity.objects.get(name_en="Qassem Soleimani")
    assert (
        f'href="/stories/{libya.pk}/"'
        in client.get("/stories/", {"entity": libya_entity.pk}).content.decode()
    )
    assert (
        f'href="/stories/{libya.pk}/"'
        not in client.get("/stories/", {"entity": soleimani.pk, "singles": 1}).content.decode()
    )
    assert client.get("/stories/", {"from": "nonsense"}).status_code == 400
    # Search results and article pages link to their story.
    assert f'href="/stories/{libya.pk}/"' in client.get("/search/", {"q": "Libya"}).content.decode()
    assert (
        f'href="/stories/{libya.pk}/"'
        in client.get(f"/articles/{linked_demo['003'].pk}/").content.decode()
    )


def test_curators_split_merge_rename_pin_and_move_stick(
    linked_demo: dict[str, Article], admin_client: Client, index_worker: Callable[[], int]
) -> None:
    libya = linked_demo["000"].story_id
    admin_client.post(
        "/admin/articles/article/",
        {"action": "split_story", "_selected_action": [linked_demo["000"].pk]},
    )
    index_worker()
    split = Article.objects.get(pk=linked_demo["000"].pk)
    assert split.story_locked and split.story_id != libya
    # Rename: the curator's headline survives regrouping.
    story = Story.objects.get(pk=libya)
    response = admin_client.post(
        f"/admin/articles/story/{libya}/change/",
        {"title": "NATO và Libya / NATO and Libya", "pinned": "on", **_inline_management(story)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    regroup(everything=True)
    split.refresh_from_db()
    assert split.story_id != Article.objects.get(pk=linked_demo["003"].pk).story_id
    story = Story.objects.get(pk=Article.objects.get(pk=linked_demo["003"].pk).story_id)
    assert story.pk == libya and story.title == "NATO và Libya / NATO and Libya" and story.pinned
    assert Story.objects.listed().filter(article_count__gte=1).first() == story  # pinned first

    # Merge the split-off story back: its page redirects, and grouping never refills it.
    admin_client.post(
        "/admin/articles/story/",
        {"action": "merge_stories", "_selected_action": [libya, split.story_id]},
    )
    index_worker()
    gone = split.story_id
    assert Story.objects.get(pk=gone).merged_into_id == libya
    assert admin_client.get(f"/stories/{gone}/").url == f"/stories/{libya}/"
    assert Article.objects.filter(story_id=libya).count() == 3

    # Move Iraq 2020 into the story by hand: it stays there through regrouping.
    iraq = linked_demo["001"]
    response = admin_client.post(
        f"/admin/articles/article/{iraq.pk}/change/", _article_form(iraq, story=libya)
    )
    index_worker()
    assert response.status_code == 302, response.content.decode()[:3000]
    regroup(everything=True)
    iraq.refresh_from_db()
    assert iraq.story_id == libya and iraq.story_locked
    assert Story.objects.get(pk=libya).article_count == 4
    assert {h.article.pk for h in run(SearchParams(story=libya)).hits} == {
        linked_demo[s].pk for s in ("000", "001", "003", "004")
    }


def test_hiding_an_article_updates_its_story(
    linked_demo: dict[str, Article], admin_client: Client, index_worker: Callable[[], int]
) -> None:
    admin_client.post(
        "/admin/articles/article/",
        {"action": "hide", "_selected_action": [linked_demo["004"].pk]},
    )
    index_worker()
    story = Story.objects.get(pk=linked_demo["000"].story_id)
    assert story.article_count == 2 and story.lead_id == linked_demo["003"].pk
    assert story.title == linked_demo["003"].title


def test_evaluate_stories_scores_the_seeds_and_refuses_a_used_database(
    registry: None, settings: Any
) -> None:
    out = StringIO()
    call_command("evaluate_stories", "--sets", "seeds", stdout=out)
    score, mix = out.getvalue().splitlines()
    assert score == (
        "seeds              articles     5  gold pairs      3  predicted      3  P 1.000  R 1.000"
    )
    # The one story of three articles: how often its topics differ, its size and span.
    assert mix.startswith("  seeds            story pairs      3  topics differ: assigned ")
    assert mix.endswith("largest story 3 articles, 46 days")
    with pytest.raises(CommandError, match="needs an empty database"):
        call_command("evaluate_stories", "--sets", "seeds", stdout=StringIO())


def test_evaluate_stories_on_a_reuters_day(registry: None) -> None:
    out = StringIO()
    call_command("evaluate_stories", "--sets", "reuters", "--reuters-days", "1", stdout=out)
    words = out.getvalue().splitlines()[0].split()
    with open(CORPORA / "en_reuters21578.jsonl", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    usable = [r for r in records if r.get("date") and r.get("body") and r.get("title")]
    first_day = min(r["date"][:10] for r in usable)
    expected = sum(1 for r in usable if r["date"][:10] == first_day)
    # Earnings tables hold no sentences: the ingest refuses them, and the line says how many.
    imported = Article.objects.count()
    assert words[:3] == ["reuters", "articles", str(imported)]
    assert words[-2:] == ["(refused", f"{expected - imported})"]
    assert imported > 0.8 * expected
    gold, predicted = int(words[5]), int(words[7])
    assert gold > 0 and predicted > 0
    assert 0.0 < float(words[9]) <= 1.0 and 0.0 < float(words[11]) <= 1.0


def _inline_management(story: Story) -> dict[str, Any]:
    count = story.articles.count()
    data: dict[str, Any] = {
        "articles-TOTAL_FORMS": count,
        "articles-INITIAL_FORMS": count,
        "articles-MIN_NUM_FORMS": 0,
        "articles-MAX_NUM_FORMS": 1000,
    }
    for n, article in enumerate(story.articles.order_by("published", "id")):
        data[f"articles-{n}-id"] = article.pk
        data[f"articles-{n}-story"] = story.pk
    return data


def _article_form(article: Article, **changes: Any) -> dict[str, Any]:
    article.refresh_from_db()
    data: dict[str, Any] = {
        "title": article.title,
        "source": article.source_id or "",
        "language": article.language,
        "url": article.url or "",
        "visibility": article.visibility,
        "published": article.published.isoformat() if article.published else "",
        "published_precision": article.published_precision,
        "body": article.body,
        "story": article.story_id or "",
        "copy_of": article.copy_of_id or "",
        "topic_links-TOTAL_FORMS": 0,
        "topic_links-INITIAL_FORMS": 0,
        "topic_links-MIN_NUM_FORMS": 0,
        "topic_links-MAX_NUM_FORMS": 1000,
    }
    data.update(changes)
    return data


def test_an_index_written_before_stories_is_rebuilt_by_make_run(
    whoosh_engine: Path, linked_demo: dict[str, Article]
) -> None:
    # A Whoosh folder written by an older version; PostgreSQL's table follows migrations.
    search_index = whoosh_engine
    import shutil

    from haystack import connections
    from whoosh import fields, index

    shutil.rmtree(search_index)
    search_index.mkdir()
    index.create_in(
        str(search_index), fields.Schema(id=fields.ID(stored=True, unique=True), text=fields.TEXT())
    )
    connections.reload("default")
    out = StringIO()
    call_command("process_index_queue", "--rebuild-if-outdated", stdout=out)
    lacking = (
        "copy, entities, id_sort, language, published, published_sort, source_id, story, "
        "text_en, text_exact, title, topics, year"
    )
    assert out.getvalue().splitlines() == [
        f"index lacks {lacking}: re-indexing 5 articles",
        "indexed 5, still queued 0",
    ]
    assert run(SearchParams(q="NATO", collapse=True)).total == 3
    out = StringIO()
    call_command("process_index_queue", "--rebuild-if-outdated", stdout=out)
    assert out.getvalue().strip() == "indexed 0, still queued 0"

"""Filing with the text features an import computes beforehand (stories/features.py, #10)
gives the stories, copies and placement scores filing computes itself from the stored article:
real demo pages and Reuters wire articles imported both ways."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction

import articles.ingest.store as ingest_store
from articles.ingest import RawInput, ingest_all, read_inputs, read_manifest
from articles.models import Article
from articles.stories import file_article, neighbours
from tests.paths import DEMO

pytestmark = pytest.mark.django_db

Outcome = tuple[frozenset[frozenset[str]], dict[str, Any]]


def _inputs() -> list[RawInput]:
    demo = read_inputs([DEMO], manifest=read_manifest(DEMO / "manifest.jsonl"))
    items = [item for item in demo if isinstance(item, RawInput)]
    with open(settings.CORPORA_DIR / "en_reuters21578.jsonl", encoding="utf-8") as handle:
        records = (json.loads(line) for line in handle)
        dated = (r for r in records if r.get("date") and r.get("title") and r.get("body"))
        for record in itertools.islice(dated, 120):
            fields = {
                "title": record["title"],
                "body": record["body"],
                "language": "en",
                "source": "Reuters",
                "published": record["date"][:10],
            }
            items.append(
                RawInput(
                    name=record["id"],
                    key=f"corpus:{record['id']}",
                    format="json",
                    raw=json.dumps(record),
                    fields=fields,
                )
            )
    return items


def _outcome() -> Outcome:
    neighbours._texts.clear()
    neighbours._bridges.clear()
    report = ingest_all(_inputs(), index=False)
    assert report.counts["created"] > 100, report.summary()
    rows = list(Article.objects.values_list("key", "pk", "story_id", "copy_of_id", "story_score"))
    key_of = {pk: key for key, pk, *_ in rows}
    stories: dict[int, set[str]] = {}
    for key, _, story, _, _ in rows:
        stories.setdefault(story, set()).add(key)
    details = {key: (key_of.get(copy_of), score) for key, _, _, copy_of, score in rows}
    return frozenset(frozenset(keys) for keys in stories.values()), details


def test_precomputed_features_file_articles_as_the_stored_text_does(
    monkeypatch: pytest.MonkeyPatch, registry: None
) -> None:
    with transaction.atomic():
        precomputed = _outcome()
        transaction.set_rollback(True)

    def from_the_database(article: Article, *args: Any, **kwargs: Any) -> Any:
        return file_article(article)  # no features, no mentions: all read back and computed

    monkeypatch.setattr(ingest_store, "file_article", from_the_database)
    computed = _outcome()
    assert precomputed == computed
    groups = precomputed[0]
    assert any(len(group) > 1 for group in groups), "the sample must exercise joining stories"

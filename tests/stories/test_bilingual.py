"""Stories across languages (#14): a paragraph and its translation share a story through what
survives translation; the page says why; the admin shows each placement's score."""

from __future__ import annotations

import itertools
import json

import pytest
from django.conf import settings
from django.test import Client

from articles.evaluation.stories import evaluate_crossing
from articles.models import Article, Story
from articles.stories import bilingual, grouping

XQUAD = settings.CORPORA_DIR / "xling_xquad_en_vi_dev.jsonl"


def keys(text: str, language: str) -> frozenset[str]:
    return bilingual.bridge_keys(text, language, grouping.names(text), grouping.numbers(text))


def test_translations_resemble_and_other_articles_do_not() -> None:
    with open(XQUAD, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle][::2]
    en = [(r["article_title_en"], keys(r["text_en"], "en")) for r in records]
    vi = [(r["article_title_en"], keys(r["text_vi"], "vi")) for r in records]
    bar = grouping.bar(0)
    paired = [bilingual.resemblance(a[1], b[1]) >= bar for a, b in zip(en, vi, strict=True)]
    assert sum(paired) >= 0.85 * len(paired)
    apart = [
        bilingual.resemblance(a[1], b[1]) >= bar
        for a, b in itertools.product(en, vi)
        if a[0] != b[0]
    ]
    assert sum(apart) <= 0.005 * len(apart)


@pytest.fixture
def crossing(registry: None) -> list[object]:
    return list(evaluate_crossing(settings.CORPORA_DIR, wiki_articles=4))


def test_translations_share_a_story_and_articles_stay_apart(crossing: list[object]) -> None:
    (score,) = crossing
    assert score.gold_pairs == 20  # type: ignore[attr-defined]
    assert score.recall >= 0.9 and score.precision >= 0.9  # type: ignore[attr-defined]


def test_story_page_says_why_and_admin_shows_scores(
    crossing: list[object], client: Client, admin_client: Client
) -> None:
    story = Story.objects.filter(languages="en,vi").order_by("-article_count").first()
    assert story is not None
    page = client.get(f"/stories/{story.pk}/").content.decode()
    assert "Shares with the story" in page
    members = list(Article.objects.filter(story=story))
    names = set.intersection(
        *(set(grouping.names(a.body)) for a in members if a.language in ("en", "vi"))
    )
    assert any(f"{name}" in page for name in names) or "figures:" in page
    placed = [a for a in members if a.story_score is not None]
    assert placed and all(0 < a.story_score <= 1 for a in placed)  # type: ignore[operator]
    admin = admin_client.get(f"/admin/articles/story/{story.pk}/change/").content.decode()
    assert "placement score" in admin.lower()
    assert f"{placed[0].story_score}" in admin

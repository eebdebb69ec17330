"""Topics in the database: the classifier's topics for an article, unless a curator chose them."""

from __future__ import annotations

from collections.abc import Sequence

from articles.models import Article, ArticleTopic, Topic, insert_rows
from articles.topics.classifier import TopicScore, classify


def topic_ids() -> dict[str, int]:
    """Every topic's id by slug, in the topics' order: for assign_topics(known=...)."""
    return dict(Topic.objects.values_list("slug", "pk"))


def assign_topics(
    article: Article,
    found: Sequence[TopicScore] | None = None,
    *,
    new: bool = False,
    known: dict[str, int] | None = None,
) -> list[str]:
    """Give the article the classifier's topics, unless a curator chose them.

    found: what classify() gave for the article, when it ran elsewhere (an import classifies
    in its extraction processes). new: the article was just created, so it has no topics to
    replace (one statement fewer per imported article). known: topic_ids(), kept by an
    import for all its articles instead of a lookup per article.
    """
    if article.topics_curated:
        return sorted(article.topics.values_list("slug", flat=True))
    if found is None:
        found = classify(article.title, article.body, article.language)
    scores = {s.slug: s.score for s in found}
    if known is None:
        known = {topic.slug: topic.pk for topic in Topic.objects.filter(slug__in=scores)}
    chosen = [(slug, pk) for slug, pk in known.items() if slug in scores]
    if not new:
        ArticleTopic.objects.filter(article=article).delete()
    insert_rows(
        ArticleTopic,
        ("article", "topic", "score", "origin"),
        ((article.pk, pk, scores[slug], ArticleTopic.Origin.AUTO.value) for slug, pk in chosen),
    )
    return sorted(slug for slug, _ in chosen)

"""Topics in the database: the classifier's topics for an article, unless a curator chose them."""

from __future__ import annotations

from collections.abc import Sequence

from articles.models import Article, ArticleTopic, Topic
from articles.topics.classifier import TopicScore, classify


def assign_topics(
    article: Article, found: Sequence[TopicScore] | None = None, *, new: bool = False
) -> list[str]:
    """Give the article the classifier's topics, unless a curator chose them.

    found: what classify() gave for the article, when it ran elsewhere (an import classifies
    in its extraction processes). new: the article was just created, so it has no topics to
    replace (one statement fewer per imported article).
    """
    if article.topics_curated:
        return sorted(article.topics.values_list("slug", flat=True))
    if found is None:
        found = classify(article.title, article.body, article.language)
    scores = {s.slug: s.score for s in found}
    topics = Topic.objects.filter(slug__in=scores)
    if not new:
        ArticleTopic.objects.filter(article=article).delete()
    ArticleTopic.objects.bulk_create(
        ArticleTopic(article=article, topic=topic, score=scores[topic.slug]) for topic in topics
    )
    return sorted(topic.slug for topic in topics)

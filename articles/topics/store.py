"""Topics in the database: the classifier's topics for an article, unless a curator chose them."""

from __future__ import annotations

from articles.models import Article, ArticleTopic, Topic
from articles.topics.classifier import classify


def assign_topics(article: Article) -> list[str]:
    """Give the article the classifier's topics, unless a curator chose them."""
    if article.topics_curated:
        return sorted(article.topics.values_list("slug", flat=True))
    scores = {s.slug: s.score for s in classify(article.title, article.body, article.language)}
    topics = Topic.objects.filter(slug__in=scores)
    ArticleTopic.objects.filter(article=article).delete()
    ArticleTopic.objects.bulk_create(
        ArticleTopic(article=article, topic=topic, score=scores[topic.slug]) for topic in topics
    )
    return sorted(topic.slug for topic in topics)

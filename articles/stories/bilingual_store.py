"""Cross-language story candidates in the database (#14): the Bridge table's side of
articles/stories/bilingual.py. Filing an article stores its hashed bridge keys; candidates are
the other language's articles near it in time that share some, found through an index like
copies through Fingerprint, so the cost does not grow with the archive."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count

from articles.models import Article, Bridge, Precision, Visibility
from articles.stories import bilingual
from articles.stories.grouping import WINDOW_DAYS, names, numbers
from articles.text import article_text

MAX_CANDIDATES = 50


def keys(article: Article) -> frozenset[str]:
    """The article's bridge keys (names, figures, years, glossary concepts)."""
    text = article_text(article.title, article.body)
    return bilingual.bridge_keys(text, article.language, names(text), numbers(text))


def remember(
    article: Article, found: frozenset[str] | None = None, *, new: bool = False
) -> frozenset[str]:
    """Store the article's hashed bridge keys in place of the old ones (`new`: it has none
    yet); return the keys."""
    found = keys(article) if found is None else found
    if not new:
        Bridge.objects.filter(article=article).delete()
    Bridge.objects.bulk_create(
        Bridge(article=article, value=value) for value in bilingual.hashes(found)
    )
    return found


def candidates(article: Article, found: frozenset[str]) -> list[int]:
    """Articles in another language, filed in a story within the window, sharing at least
    bilingual.MIN_SHARED keys with this one; most shared first."""
    if article.published is None or len(found) < bilingual.MIN_SHARED:
        return []
    window = timedelta(days=WINDOW_DAYS)
    rows = (
        Bridge.objects.filter(
            value__in=bilingual.hashes(found),
            article__published__range=(article.published - window, article.published + window),
            article__published_precision=Precision.DAY,
            article__copy_of=None,
            article__visibility=Visibility.PUBLISHED,
            article__story__isnull=False,
            article__story__closed=False,
        )
        .exclude(article__language=article.language)
        .exclude(article=article)
        .values("article")
        .annotate(n=Count("id"))
        .filter(n__gte=bilingual.MIN_SHARED)
        .order_by("-n", "article")[:MAX_CANDIDATES]
    )
    return [row["article"] for row in rows]


def reasons(a: Article, b: Article) -> dict[str, list[str]]:
    """Why two articles are put together, in what survives translation."""
    return bilingual.reasons(keys(a), keys(b))

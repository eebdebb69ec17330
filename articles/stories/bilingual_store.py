"""Cross-language story candidates in the database (#14): the Bridge table's side of
articles/stories/bilingual.py. Filing an article stores its hashed bridge keys; candidates are
the other language's articles near it in time that share some, found through an index like
copies through Fingerprint, so the cost does not grow with the archive."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from articles.models import (
    Article,
    Bridge,
    Precision,
    Story,
    Visibility,
    insert_rows,
    placeholders,
    select_rows,
)
from articles.stories import bilingual
from articles.stories.grouping import WINDOW_DAYS, names, numbers
from articles.text import article_text

MAX_CANDIDATES = 50
_ARTICLE, _BRIDGE, _STORY = (m._meta.db_table for m in (Article, Bridge, Story))


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
    insert_rows(Bridge, ("article", "value"), ((article.pk, v) for v in bilingual.hashes(found)))
    return found


def candidates(article: Article, found: frozenset[str]) -> list[int]:
    """Articles in another language, filed in a story within the window, sharing at least
    bilingual.MIN_SHARED keys with this one; most shared first."""
    if article.published is None or len(found) < bilingual.MIN_SHARED:
        return []
    window = timedelta(days=WINDOW_DAYS)
    values = bilingual.hashes(found)
    # Plain SQL: filing runs it for every imported article, and building it through the ORM
    # cost several times what running it does (#10).
    sql = (
        f"SELECT b.article_id FROM {_BRIDGE} b JOIN {_ARTICLE} a ON a.id = b.article_id "
        f"JOIN {_STORY} s ON s.id = a.story_id "
        f"WHERE b.value IN ({placeholders(len(values))}) "
        "AND a.published BETWEEN %s AND %s AND a.published_precision = %s "
        "AND a.copy_of_id IS NULL AND a.visibility = %s AND s.closed = %s "
        "AND a.language <> %s AND b.article_id <> %s "
        "GROUP BY b.article_id HAVING COUNT(*) >= %s "
        "ORDER BY COUNT(*) DESC, b.article_id LIMIT %s"
    )
    params: list[Any] = [
        *values,
        article.published - window,
        article.published + window,
        Precision.DAY.value,
        Visibility.PUBLISHED.value,
        False,
        article.language,
        article.pk,
        bilingual.MIN_SHARED,
        MAX_CANDIDATES,
    ]
    return [pk for (pk,) in select_rows(sql, params)]


def reasons(a: Article, b: Article) -> dict[str, list[str]]:
    """Why two articles are put together, in what survives translation."""
    return bilingual.reasons(keys(a), keys(b))

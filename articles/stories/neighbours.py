"""The database side of grouping: the stories near an article, and the one it joins.

The rules are in articles/stories/grouping.py (pure). Filing one article costs the same
whatever the archive's size (issue #18: it grew from 0.08 to 0.47 CPU seconds per article as
an archive filled; `manage.py bench_stories` measures it):
- every query reads the articles published within WINDOW_DAYS of the article (through the
  index on the publication date), never every article naming an entity: the document
  frequency of entities is counted in that window too, so a common entity costs no more in
  a large archive than in a small one;
- the article is compared with at most CANDIDATES of those articles (those sharing most of
  its rarest entities), then with the cores of at most STORIES stories;
- the text side of an article's profile (words, names, figures) is kept in memory for the
  PROFILES most recently used articles: the same recent articles are candidates for many
  new ones, and computing a profile costs more than all the queries.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Max, Min, QuerySet

from articles.models import Article, Mention, Precision, Story, Visibility
from articles.stories import grouping
from articles.text import article_text
from articles.topics import text_vector

TOP_ENTITIES = 8  # candidates come through the article's rarest entities
CANDIDATES = 30
STORIES = 5
PROFILES = 2048  # more than a window holds at 30 articles a day

_FIELDS = ("pk", "title", "body", "language", "published", "story_id", "updated_at")
# The text side of a profile (word ids and weights, names, figures), by article and version.
_Text = tuple[array, array, frozenset[str], frozenset[str]]
_texts: OrderedDict[tuple[int, datetime], _Text] = OrderedDict()


def choose_story(article: Article) -> int | None:
    """The story the article joins (grouping.choose_story), or None for a new one."""
    if article.published is None or article.published_precision != Precision.DAY:
        return None
    counts = dict(Mention.objects.filter(article=article).values_list("entity_id", "count"))
    if not counts:
        return None
    span = timedelta(days=grouping.WINDOW_DAYS)
    window = Article.objects.filter(
        published__range=(article.published - span, article.published + span)
    )
    total = window.count()
    df = _document_frequency(window, counts)
    # Entities only this article names find nothing; of the rest, the most telling (named
    # often here, rarely elsewhere) bring the candidates.
    idf = grouping.idf_weights(df, total)
    shared = [e for e in counts if df.get(e, 0) > 1]
    rarest = sorted(shared, key=lambda e: (-counts[e] * idf[e], e))[:TOP_ENTITIES]
    near = (
        _named(window, rarest)
        .filter(
            article__published_precision=Precision.DAY,
            article__copy_of=None,
            article__visibility=Visibility.PUBLISHED,
            article__story__closed=False,
        )
        .exclude(article=article)
        .values("article")
        .annotate(n=Count("id"))
        .order_by("-n", "-article")[:CANDIDATES]
    )
    ids = [row["article"] for row in near]
    if not ids:
        return None
    mentions = _mentions(ids)
    df.update(_document_frequency(window, {e for m in mentions.values() for e in m} - set(df)))
    idf = grouping.idf_weights(df, total)
    me = _profile(article, counts)
    profiles = _profiles(ids, mentions)
    # Only stories with a member the article resembles can have a core it resembles.
    best: dict[int, float] = {}
    for other in profiles.values():
        if other.story is not None:
            margin = grouping.margin(me, other, idf)
            if margin >= 0 and margin > best.get(other.story, -1.0):
                best[other.story] = margin
    stories = sorted(best, key=lambda s: (-best[s], s))[:STORIES]
    if not stories:
        return None
    return grouping.choose_story(me, _cores(article, stories, idf, profiles), idf)


def _cores(
    article: Article,
    stories: list[int],
    idf: dict[int, float],
    profiles: dict[int, grouping.ArticleProfile],
) -> list[grouping.StoryCore]:
    """The stories with their sizes, dates and core members (this article left out)."""
    originals = Article.objects.filter(story__in=stories, copy_of=None).exclude(pk=article.pk)
    summary = {
        row["story"]: row
        for row in originals.values("story").annotate(
            n=Count("id"),
            first=Min("published"),
            last=Max("published"),
        )
    }
    # Only a curator's merge lifts the bounds (stories.merge marks the merged-away stories).
    merged = set(
        Story.objects.filter(merged_into__in=stories).values_list("merged_into", flat=True)
    )
    cores = []
    for story in stories:
        if story not in summary:
            continue
        # A story stays under MAX_ARTICLES unless a curator merged it; its core comes from
        # its latest members in any case, so a merged story costs no more than a full one.
        members = list(
            originals.filter(story=story)
            .order_by(F("published").desc(nulls_last=True), "-id")
            .values_list("pk", flat=True)[: grouping.MAX_ARTICLES]
        )
        mentions = _mentions(members)
        core = grouping.central({pk: mentions.get(pk, {}) for pk in members}, idf)
        profiles.update(_profiles([pk for pk in core if pk not in profiles], mentions))
        row = summary[story]
        cores.append(
            grouping.StoryCore(
                story,
                row["n"],
                row["first"],
                row["last"],
                tuple(profiles[pk] for pk in core),
                curated=story in merged,
            )
        )
    return cores


def _named(window: QuerySet[Article], entity_ids: Iterable[int]) -> QuerySet[Mention]:
    """Mentions of these entities in the window's articles."""
    # `entity_id + 0` cannot use the index on the entity, so the planner reads the window's
    # articles through the date index and their mentions through the (article, entity)
    # index: without it SQLite reads every mention of the entity in the archive.
    return (
        Mention.objects.filter(article__in=window.values("pk"))
        .annotate(entity_key=F("entity_id") + 0)
        .filter(entity_key__in=list(entity_ids))
    )


def _document_frequency(window: QuerySet[Article], entity_ids: Iterable[int]) -> dict[int, int]:
    """How many of the window's articles name each entity."""
    rows = _named(window, entity_ids).values("entity_id").annotate(n=Count("id"))
    return {row["entity_id"]: row["n"] for row in rows}


def _mentions(article_ids: Iterable[int]) -> dict[int, dict[int, int]]:
    found: dict[int, dict[int, int]] = {}
    for article_id, entity_id, n in Mention.objects.filter(
        article__in=list(article_ids)
    ).values_list("article_id", "entity_id", "count"):
        found.setdefault(article_id, {})[entity_id] = n
    return found


def _profiles(
    ids: list[int], mentions: dict[int, dict[int, int]]
) -> dict[int, grouping.ArticleProfile]:
    """Profiles of these articles; only the texts not in memory are read and analysed."""
    rows = list(
        Article.objects.filter(pk__in=ids).values_list(
            "pk", "updated_at", "language", "published", "story_id"
        )
    )
    missing = [pk for pk, updated, *_ in rows if (pk, updated) not in _texts]
    for other in Article.objects.filter(pk__in=missing).only(*_FIELDS):
        _remember(other)
    found = {}
    for pk, updated, language, published, story in rows:
        key = (pk, updated)
        _texts.move_to_end(key)
        found[pk] = _assemble(pk, published, language, mentions.get(pk, {}), _texts[key], story)
    return found


def _profile(article: Article, entities: dict[int, int]) -> grouping.ArticleProfile:
    text = _remember(article)
    return _assemble(
        article.pk, article.published, article.language, entities, text, article.story_id
    )


def _remember(article: Article) -> _Text:
    key = (article.pk, article.updated_at)
    if key not in _texts:
        vector = text_vector(article.title, article.body, article.language)
        whole = article_text(article.title, article.body)
        # Arrays: a dict of floats takes several times the memory, for thousands of entries.
        _texts[key] = (
            array("l", vector),
            array("d", vector.values()),
            grouping.names(whole),
            grouping.numbers(whole),
        )
        while len(_texts) > PROFILES:
            _texts.popitem(last=False)
    return _texts[key]


def _assemble(
    pk: int,
    published: date | None,
    language: str,
    entities: dict[int, int],
    text: _Text,
    story: int | None,
) -> grouping.ArticleProfile:
    ids, weights, names, numbers = text
    words = dict(zip(ids, weights, strict=True))
    return grouping.ArticleProfile(pk, published, language, entities, words, names, numbers, story)

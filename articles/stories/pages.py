"""Stories for readers: a story's profile page, its coverage, related stories, the listing."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Prefetch, QuerySet, Sum
from django.utils.translation import gettext

from articles.models import (
    Article,
    ArticleTopic,
    Entity,
    EntityStatus,
    Mention,
    Story,
    Topic,
    Visibility,
)
from articles.stories.reasons import Tie, ties
from articles.text import Chart, continuous
from articles.text import sentences as split_sentences

# "VOV.VN - ", "HOUSTON, March 2 - ": an outlet or dateline before the first sentence.
_DATELINE = re.compile(r"^[A-Z0-9][A-Z0-9.]+(?:[ ,]+[A-Za-z0-9.()]+){0,4}\s+[-–—]\s+")


@dataclass(frozen=True)
class Coverage:
    label: str
    count: int
    share: int  # percent of the story's articles
    first: Article  # who reported first


@dataclass(frozen=True)
class StoryProfile:
    """What the story page and its JSON show."""

    story: Story
    articles: list[Article]  # oldest first: the timeline
    summary: list[tuple[Article, str]]  # the first report in each language, its opening
    by_language: list[Coverage]
    by_source: list[Coverage]
    entities: list[tuple[Entity, int]]  # most named first, with how many articles name them
    topics: list[tuple[Topic, int]]
    related: list[Story]
    chart: Chart  # articles per day (month, year for long stories), empty periods included


def profile(story: Story) -> StoryProfile:
    """The story page: its articles in time order, who covered it, what it is about."""
    articles = list(story_articles([story.pk]).get(story.pk, []))
    by_language = _coverage(articles, lambda a: a.get_language_display() if a.language else "?")
    unknown = gettext("unknown source")
    by_source = _coverage(articles, lambda a: a.source.name if a.source else unknown)
    summary = [(group.first, opening(group.first.body)) for group in by_language]
    named = (
        Mention.objects.filter(article__in=articles, entity__status=EntityStatus.ACTIVE)
        .values("entity")
        .annotate(n=Count("article", distinct=True), total=Sum("count"))
        .order_by("-n", "-total", "entity")[:12]
    )
    entities = Entity.objects.in_bulk([row["entity"] for row in named])
    topic_rows = (
        ArticleTopic.objects.filter(article__in=articles)
        .values("topic")
        .annotate(n=Count("article", distinct=True))
        .order_by("-n", "topic")
    )
    topics = Topic.objects.in_bulk([row["topic"] for row in topic_rows])
    main = [row["entity"] for row in named[:5]]
    return StoryProfile(
        story,
        articles,
        summary,
        by_language,
        by_source,
        [(entities[row["entity"]], row["n"]) for row in named],
        [(topics[row["topic"]], row["n"]) for row in topic_rows],
        related(story, main),
        continuous((a.published, 1) for a in articles if a.published is not None),
    )


def timeline(articles: list[Article], shown: Iterable[Article]) -> list[tuple[Article, Tie | None]]:
    """The `shown` articles of a story (of `articles`, all of them), each with what it shares
    with the others: why it is in the story (#14, stories/reasons.py)."""
    why = ties(articles)
    return [(article, why.get(article.pk)) for article in shown]


@dataclass(frozen=True)
class ArticlePage:
    """What an article page shows besides the article: what it names, its topics, its copies."""

    article: Article
    entities: list[tuple[Entity, int]]  # active entities it names, most mentioned first
    topics: list[Topic]
    copies: list[Article]  # its visible republished copies, oldest first


def article_page(article: Article) -> ArticlePage:
    """The article page's context: its entities (linked), topics, story and copies."""
    mentions = (
        Mention.objects.filter(article=article, entity__status=EntityStatus.ACTIVE)
        .select_related("entity")
        .order_by("-count", "entity__name_en", "entity")
    )
    copies = article.copies.visible().select_related("source").order_by("published", "id")
    return ArticlePage(
        article,
        [(m.entity, m.count) for m in mentions],
        list(article.topics.order_by("name_en")),
        list(copies),
    )


def related(story: Story, entity_ids: list[int], limit: int = 5) -> list[Story]:
    """Other stories about the same main entities, those sharing the most first."""
    if not entity_ids:
        return []
    rows = (
        Mention.objects.filter(
            entity__in=entity_ids,
            article__visibility=Visibility.PUBLISHED,
            article__story__merged_into=None,
        )
        .exclude(article__story=story)
        .exclude(article__story=None)
        .values("article__story")
        .annotate(n=Count("entity", distinct=True))
        .filter(n__gte=min(2, len(entity_ids)))
        .order_by("-n", "-article__story")[:limit]
    )
    found = Story.objects.listed().in_bulk([row["article__story"] for row in rows])
    return [found[row["article__story"]] for row in rows if row["article__story"] in found]


def story_articles(story_ids: Iterable[int]) -> dict[int, list[Article]]:
    """The visible articles of each story, oldest first, loaded for pages and JSON."""
    copies = Article.objects.visible().select_related("source").order_by("published", "id")
    found: dict[int, list[Article]] = {}
    for article in (
        Article.objects.visible()
        .filter(story__in=list(story_ids))
        .select_related("source", "story", "copy_of")
        .prefetch_related("mentions__entity", Prefetch("copies", queryset=copies))
        .order_by(F("published").asc(nulls_last=True), "id")
    ):
        if article.story_id is not None:
            found.setdefault(article.story_id, []).append(article)
    return found


def listing(
    *,
    entity: int | None = None,
    topic: str | None = None,
    language: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    singles: bool = False,
) -> QuerySet[Story]:
    """Stories for the stories page: pinned first, then the latest news first."""
    stories = Story.objects.listed()
    if not singles:
        stories = stories.filter(article_count__gte=2)
    if entity:
        stories = stories.filter(
            pk__in=Article.objects.visible().filter(mentions__entity=entity).values("story")
        )
    if topic:
        stories = stories.filter(
            pk__in=Article.objects.visible().filter(topics__slug=topic).values("story")
        )
    if language:
        stories = stories.filter(languages__contains=language)
    if date_from:
        stories = stories.filter(last_published__gte=date_from)
    if date_to:
        stories = stories.filter(first_published__lte=date_to)
    return stories.select_related("lead__source").order_by(
        "-pinned", F("last_published").desc(nulls_last=True), "-id"
    )


def opening(body: str, limit: int = 320) -> str:
    """The first sentences of a text: at least a third of `limit` characters, at most about `limit`.

    >>> opening("VOV.VN - NATO sẵn sàng hỗ trợ. Ông Stoltenberg nói vậy. Thêm nữa.", limit=120)
    'NATO sẵn sàng hỗ trợ. Ông Stoltenberg nói vậy.'
    """
    first = next((p.strip() for p in body.split("\n\n") if len(p.strip()) > 40), body.strip())
    first = _DATELINE.sub("", first)
    sentences = split_sentences(first)
    text = sentences[0]
    for sentence in sentences[1:]:
        if len(text) >= limit // 3 or len(text) + len(sentence) > limit:
            break
        text = f"{text} {sentence}"
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _coverage(articles: list[Article], key: Callable[[Article], str]) -> list[Coverage]:
    groups: dict[str, list[Article]] = {}
    for article in articles:  # oldest first, so each group's first article reported first
        groups.setdefault(key(article), []).append(article)
    total = len(articles) or 1
    rows = [
        Coverage(label, len(items), round(100 * len(items) / total), items[0])
        for label, items in groups.items()
    ]
    return sorted(rows, key=lambda c: (-c.count, c.label))

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

Cross-language hook (#14, articles/stories/bilingual_store.py): the other language's
articles sharing bridge keys with the article (the Bridge table) join the candidates, and
the other language's profiles carry their bridge keys (cached as the texts are), so that
grouping.similarity can compare them; the placement score is the best similarity with the
chosen story's members compared.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, F, Field, Max, Min, Value

from articles.models import (
    Article,
    Mention,
    Precision,
    Story,
    Visibility,
    placeholders,
    select_rows,
)
from articles.stories import bilingual, bilingual_store, grouping
from articles.stories.features import FilingText
from articles.text import article_text
from articles.topics import text_vector

TOP_ENTITIES = 8  # candidates come through the article's rarest entities
CANDIDATES = 30
STORIES = 5
PROFILES = 2048  # more than a window holds at 30 articles a day

_FIELDS = ("pk", "title", "body", "language", "published", "story_id", "updated_at")
_ARTICLE, _MENTION, _STORY = (m._meta.db_table for m in (Article, Mention, Story))
_DAY, _PUBLISHED = Precision.DAY.value, Visibility.PUBLISHED.value
# The text side of a profile (word ids and weights, names, figures), by article and version.
_Text = tuple[array, array, frozenset[str], frozenset[str]]
_texts: OrderedDict[tuple[int, datetime], _Text] = OrderedDict()
# Bridge keys of the other language's candidates (#14), by article and version.
_bridges: OrderedDict[tuple[int, datetime], frozenset[str]] = OrderedDict()


def choose_story(
    article: Article, bridge: frozenset[str] = frozenset(), mentions: dict[int, int] | None = None
) -> tuple[int | None, float | None]:
    """The story the article joins (grouping.choose_story) and its placement score, or
    (None, None) for a new one. `bridge`: the article's bridge keys (#14); `mentions`: its
    stored mentions, when the caller knows them."""
    if article.published is None or article.published_precision != Precision.DAY:
        return None, None
    counts = (
        dict(Mention.objects.filter(article=article).values_list("entity_id", "count"))
        if mentions is None
        else mentions
    )
    crossing = bilingual_store.candidates(article, bridge)  # #14
    if not counts and not crossing:
        return None, None
    span = timedelta(days=grouping.WINDOW_DAYS)
    window = Window(article.published - span, article.published + span)
    total = window.count()
    df = window.document_frequency(counts)
    # Entities only this article names find nothing; of the rest, the most telling (named
    # often here, rarely elsewhere) bring the candidates.
    idf = grouping.idf_weights(df, total)
    shared = [e for e in counts if df.get(e, 0) > 1]
    rarest = sorted(shared, key=lambda e: (-counts[e] * idf[e], e))[:TOP_ENTITIES]
    near = window.naming(rarest, article.pk)
    ids = list(dict.fromkeys(near + crossing))
    if not ids:
        return None, None
    named = _mentions(ids)
    df.update(window.document_frequency({e for m in named.values() for e in m} - set(df)))
    idf = grouping.idf_weights(df, total)
    me = replace(_profile(article, counts), bridge=bridge)
    # Without bridge keys of its own, no other language's keys can count (#14).
    other_than = article.language if bridge else None
    profiles = _profiles(ids, named, other_than)
    # Only stories with a member the article resembles can have a core it resembles.
    best: dict[int, float] = {}
    for other in profiles.values():
        if other.story is not None:
            margin = grouping.margin(me, other, idf)
            if margin >= 0 and margin > best.get(other.story, -1.0):
                best[other.story] = margin
    stories = sorted(best, key=lambda s: (-best[s], s))[:STORIES]
    if not stories:
        return None, None
    cores = _cores(article, stories, idf, profiles, other_than)
    chosen = grouping.choose_story(me, cores, idf)
    # The placement score curators see (#14): the best similarity with the members compared.
    compared = [p for p in profiles.values() if p.story == chosen]
    compared += [p for core in cores if core.id == chosen for p in core.core]
    scores = [grouping.similarity(me, p, idf) for p in compared]
    return chosen, round(max(scores), 4) if chosen is not None and scores else None


def _cores(
    article: Article,
    stories: list[int],
    idf: dict[int, float],
    profiles: dict[int, grouping.ArticleProfile],
    other_than: str | None = None,
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
        profiles.update(_profiles([pk for pk in core if pk not in profiles], mentions, other_than))
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


@dataclass(frozen=True)
class Window:
    """The articles published from `first` to `last`, as filing reads them.

    Plain SQL, written once here: filing runs these statements for every imported article,
    and building them through the ORM cost several times what running them does (#10).
    """

    first: date
    last: date

    def count(self) -> int:
        sql = f"SELECT COUNT(*) FROM {_ARTICLE} WHERE published BETWEEN %s AND %s"
        return int(select_rows(sql, [self.first, self.last])[0][0])

    def document_frequency(self, entity_ids: Iterable[int]) -> dict[int, int]:
        """How many of the window's articles name each entity."""
        ids = list(entity_ids)
        if not ids:
            return {}
        sql = (
            f"SELECT m.entity_id, COUNT(*) FROM {_MENTION} m WHERE {self._named(ids)} "
            "GROUP BY m.entity_id"
        )
        return {entity: n for entity, n in select_rows(sql, [self.first, self.last, *ids])}

    def naming(self, entity_ids: list[int], other_than: int) -> list[int]:
        """The window's articles that could share a story, naming most of these entities
        first (at most CANDIDATES; `other_than` left out)."""
        if not entity_ids:
            return []
        sql = (
            f"SELECT m.article_id FROM {_MENTION} m "
            f"JOIN {_ARTICLE} a ON a.id = m.article_id JOIN {_STORY} s ON s.id = a.story_id "
            f"WHERE {self._named(entity_ids)} AND a.published_precision = %s "
            "AND a.copy_of_id IS NULL AND a.visibility = %s AND s.closed = %s "
            "AND m.article_id <> %s "
            "GROUP BY m.article_id ORDER BY COUNT(*) DESC, m.article_id DESC LIMIT %s"
        )
        params = [self.first, self.last, *entity_ids, _DAY, _PUBLISHED, False, other_than]
        return [pk for (pk,) in select_rows(sql, [*params, CANDIDATES])]

    @staticmethod
    def _named(entity_ids: list[int]) -> str:
        # `entity_id + 0` cannot use the index on the entity, so the planner reads the
        # window's articles through the date index and their mentions through the (article,
        # entity) index: without it SQLite reads every mention of the entity in the archive.
        return (
            f"m.article_id IN (SELECT id FROM {_ARTICLE} WHERE published BETWEEN %s AND %s) "
            f"AND m.entity_id + 0 IN ({placeholders(len(entity_ids))})"
        )


def _mentions(article_ids: Iterable[int]) -> dict[int, dict[int, int]]:
    ids = list(article_ids)
    found: dict[int, dict[int, int]] = {}
    if not ids:
        return found
    sql = (
        f"SELECT article_id, entity_id, count FROM {_MENTION} "
        f"WHERE article_id IN ({placeholders(len(ids))})"
    )
    for article_id, entity_id, n in select_rows(sql, ids):
        found.setdefault(article_id, {})[entity_id] = n
    return found


def _profiles(
    ids: list[int], mentions: dict[int, dict[int, int]], other_than: str | None = None
) -> dict[int, grouping.ArticleProfile]:
    """Profiles of these articles; only the texts not in memory are read and analysed.
    Those in another language than `other_than` carry their bridge keys (#14)."""
    rows = _versions(ids)

    def crossing(language: str) -> bool:
        return other_than is not None and language != other_than

    missing = [
        pk
        for pk, updated, language, *_ in rows
        if (pk, updated) not in _texts or (crossing(language) and (pk, updated) not in _bridges)
    ]
    # Usually none: an import keeps the texts of what it filed (building even an empty
    # query through the ORM cost as much as the rest of this function).
    for other in Article.objects.filter(pk__in=missing).only(*_FIELDS) if missing else ():
        _remember(other, bridge=crossing(other.language))
    found = {}
    for pk, updated, language, published, story in rows:
        key = (pk, updated)
        _texts.move_to_end(key)
        bridge: frozenset[str] = frozenset()
        if crossing(language):
            _bridges.move_to_end(key)
            bridge = _bridges[key]
        found[pk] = _assemble(
            pk, published, language, mentions.get(pk, {}), _texts[key], story, bridge
        )
    return found


def _versions(ids: list[int]) -> list[tuple[int, datetime, str, date | None, int | None]]:
    """(pk, updated_at, language, published, story_id) of these articles, in the model's
    order, typed as the ORM types them. Plain SQL: it runs for most imported articles, and
    the ORM's values_list cost ten times what the statement does (#10)."""
    if not ids:
        return []
    sql = (
        f"SELECT id, updated_at, language, published, story_id FROM {_ARTICLE} "
        f"WHERE id IN ({placeholders(len(ids))}) ORDER BY published DESC, id DESC"
    )
    updated, published = _typed("updated_at"), _typed("published")
    return [
        (pk, updated(changed), language, published(day), story)
        for pk, changed, language, day, story in select_rows(sql, ids)
    ]


def _typed(name: str) -> Callable[[Any], Any]:
    """An Article column's raw value as the ORM types it (SQLite returns the text it stores)."""
    field = Article._meta.get_field(name)
    assert isinstance(field, Field)
    expression = Value(None, output_field=field)
    converters = connection.ops.get_db_converters(expression)

    def convert(value: Any) -> Any:
        for converter in converters:
            value = converter(value, expression, connection)
        return value

    return convert


def _profile(article: Article, entities: dict[int, int]) -> grouping.ArticleProfile:
    text = _remember(article)
    return _assemble(
        article.pk, article.published, article.language, entities, text, article.story_id
    )


def remember_text(article: Article, known: FilingText) -> None:
    """Keep the text side of the article's profile, computed beforehand (features.py)."""
    key = (article.pk, article.updated_at)
    _texts[key] = (known.word_ids, known.word_weights, known.names, known.numbers)
    _texts.move_to_end(key)
    _bridges[key] = known.bridge
    _bridges.move_to_end(key)
    for cache in (_texts, _bridges):
        while len(cache) > PROFILES:
            cache.popitem(last=False)


def _remember(article: Article, bridge: bool = False) -> _Text:
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
    if bridge and key not in _bridges:
        # The glossary scan is the dearest part: only for the other language's candidates.
        _, _, names, numbers = _texts[key]
        whole = article_text(article.title, article.body)
        _bridges[key] = bilingual.bridge_keys(whole, article.language, names, numbers)
        while len(_bridges) > PROFILES:
            _bridges.popitem(last=False)
    return _texts[key]


def _assemble(
    pk: int,
    published: date | None,
    language: str,
    entities: dict[int, int],
    text: _Text,
    story: int | None,
    bridge: frozenset[str] = frozenset(),
) -> grouping.ArticleProfile:
    ids, weights, names, numbers = text
    words = dict(zip(ids, weights, strict=True))
    return grouping.ArticleProfile(
        pk, published, language, entities, words, names, numbers, story, bridge
    )

"""Stories in the database: file each new article, fold copies, and carry out curators' edits.

The rules are in articles/stories/grouping.py (pure); this module finds the candidates they compare
(through the Fingerprint and Mention tables, so filing one article costs a few indexed queries
whatever the archive's size: grouping is incremental, never a re-clustering) and records the
outcome. Curators' decisions are never undone by automatic grouping:
- an article a curator placed (moved, split off, merged) has `story_locked` and stays put;
- a merged-away story receives nothing (its articles moved to the target, locked there);
- a story a curator split off is `closed`: automatic grouping adds nothing to it (else the
  next article about the event would pull the split-off part back together);
- a headline a curator wrote (`title_curated`) and the pin are never touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, F

from articles.indexing import deferred_indexing, enqueue
from articles.models import (
    Article,
    Fingerprint,
    Mention,
    Precision,
    Story,
    Visibility,
)
from articles.stories import bilingual_store, grouping
from articles.text import article_text
from articles.topics import text_vector

_TOP_ENTITIES = 8  # candidates come through the article's rarest entities
_MAX_CANDIDATES = 100
_MIN_SHARED_FINGERPRINTS = 8  # of grouping.SKETCH_SIZE


def file_article(article: Article) -> Story:
    """Fold the article under its first publication if it is a copy, and put it in a story."""
    with transaction.atomic():
        shingles = _shingles(article)
        Fingerprint.objects.filter(article=article).delete()
        Fingerprint.objects.bulk_create(
            Fingerprint(article=article, value=value) for value in grouping.sketch(shingles)
        )
        bridge = bilingual_store.remember(article)  # cross-language candidates (#14)
        family = _fold_copies(article, shingles) or [article]
        old = article.story_id
        if article.story_locked and old:
            return refresh([old])[0]
        # A copy lives in the story of its family (the earliest member that has one);
        # anything else is compared with what was filed near it in time.
        placed = sorted(
            (a.published or date.max, a.pk, a.story_id)
            for a in family
            if a.story_id and a.pk != article.pk
        )
        target, score = (placed[0][2], 1.0) if placed else _choose_story(article, bridge)
        # The placement score curators see in the admin (#14); None when it started the story.
        if article.story_score != score:
            Article.objects.filter(pk=article.pk).update(story_score=score)
            article.story_score = score
        if target is None:
            alone = old and not Article.objects.filter(story_id=old).exclude(pk=article.pk).exists()
            target = old if alone else Story.objects.create().pk
        moved = [
            a for a in family if a.story_id != target and (a.pk == article.pk or not a.story_locked)
        ]
        Article.objects.filter(pk__in=[a.pk for a in moved]).update(story_id=target)
        article.story_id = target
        enqueue([a.pk for a in moved])
        return refresh([target, old, *(a.story_id for a in moved)])[0]


def refresh(story_ids: Iterable[int | None]) -> list[Story]:
    """Recompute the stored summary of stories (count, languages, dates, lead, headline);
    return them in the order given."""
    order = list(dict.fromkeys(pk for pk in story_ids if pk))
    found = {}
    for story in Story.objects.filter(pk__in=order):
        members = list(
            Article.objects.visible()
            .filter(story=story)
            .only("pk", "title", "language", "published", "copy_of_id")
        )
        dated = sorted(a.published for a in members if a.published)
        originals = [a for a in members if a.copy_of_id is None] or members
        lead = min(originals, key=lambda a: (a.published or date.max, a.pk), default=None)
        story.article_count = len(members)
        story.languages = ",".join(sorted({a.language for a in members if a.language}))
        story.first_published = dated[0] if dated else None
        story.last_published = dated[-1] if dated else None
        story.lead = lead
        if not story.title_curated and lead is not None:
            story.title = lead.title
        story.save()
        found[story.pk] = story
    return [found[pk] for pk in order if pk in found]


def merge(target: Story, others: Iterable[Story]) -> int:
    """Move every article of `others` into `target`, for good; their pages redirect."""
    others = [other for other in others if other.pk != target.pk]
    with transaction.atomic():
        ids = list(Article.objects.filter(story__in=others).values_list("pk", flat=True))
        Article.objects.filter(pk__in=ids).update(story=target, story_locked=True)
        Article.objects.filter(story=target).update(story_locked=True)
        Story.objects.filter(pk__in=[o.pk for o in others]).update(merged_into=target)
        Story.objects.filter(merged_into__in=others).update(merged_into=target)
        enqueue(ids)
        refresh([target.pk, *(o.pk for o in others)])
    return len(ids)


def move(articles: Iterable[Article], story: Story | None = None) -> Story:
    """Put articles in `story`, or split them off into a new, closed one, as a curator's
    decision: automatic grouping never moves them again."""
    articles = list(articles)
    with transaction.atomic():
        story = story or Story.objects.create(closed=True)
        old = {a.story_id for a in articles}
        ids = [a.pk for a in articles]
        Article.objects.filter(pk__in=ids).update(story=story, story_locked=True)
        enqueue(ids)
        refresh([story.pk, *old])
    story.refresh_from_db()
    return story


def regroup(*, everything: bool = False) -> int:
    """File every article without a story, in publication order (the order they would have
    arrived in); `everything`: file again every article no curator placed, against the
    stories as they are (so story ids, headlines and pins stay wherever the grouping holds)."""
    articles = Article.objects.all() if everything else Article.objects.filter(story=None)
    count = 0
    with deferred_indexing():
        for article in articles.order_by(F("published").asc(nulls_last=True), "id").iterator(
            chunk_size=500
        ):
            if not article.story_locked:
                file_article(article)
                count += 1
    return count


def _shingles(article: Article) -> set[int]:
    return grouping.shingles(article_text(article.title, article.body))


def _fold_copies(article: Article, shingles: set[int]) -> list[Article]:
    """Point every copy of the same text at the first publication; return the family
    (this article and its copies, empty when it has none)."""
    sketch = grouping.sketch(shingles)
    candidates = (
        Fingerprint.objects.filter(value__in=sketch)
        .exclude(article=article)
        .values("article")
        .annotate(n=Count("id"))
        .filter(n__gte=min(_MIN_SHARED_FINGERPRINTS, len(sketch)))
        .order_by("-n", "article")[:20]
    )
    others = Article.objects.filter(pk__in=[row["article"] for row in candidates])
    copies = [other for other in others if grouping.is_copy(shingles, _shingles(other))]
    if not copies:
        if article.copy_of_id:
            Article.objects.filter(pk=article.pk).update(copy_of=None)
            article.copy_of_id = None
            enqueue([article.pk])
        return []
    # The whole family, with the copies' own originals and copies, under its earliest member.
    family = {article.pk: article, **{c.pk: c for c in copies}}
    roots = {c.copy_of_id for c in copies if c.copy_of_id} - set(family)
    family.update({a.pk: a for a in Article.objects.filter(pk__in=roots)})
    family.update({a.pk: a for a in Article.objects.filter(copy_of__in=list(family))})
    first = min(family.values(), key=lambda a: (a.published or date.max, a.pk))
    changed = []
    for member in family.values():
        wanted = None if member.pk == first.pk else first.pk
        if member.copy_of_id != wanted:
            member.copy_of_id = wanted
            changed.append(member.pk)
            Article.objects.filter(pk=member.pk).update(copy_of_id=wanted)
    enqueue(changed)
    return list(family.values())


def _choose_story(
    article: Article, bridge: frozenset[str] = frozenset()
) -> tuple[int | None, float | None]:
    """The story the article joins and its best similarity there, or (None, None)."""
    if article.published is None or article.published_precision != Precision.DAY:
        return None, None
    counts = dict(Mention.objects.filter(article=article).values_list("entity_id", "count"))
    # Cross-language candidates through what survives translation (#14): bilingual_store.
    crossing = bilingual_store.candidates(article, bridge)
    if not counts and not crossing:
        return None, None
    total = Article.objects.count()
    df = _document_frequency(counts)
    # Entities only this article names find nothing; of the rest, the most telling (named
    # often here, rarely elsewhere) bring the candidates.
    idf = grouping.idf_weights(df, total)
    shared = [e for e in counts if df.get(e, 0) > 1]
    rarest = sorted(shared, key=lambda e: (-counts[e] * idf[e], e))[:_TOP_ENTITIES]
    window = timedelta(days=grouping.WINDOW_DAYS)
    near = (
        Mention.objects.filter(
            entity_id__in=rarest,
            article__published__range=(article.published - window, article.published + window),
            article__published_precision=Precision.DAY,
            article__copy_of=None,
            article__visibility=Visibility.PUBLISHED,
            article__story__isnull=False,
            article__story__closed=False,
        )
        .exclude(article=article)
        .values("article")
        .annotate(n=Count("id"))
        .order_by("-n", "article")[:_MAX_CANDIDATES]
    )
    ids = list(dict.fromkeys([row["article"] for row in near] + crossing))
    if not ids:
        return None, None
    others = Article.objects.filter(pk__in=ids).only(
        "pk", "title", "body", "language", "published", "story_id"
    )
    mentions: dict[int, dict[int, int]] = {}
    for article_id, entity_id, n in Mention.objects.filter(article__in=ids).values_list(
        "article_id", "entity_id", "count"
    ):
        mentions.setdefault(article_id, {})[entity_id] = n
    df.update(_document_frequency({e for m in mentions.values() for e in m} - set(df)))
    idf = grouping.idf_weights(df, total)
    profiles = [_profile(other, mentions.get(other.pk, {}), article.language) for other in others]
    stories = {p.story for p in profiles if p.story}
    sizes = dict(
        Article.objects.filter(story__in=stories, copy_of=None)
        .exclude(pk=article.pk)
        .values("story")
        .annotate(n=Count("id"))
        .values_list("story", "n")
    )
    me = replace(_profile(article, counts), bridge=bridge)
    chosen = grouping.choose_story(me, profiles, idf, sizes)
    scores = [grouping.similarity(me, p, idf) for p in profiles if p.story == chosen]
    return chosen, round(max(scores), 4) if chosen and scores else None


def _profile(
    article: Article, entities: dict[int, int], compared_with: str | None = None
) -> grouping.ArticleProfile:
    text = article_text(article.title, article.body)
    # Bridge keys only matter across languages, and the glossary scan is the dearest part.
    crossing = compared_with is not None and article.language != compared_with
    return grouping.ArticleProfile(
        article.pk,
        article.published,
        article.language,
        entities,
        text_vector(article.title, article.body, article.language),
        grouping.names(text),
        grouping.numbers(text),
        article.story_id,
        bilingual_store.keys(article) if crossing else frozenset(),
    )


def _document_frequency(entity_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        Mention.objects.filter(entity_id__in=list(entity_ids))
        .values("entity_id")
        .annotate(n=Count("id"))
    )
    return {row["entity_id"]: row["n"] for row in rows}

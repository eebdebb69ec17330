"""Stories in the database: file each new article, fold copies, and carry out curators' edits.

The rules are in articles/stories/grouping.py and copies.py (pure). This module finds copies
through the Fingerprint table, asks articles/stories/neighbours.py for the story an article
joins (grouping is incremental, never a re-clustering) and records the outcome. Curators'
decisions are never undone by automatic grouping:
- an article a curator placed (moved, split off, merged) has `story_locked` and stays put;
- a merged-away story receives nothing (its articles moved to the target, locked there);
- a story a curator split off is `closed`: automatic grouping adds nothing to it (else the
  next article about the event would pull the split-off part back together);
- a headline a curator wrote (`title_curated`) and the pin are never touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from django.db import connection, transaction
from django.db.models import F, Q

from articles.indexing import deferred_indexing, enqueue
from articles.models import (
    Article,
    Fingerprint,
    Story,
    Visibility,
    insert_rows,
    placeholders,
    select_rows,
)
from articles.stories import bilingual_store, copies, neighbours
from articles.stories.features import FilingText

_COPY_CANDIDATES = 20
_MIN_SHARED_FINGERPRINTS = 8  # of copies.SKETCH_SIZE


def file_article(
    article: Article,
    known: FilingText | None = None,
    *,
    new: bool = False,
    mentions: dict[int, int] | None = None,
) -> Story:
    """Fold the article under its first publication if it is a copy, and put it in a story.

    known: its text as features.filing_text found it (an import computes it beforehand, in
    its extraction processes); used only if computed for the article's language. new: the
    article was just created, so it has no fingerprints, bridge keys or copies to replace.
    mentions: its stored mentions ({entity id: count}), when the caller just wrote them.
    """
    if known is not None and known.language != article.language:
        known = None
    with transaction.atomic():
        if known is None:
            text = _copy_text(article)
        else:
            text = replace(known.copy, order=(article.published or date.max, article.pk))
            neighbours.remember_text(article, known)
        if not new:
            Fingerprint.objects.filter(article=article).delete()
        insert_rows(
            Fingerprint,
            ("article", "value"),
            ((article.pk, value) for value in copies.sketch(text.shingles)),
        )
        # Cross-language candidates (#14).
        bridge = bilingual_store.remember(
            article, known.bridge if known is not None else None, new=new
        )
        family = _fold_copies(article, text, new=new) or [article]
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
        target, score = (
            (placed[0][2], 1.0) if placed else neighbours.choose_story(article, bridge, mentions)
        )
        # The placement score curators see in the admin (#14); None when it started the story.
        if article.story_score != score:
            Article.objects.filter(pk=article.pk).update(story_score=score)
            article.story_score = score
        if target is None and old is None and family == [article]:
            return _start_story(article)
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


def _start_story(article: Article) -> Story:
    """A new story of this one article, its summary written as refresh() would write it
    (three statements fewer per article: most imported articles start a story)."""
    visible = article.visibility == Visibility.PUBLISHED
    story = Story.objects.create(
        article_count=1 if visible else 0,
        languages=article.language if visible else "",
        first_published=article.published if visible else None,
        last_published=article.published if visible else None,
        lead=article if visible else None,
        title=article.title if visible else "",
    )
    # Plain SQL: the ORM's update() cost four times its statement, here for most articles.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Article._meta.db_table} SET story_id = %s WHERE id = %s",
            [story.pk, article.pk],
        )
    article.story_id = story.pk
    enqueue([article.pk])
    return story


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


def _copy_text(article: Article) -> copies.CopyText:
    return copies.copy_text(article.title, article.body, article.published, article.pk)


def _fold_copies(article: Article, text: copies.CopyText, *, new: bool = False) -> list[Article]:
    """Fold the article under the text it copies, and the texts that copy it under the same
    original; unfold its former copies that no longer copy it (a live page that grew).

    Returns the family (its original and every copy of it), empty when it has none.
    """
    sketch = copies.sketch(text.shingles)
    near = set()
    if sketch:
        # Plain SQL: it runs for every imported article, and building it through the ORM
        # cost several times what running it does (#10).
        sql = (
            f"SELECT article_id FROM {Fingerprint._meta.db_table} "
            f"WHERE value IN ({placeholders(len(sketch))}) AND article_id <> %s "
            "GROUP BY article_id HAVING COUNT(*) >= %s "
            "ORDER BY COUNT(*) DESC, article_id LIMIT %s"
        )
        params = [*sketch, article.pk, min(_MIN_SHARED_FINGERPRINTS, len(sketch))]
        near = {pk for (pk,) in select_rows(sql, [*params, _COPY_CANDIDATES])}
    if new and not near:
        return []  # nothing copies a text filed just now, and it copies nothing filed
    loaded = {
        a.pk: a
        for a in Article.objects.filter(Q(pk__in=near) | Q(copy_of=article)).exclude(pk=article.pk)
    }
    # A family's original stands for it: a text that copies one of its copies goes under it.
    roots = {a.copy_of_id for a in loaded.values() if a.copy_of_id} - set(loaded) - {article.pk}
    if roots:
        loaded.update({a.pk: a for a in Article.objects.filter(pk__in=roots)})
    texts = {pk: _copy_text(a) for pk, a in loaded.items()}

    def order(a: Article) -> tuple[date, int]:
        return texts[a.pk].order

    copied = [a for a in loaded.values() if copies.is_copy(text, texts[a.pk])]
    first = min(copied, key=order, default=None)
    root = article
    if first is not None:
        parent = first.copy_of_id
        root = loaded[parent] if parent is not None and parent in loaded else first
    wanted = {article.pk: None if root is article else root.pk}
    for other in loaded.values():
        if other is root:
            wanted[other.pk] = None
        elif copies.is_copy(texts[other.pk], text) and other.copy_of_id in {
            None,
            article.pk,
            root.pk,
        }:
            wanted[other.pk] = root.pk
        elif other.copy_of_id == article.pk:
            wanted[other.pk] = None  # no longer a copy of this text (a live page that grew)
    # The copies of a text that now folds under the root follow it.
    followers = [pk for pk, to in wanted.items() if to == root.pk]
    found = Article.objects.filter(copy_of__in=followers) if followers else Article.objects.none()
    for follower in found.exclude(pk__in=list(wanted)):
        loaded[follower.pk] = follower
        wanted[follower.pk] = root.pk
    members = {article.pk: article, **loaded}
    changed = [pk for pk, to in wanted.items() if members[pk].copy_of_id != to]
    for pk in changed:
        members[pk].copy_of_id = wanted[pk]
        Article.objects.filter(pk=pk).update(copy_of_id=wanted[pk])
    enqueue(changed)
    family = [a for a in members.values() if a.pk == root.pk or a.copy_of_id == root.pk]
    return family if len(family) > 1 else []

"""Entities in the database: load the registry, link articles, keep candidates for curators.

The registry (entities/registry.py) and the matcher (entities/linking.py) are pure; this
module is their database side. The Linker is built from the curated aliases in the database,
so an alias a curator adds links from the next article on (and everywhere after
`link_entities`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.db import transaction
from django.db.models import Count, F, Max, QuerySet, Sum
from django.db.models.functions import TruncMonth

from articles.entities.candidates import CandidateName, quote
from articles.entities.linking import Linker, Links
from articles.entities.registry import Alias, EntityRecord
from articles.indexing import enqueue
from articles.models import (
    Article,
    CandidateSighting,
    Entity,
    EntityAlias,
    EntityStatus,
    Mention,
    Source,
    Visibility,
    insert_rows,
)
from articles.text import Chart, article_text, continuous


def sync_registry(records: Iterable[EntityRecord]) -> tuple[int, int]:
    """Create the registry's entities and aliases that are missing; never undo a curator's
    edit. Returns (entities created, aliases created)."""
    existing = {e.registry_id: e for e in Entity.objects.exclude(registry_id=None)}
    have = set(EntityAlias.objects.values_list("entity__registry_id", "text", "language"))
    made_entities = made_aliases = 0
    with transaction.atomic():
        for record in records:
            entity = existing.get(record.id)
            if entity is None:
                entity = Entity.objects.create(
                    registry_id=record.id,
                    kind=record.kind,
                    name_en=record.name_en,
                    name_vi=record.name_vi,
                    description=record.description,
                )
                made_entities += 1
            new = [
                EntityAlias(entity=entity, text=a.text, language=a.lang, is_acronym=a.acronym)
                for a in record.aliases
                if (record.id, a.text, a.lang) not in have
            ]
            EntityAlias.objects.bulk_create(new, ignore_conflicts=True)
            made_aliases += len(new)
    return made_entities, made_aliases


def current_linker() -> Linker:
    """The Linker for the aliases in the database now (rebuilt only when they change)."""
    state = EntityAlias.objects.filter(entity__status=EntityStatus.ACTIVE).aggregate(
        n=Count("id"), last=Max("id"), changed=Max("entity__updated_at")
    )
    return _linker(state["n"], state["last"], state["changed"])


@lru_cache(maxsize=1)
def _linker(*version: object) -> Linker:
    aliases: dict[int, list[Alias]] = {}
    for entity_id, text, language, acronym in EntityAlias.objects.filter(
        entity__status=EntityStatus.ACTIVE
    ).values_list("entity_id", "text", "language", "is_acronym"):
        aliases.setdefault(entity_id, []).append(Alias(text, language, acronym))
    records = [
        EntityRecord(str(pk), kind, en, vi, "", tuple(aliases.get(pk, ())))
        for pk, kind, en, vi in Entity.objects.active().values_list(
            "pk", "kind", "name_en", "name_vi"
        )
    ]
    return Linker(records)


def link_article(
    article: Article,
    linker: Linker | None = None,
    found: Links | None = None,
    *,
    new: bool = False,
    known: KnownNames | None = None,
) -> dict[int, int]:
    """Replace the article's mentions with what its clean text names now; record unknown
    proper names as candidates. Returns {entity id: mention count}.

    found: what Linker.link() gave for the article's text, when it ran elsewhere (an import
    links in its extraction processes). new: the article was just created, so it has no
    mentions to replace. known: known_names(), kept by an import for all its articles (and
    updated here with the candidates recorded) instead of a lookup per article.
    """
    language = article.language or ""
    if found is None:
        linker = linker or current_linker()
        found = linker.link(article_text(article.title, article.body), language)
    mentions, candidates = found
    counts = {int(pk): n for pk, n in mentions.items()}
    if not new:
        Mention.objects.filter(article=article).delete()
        CandidateSighting.objects.filter(article=article).delete()
    insert_rows(
        Mention, ("article", "entity", "count"), ((article.pk, pk, n) for pk, n in counts.items())
    )
    if article.is_visible:  # names from hidden text never reach the candidate queue
        _record_candidates(article, candidates, language, known)
    return counts


# Name -> the candidate entity it proposes, or None for a name never proposed (an alias of an
# active or rejected entity, an outlet's name).
KnownNames = dict[str, int | None]


def known_names() -> KnownNames:
    """Every alias text, whatever its entity's status, and every outlet's name."""
    return _known(EntityAlias.objects.all(), Source.objects.all())


def _known(aliases: QuerySet[EntityAlias], sources: QuerySet[Source]) -> KnownNames:
    known: KnownNames = dict.fromkeys(sources.values_list("name", flat=True))
    for text, entity_id, status in aliases.values_list("text", "entity_id", "entity__status"):
        if status != EntityStatus.CANDIDATE:
            known[text] = None
        elif text not in known:
            known[text] = entity_id
    return known


def _record_candidates(
    article: Article, found: list[CandidateName], language: str, known: KnownNames | None
) -> None:
    if not found:
        return
    names = [c.text for c in found]
    # A name curators already know, accepted or rejected, is never proposed again. (The
    # alias table has no index on its text alone: a lookup per article reads all of it.)
    if known is None:
        known = _known(
            EntityAlias.objects.filter(text__in=names), Source.objects.filter(name__in=names)
        )
    new = [name for name in dict.fromkeys(names) if name not in known]
    if new:
        # Two statements for all of them: bulk_create returns the ids on SQLite and PostgreSQL;
        # the aliases need no instances back (insert_rows, #10).
        name_field = "name_vi" if language == "vi" else "name_en"
        entities = Entity.objects.bulk_create(
            Entity(status=EntityStatus.CANDIDATE, **{name_field: name}) for name in new
        )
        insert_rows(
            EntityAlias,
            ("entity", "text", "language", "is_acronym"),
            (
                (entity.pk, name, language, False)
                for entity, name in zip(entities, new, strict=True)
            ),
        )
        known.update((name, entity.pk) for entity, name in zip(entities, new, strict=True))
    # The queue counts articles and quotes them: one row per article naming the candidate.
    proposed = [(known.get(c.text), c.count) for c in found]
    insert_rows(
        CandidateSighting,
        ("entity", "article", "count"),
        ((pk, article.pk, n) for pk, n in proposed if pk is not None),
        ignore_conflicts=True,
    )


def quotes(entity: Entity, limit: int = 2) -> list[str]:
    """Where the newest articles naming a candidate name it: the words around the name."""
    names = list(entity.aliases.values_list("text", flat=True))
    found = []
    rows = (
        Article.objects.visible()
        .filter(sightings__entity=entity)
        .order_by("-published", "-id")
        .values_list("title", "body")[: limit * 2]
    )
    for title, body in rows:
        text = article_text(title, body)
        quoted = next(filter(None, (quote(text, name) for name in names)), "")
        if quoted:
            found.append(quoted)
        if len(found) == limit:
            break
    return found


def accept(entities: Iterable[Entity], also: Iterable[int] = ()) -> int:
    """Make candidates entities and re-link the articles that name them (and `also`)."""
    ids = [entity.pk for entity in entities]
    named = set(CandidateSighting.objects.filter(entity__in=ids).values_list("article", flat=True))
    Entity.objects.filter(pk__in=ids).update(status=EntityStatus.ACTIVE)
    return relink(named | set(also))


def reject(entities: Iterable[Entity]) -> int:
    """Never link or propose these again; their articles are queued for the index."""
    ids = [entity.pk for entity in entities]
    articles = list(Mention.objects.filter(entity__in=ids).values_list("article_id", flat=True))
    Mention.objects.filter(entity__in=ids).delete()
    CandidateSighting.objects.filter(entity__in=ids).delete()
    count = Entity.objects.filter(pk__in=ids).update(status=EntityStatus.REJECTED)
    enqueue(articles)
    return count


@dataclass(frozen=True)
class EntityProfile:
    entity: Entity
    articles: QuerySet[Article]  # newest first, unsliced: the page pages it
    chart: Chart  # mentions per month (per year past fifteen years), empty months included
    related: list[tuple[Entity, int]]  # entities named in the same articles, most shared first
    languages: dict[str, int]


def profile(entity: Entity) -> EntityProfile:
    """What the entity page shows: its articles, mentions over time, its company."""
    mentions = Mention.objects.filter(entity=entity, article__visibility=Visibility.PUBLISHED)
    articles = (
        Article.objects.visible()
        .filter(mentions__entity=entity)
        .select_related("source")
        .prefetch_related("mentions__entity")
        .order_by(F("published").desc(nulls_last=True), "-id")
    )
    months = (
        mentions.exclude(article__published=None)
        .annotate(month=TruncMonth("article__published"))
        .values("month")
        .annotate(n=Sum("count"))
        .order_by("month")
    )
    chart = continuous(((row["month"], row["n"]) for row in months), finest="month")
    shared = (
        Mention.objects.filter(
            article__mentions__entity=entity, article__visibility=Visibility.PUBLISHED
        )
        .exclude(entity=entity)
        .values("entity")
        .annotate(n=Count("article", distinct=True))
        .order_by("-n")[:15]
    )
    others = Entity.objects.in_bulk([row["entity"] for row in shared])
    languages = dict(mentions.values_list("article__language").annotate(n=Count("id")))
    return EntityProfile(
        entity, articles, chart, [(others[row["entity"]], row["n"]) for row in shared], languages
    )


def merge(target: Entity, others: Iterable[Entity]) -> int:
    """Fold `others` into `target`: aliases and mentions move, their pages redirect."""
    others = [other for other in others if other.pk != target.pk]
    moved = 0
    with transaction.atomic():
        for other in others:
            for alias in other.aliases.all():
                if not target.aliases.filter(text=alias.text, language=alias.language).exists():
                    alias.entity = target
                    alias.save(update_fields=["entity"])
            for mention in other.mentions.all():
                kept, created = Mention.objects.get_or_create(
                    article_id=mention.article_id, entity=target, defaults={"count": mention.count}
                )
                if not created:
                    kept.count += mention.count
                    kept.save(update_fields=["count"])
                moved += 1
            other.mentions.all().delete()
            other.merged_into = target
            other.status = EntityStatus.REJECTED
            other.save(update_fields=["merged_into", "status", "updated_at"])
        Entity.objects.filter(merged_into__in=others).update(merged_into=target)
    return moved


def relink(article_ids: Iterable[int]) -> int:
    """Re-link these articles with the current registry and queue them for the index."""
    ids = sorted(set(article_ids))
    linker = current_linker()
    for article in Article.objects.filter(pk__in=ids):
        link_article(article, linker)
    enqueue(ids)
    return len(ids)

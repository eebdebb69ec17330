"""run(params) -> Results: the one search function behind the page and the export."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils.safestring import SafeString
from haystack import connections
from haystack.exceptions import SearchBackendError
from haystack.inputs import Exact
from haystack.query import SQ, SearchQuerySet

from articles.concepts.store import current_glossary
from articles.entities import current_linker
from articles.indexing import stale_hidden
from articles.models import Article, Entity, Source
from articles.search.budget import SearchUnavailable, time_budget
from articles.search.concepts import ConceptExpansion, expand_concepts
from articles.search.facets import Facet, Timeline, build_facets, build_timeline
from articles.search.params import (
    BY_NAME,
    COUNTED_FIELDS,
    DAY_FIELD,
    ORDER_FIELD,
    SearchParams,
)
from articles.search.query import Query, folded_terms, source_values, to_sq
from articles.search.snippets import snippet

_SCAN = 200  # ranked ids read per step when collapsing to stories


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Hit:
    article: Article
    score: float
    snippet: SafeString  # escaped article text with <mark> around matched words
    story_matches: int = 1  # with collapse: how many matching articles its story holds


@dataclass(frozen=True)
class Results:
    params: SearchParams
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    facets: list[Facet] = field(default_factory=list)
    timeline: Timeline | None = None
    expansions: list[Entity] = field(default_factory=list)
    concepts: list[ConceptExpansion] = field(default_factory=list)

    @property
    def page(self) -> int:
        return self.params.offset // self.params.limit + 1

    @property
    def next_offset(self) -> int | None:
        end = self.params.offset + self.params.limit
        return end if end < self.total else None

    @property
    def previous_offset(self) -> int | None:
        if self.params.offset <= 0:
            return None
        return max(0, self.params.offset - self.params.limit)


def run(params: SearchParams, budget: float | None = None) -> Results:
    """Search the index; hidden articles never come back (see ArticleIndex.read_queryset).

    Raises SearchTimeout past settings.SEARCH_TIME_BUDGET seconds (or `budget`) and
    SearchUnavailable when the engine cannot answer; pages answer both with a message
    (HTTP 503), never a 500.
    """
    try:
        with time_budget(settings.SEARCH_TIME_BUDGET if budget is None else budget):
            return _run(params)
    except (OSError, SearchBackendError) as exc:
        log.exception("search failed")
        raise SearchUnavailable("the search index cannot be read right now") from exc


def _run(params: SearchParams) -> Results:
    query = params.query
    # The query's concepts also match in the other language (search/concepts.py).
    concepts = [] if params.literal or not params.q else expand_concepts(query, current_glossary())
    condition, exclusions = to_sq(
        query,
        _sources(source_values(query)),
        params.exact_accents,
        [(concept.items, concept.condition) for concept in concepts],
    )
    if params.q and condition is None and not exclusions:
        return Results(params)  # punctuation or lone operators only: nothing to look for
    expansions = [] if params.literal or condition is None else _named_entities(query)
    if expansions:
        # The words name entities: also find articles that name them some other way, in
        # either language ("Islamic State" finds "Nhà nước Hồi giáo tự xưng IS").
        named = SQ(entities=Exact(str(expansions[0].pk)))
        for entity in expansions[1:]:
            named &= SQ(entities=Exact(str(entity.pk)))
        condition = condition | named
    sqs = _narrowed(_base(condition, exclusions, params), params)
    if params.sort == "oldest":
        sqs = sqs.order_by(DAY_FIELD, ORDER_FIELD)
    elif condition is None or params.sort == "newest":
        sqs = sqs.order_by(f"-{DAY_FIELD}", f"-{ORDER_FIELD}")
    if params.facets:
        # One copy of the query for all the facets: each .facet() deep-copies the whole
        # query tree (a pasted headline's is large): 6% of a page's time, profiled.
        sqs = sqs.facet(COUNTED_FIELDS[0])
        for name in COUNTED_FIELDS[1:]:
            sqs.query.add_field_facet(name)
    loaded = sqs.load_all()
    terms = folded_terms(query).union(*(concept.highlighted() for concept in concepts))
    # Sorted by date, an engine reports each hit's sort key where the score was: no score.
    scored = condition is not None and params.sort == "relevance"
    if params.collapse:
        hits, total, matching = _collapsed(sqs, params, terms, scored=scored)
    else:
        page = list(loaded[params.offset : params.offset + params.limit])  # runs the search once
        total = matching = loaded.count()
        hits = [
            Hit(
                result.object,
                (result.score or 0.0) if scored else 0.0,
                snippet(result.object, terms) if params.snippets else SafeString(""),
            )
            for result in page
            if result.object is not None
        ]
    if not params.facets:
        return Results(params, hits, total, expansions=expansions, concepts=concepts)
    counts = loaded.facet_counts().get("fields", {})
    # A facet with a selection is counted without its own filter, so its other values stay
    # visible and can be added (values of one facet combine with OR, facets with AND).
    for name, chosen in params.selected.items():
        if chosen:
            field_name = BY_NAME[name].field
            again = _narrowed(_base(condition, exclusions, params), params, skip=name)
            counts[field_name] = (
                again.facet(field_name).facet_counts().get("fields", {}).get(field_name, [])
            )
    facets = build_facets(counts, params)
    timeline = build_timeline(counts.get(DAY_FIELD, []), matching, params)
    return Results(params, hits, total, facets, timeline, expansions, concepts)


def _collapsed(
    sqs: SearchQuerySet, params: SearchParams, terms: set[str], scored: bool
) -> tuple[list[Hit], int, int]:
    """One hit per story, in rank order: the best-ranked article of each story; with the
    number of stories and of matching articles (facets and the timeline count articles).

    The number of stories comes from a facet on the story field, so it is exact over the
    whole result set on any engine; the page is found by reading the ranked ids (stored
    fields only, no database) until offset + limit distinct stories have been seen.
    """
    per_story = {
        int(story): n
        for story, n in sqs.facet("story").facet_counts().get("fields", {}).get("story", [])
    }
    # Articles without a story (0) are each their own item.
    total = per_story.get(0, 0) + sum(1 for story in per_story if story)
    wanted = params.offset + params.limit
    firsts: list[tuple[int, float, int]] = []  # (article id, score, story)
    seen: set[int] = set()
    start = 0
    while len(firsts) < wanted:
        batch = list(sqs[start : start + _SCAN])
        for result in batch:
            story = int(getattr(result, "story", 0) or 0)
            if story and story in seen:
                continue
            seen.add(story)
            firsts.append((int(result.pk), result.score or 0.0, story))
        if len(batch) < _SCAN:
            break
        start += _SCAN
    chosen = firsts[params.offset : wanted]
    index = connections["default"].get_unified_index().get_index(Article)
    articles = index.read_queryset().in_bulk([pk for pk, _, _ in chosen])
    hits = [
        Hit(
            articles[pk],
            score if scored else 0.0,
            snippet(articles[pk], terms),
            per_story.get(story, 1) if story else 1,
        )
        for pk, score, story in chosen
        if pk in articles
    ]
    return hits, total, sum(per_story.values())


def _sources(values: list[str]) -> dict[str, list[int]]:
    """`source:` values to source ids: the exact name or domain, else names containing it."""
    found = {}
    for value in values:
        exact = Source.objects.filter(Q(name__iexact=value) | Q(domain__iexact=value))
        ids = list(exact.values_list("pk", flat=True)) or list(
            Source.objects.filter(name__icontains=value).values_list("pk", flat=True)[:50]
        )
        found[value] = ids
    return found


def _named_entities(query: Query) -> list[Entity]:
    """The entities the query's words name, when names are all it holds."""
    plain = query.plain_words()
    text = " ".join(plain)
    if len(plain) > 8 or not text:
        return []
    linker = current_linker()
    found: dict[str, int] = {}
    covered = 0
    for language in ("vi", "en"):
        mentions = linker.mentions(text, language)
        words = sum(len(m.alias.split()) for m in mentions)
        if mentions and words > covered:
            found, covered = {m.entity_id: 1 for m in mentions}, words
    if covered < len(text.split()):
        return []
    return list(Entity.objects.active().filter(pk__in=[int(pk) for pk in found]))


def _base(condition: SQ | None, exclusions: list[SQ], params: SearchParams) -> SearchQuerySet:
    sqs = SearchQuerySet().models(Article)
    if condition is not None:
        sqs = sqs.filter(condition)
    stale = stale_hidden()
    if stale:
        # Hidden a moment ago, or while index writes fail: never counted, never returned.
        sqs = sqs.exclude(django_id__in=stale)
    for exclusion in exclusions:
        sqs = sqs.exclude(exclusion)
    if params.date_from:
        sqs = sqs.filter(published__gte=params.date_from)
    if params.date_to:
        sqs = sqs.filter(published__lte=params.date_to)
    if params.story:
        sqs = sqs.filter(story=Exact(params.story))
    if params.after_id is not None:
        sqs = sqs.filter(id_sort__gt=params.after_id)
    if not (params.copies or params.sources or params.story):
        sqs = sqs.filter(copy=0)
    return sqs


def _narrowed(sqs: SearchQuerySet, params: SearchParams, skip: str = "") -> SearchQuerySet:
    for name, chosen in params.selected.items():
        if chosen and name != skip:
            field_name = BY_NAME[name].field
            either = [SQ(**{field_name: Exact(value)}) for value in chosen]
            combined = either[0]
            for other in either[1:]:
                combined |= other
            sqs = sqs.filter(combined)
    return sqs


def articles_naming(phrase: str) -> set[int]:
    """Ids of every article whose text has this exact phrase (accents and case aside)."""
    ids: set[int] = set()
    offset: int | None = 0
    while offset is not None:
        found = run(
            SearchParams(q=f'"{phrase}"', literal=True, facets=False, offset=offset, limit=200)
        )
        ids |= {hit.article.pk for hit in found.hits}
        offset = found.next_offset
    return ids

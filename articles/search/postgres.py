"""The PostgreSQL search engine: a haystack backend on PostgreSQL full-text search.

SEARCH_ENGINE=articles.search.postgres.PostgresEngine (the default when DATABASE_URL is
PostgreSQL). Each visible article is one SearchDocument row: a tsvector per text field of
ArticleIndex (folded text, accents kept, English stems, title), each with a GIN index, and
the filter and facet values as columns; the vectors stay in the row (not in TOAST), and an
article without diacritics stores its folded vector once (SearchDocument.exact_as_text).
The index worker writes the rows through the same queue as Whoosh; every application
server reads the same table, so search needs nothing on local disk, and a change is
searchable from every server at once.

haystack hands the backend a tree of SQ conditions. PostgresSearchQuery turns it into one
WHERE clause: a text field's term becomes `vector @@ tsquery` (words `&`, phrases `<->`,
prefixes `:*`, the terms analysed in Python as Whoosh analyses them: search/tsearch.py), any
other field a plain comparison; AND, OR and NOT become SQL's. Results are ranked by ts_rank
of every positive term on each field it names (the title weighted by its boost), equal scores
by article id; facets are counted by GROUP BY over the same matching rows, in the same
statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import reduce
from operator import add, and_, or_
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.expressions import Combinable
from haystack.backends import BaseEngine, BaseSearchBackend, BaseSearchQuery, SearchNode
from haystack.exceptions import SearchBackendError, SkipDocument
from haystack.models import SearchResult
from haystack.utils import get_identifier

from articles.indexing import signature_of
from articles.models import SearchDocument
from articles.search import tsearch
from articles.search.budget import SearchTimeout, remaining
from articles.text import index_terms

# ArticleIndex's text fields: a tsvector column each, of the same name.
VECTORS = ("text", "text_exact", "text_en", "title")
_ARRAYS = ("topics", "entities")
# haystack names that are columns under another name ("content" is the document field).
_COLUMNS = {"django_id": "id", "id_sort": "id", "content": "text"}
# What a result carries besides its id and score (haystack's "stored fields").
_STORED = ("headline", "story", "copy", "language", "source_id", "published")
# ts_rank normalisation 1: divide by 1 + log(length), so a long article does not win by
# length alone (Whoosh's BM25F normalises by length too).
_NORMALIZATION = 1
_EXACT_BOOST = 2.0
# PostgreSQL cancels a search this long before the process-level budget would interrupt it.
_MARGIN = 0.25
_QUERY_CANCELED = "57014"
# A search's statements run with these settings (for their transaction only, _bounded):
_SETTINGS = {
    # No JIT: at 100,000 documents the planner's costs pass jit_above_cost, and compiling
    # the statement took longer than running it (a search is short).
    "jit": "off",
    # Memory or SSD, not the default's spinning disk: the bitmap reads the matching rows'
    # pages out of order, and at the default cost 4 the planner read all 100,000 rows in
    # order for a word in 16% of them ("market": 390 ms instead of 258 ms).
    "random_page_cost": "1.1",
    # Ranking is most of a common word's statement (ts_rank on each vector of ~16,000
    # matches), and the planner prices it as nearly free: at the default costs it never
    # shares the matching rows' scan with a parallel worker. With one worker beside the
    # statement's own process, "government" at 100,000 articles takes 70 ms instead of 92;
    # a second worker cost more than it gained on two cores. A small search (few matches,
    # few pages) stays serial.
    "max_parallel_workers_per_gather": "1",
    "parallel_setup_cost": "100",
    "parallel_tuple_cost": "0.001",
}
# What a row of the one search statement is when it is not a facet's value (a field's name
# never starts with a space).
_PAGE = " page"
_TOTAL = " total"


class _TsQuery(SearchQuery):
    """A tsquery in its text form, cast as it is: its terms were analysed in Python, so
    PostgreSQL's parser and dictionaries must not touch them (to_tsquery would)."""

    template = "%(expressions)s::tsquery"


@dataclass
class Condition:
    """A search's WHERE clause, and its positive tsqueries per text field (for ranking)."""

    where: Q
    ranked: dict[str, list[str]] = field(default_factory=dict)

    def __str__(self) -> str:
        return str(self.where)


class PostgresSearchBackend(BaseSearchBackend):
    def __init__(self, connection_alias: str, **options: Any) -> None:
        super().__init__(connection_alias, **options)
        # A lost update or a failed search must be loud (haystack swallows errors by default).
        self.silently_fail = False

    # Writing: the index worker (articles.indexing) calls apply(); haystack's commands call
    # update(), remove() and clear().

    def update(self, index: Any, iterable: Iterable[Any], commit: bool = True) -> None:
        self.apply(index, iterable, ())

    def apply(self, index: Any, iterable: Iterable[Any], removed: Iterable[str]) -> None:
        """Write the objects' documents and delete the `removed` identifiers, in one transaction."""
        rows = list(self._documents(index, iterable))
        gone = [_article_id(identifier) for identifier in removed]
        with transaction.atomic():
            if rows:
                SearchDocument.objects.bulk_create(
                    rows,
                    update_conflicts=True,
                    unique_fields=["id"],
                    update_fields=[f.name for f in SearchDocument._meta.fields if f.name != "id"],
                )
            if gone:
                SearchDocument.objects.filter(pk__in=gone).delete()

    def remove(self, obj_or_string: Any, commit: bool = True) -> None:
        SearchDocument.objects.filter(pk=_article_id(get_identifier(obj_or_string))).delete()

    def clear(self, models: Any = None, commit: bool = True) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {connection.ops.quote_name(SearchDocument._meta.db_table)}")

    def _documents(self, index: Any, iterable: Iterable[Any]) -> Iterator[SearchDocument]:
        analyzers = {name: index.fields[name].analyzer for name in VECTORS}
        for obj in iterable:
            try:
                doc = index.full_prepare(obj)
            except SkipDocument:
                continue
            doc.pop("boost", None)
            yield SearchDocument(
                id=int(doc["django_id"]),
                headline=doc.get("title") or "",
                language=doc.get("language") or "",
                source_id=doc.get("source_id") or 0,
                published=doc.get("published"),
                year=doc.get("year") or 0,
                published_sort=doc.get("published_sort") or 0,
                story=doc.get("story") or 0,
                copy=doc.get("copy") or 0,
                topics=[str(value) for value in doc.get("topics") or ()],
                entities=[str(value) for value in doc.get("entities") or ()],
                digest=signature_of(doc),
                **_vectors(analyzers, doc),
            )

    def stored_signatures(self) -> Iterator[tuple[int, str]]:
        """Every document's article id and digest (for verify_index)."""
        yield from SearchDocument.objects.order_by("id").values_list("id", "digest").iterator()

    # Reading.

    def search(self, query_string: Any, **kwargs: Any) -> dict[str, Any]:
        """haystack's search(): `query_string` is the Condition PostgresSearchQuery built."""
        condition = query_string if isinstance(query_string, Condition) else Condition(Q())
        start = int(kwargs.get("start_offset") or 0)
        end = kwargs.get("end_offset")
        result_class = kwargs.get("result_class") or SearchResult
        with _bounded():
            page, hits, facets = self._answer(
                condition, kwargs.get("sort_by"), start, end, kwargs.get("facets") or {}
            )
        results = [
            result_class(
                "articles",
                "article",
                str(row["id"]),
                row["score"],
                title=row["headline"],
                **{name: row[name] for name in _STORED if name != "headline"},
            )
            for row in page
        ]
        return {
            "results": results,
            "hits": hits,
            "facets": {"fields": facets, "dates": {}, "queries": {}},
            "spelling_suggestion": None,
        }

    def _answer(
        self,
        condition: Condition,
        sort_by: list[str] | None,
        start: int,
        end: int | None,
        wanted: dict[str, Any],
    ) -> tuple[list[dict[str, Any]], int, dict[str, list[tuple[Any, int]]]]:
        """The page, the number of hits and the facet counts, in one statement.

        The match is evaluated once (a MATERIALIZED CTE of the matching rows' score and
        facet columns); the page, the count and every facet read that. Only the page's rows
        are joined back for their stored fields: a tsvector is never read twice.
        """
        columns = {name: _COLUMNS.get(name, name) for name in wanted}
        try:
            fields = {name: _model_field(c) for name, c in columns.items()}
        except FieldDoesNotExist as exc:
            raise SearchBackendError(f"no such facet field: {exc}") from exc
        ordering = [("score", True), ("id", False)]
        if sort_by:
            ordering = [
                (_COLUMNS.get(name.lstrip("-"), name.lstrip("-")), name.startswith("-"))
                for name in sort_by
            ]
        try:
            for column, _ in ordering:
                if column != "score":
                    _model_field(column)
        except FieldDoesNotExist as exc:
            raise SearchBackendError(f"cannot sort by {exc}") from exc
        score = _score(condition.ranked, _boosts()) if condition.ranked else Value(0.0)
        kept = dict.fromkeys(["id", *(c for c, _ in ordering if c != "score"), *columns.values()])
        matching = (
            SearchDocument.objects.filter(condition.where)
            .annotate(score=score)
            .values("score", *kept)
        )
        sql, params = matching.query.sql_with_params()
        quote = connection.ops.quote_name
        order = ", ".join(f"{quote(c)} {'DESC' if down else 'ASC'}" for c, down in ordering)
        limit = "" if end is None else f" LIMIT {max(0, int(end) - start)}"
        table = quote(SearchDocument._meta.db_table)
        stored = ", ".join(f"d.{quote(name)}" for name in _STORED)
        # Each row says what it is: a page row (its position, its stored fields as JSON),
        # the count, or a facet (the field's name, bound as a parameter): every value and
        # its count as two arrays, most frequent first, a row per facet rather than per
        # value: the thousands of days of a common word cost one row and no JSON to read.
        parts = [
            f"SELECT '{_PAGE}', page.n, json_build_array(page.id, page.score, {stored}),"
            f" NULL::bigint[], NULL::text[], NULL::bigint[]"
            f" FROM page JOIN {table} d ON d.id = page.id",
            f"SELECT '{_TOTAL}', count(*), NULL, NULL, NULL, NULL FROM hits",
        ]
        for column, model_field in zip(columns.values(), fields.values(), strict=True):
            if column in _ARRAYS:
                # unnest() in the select list: a tenth of the cost of a lateral function
                # scan per row (at 16,046 hits 13-21 ms instead of 35).
                values = f"SELECT unnest(hits.{quote(column)}) AS value FROM hits"
            else:
                values = f"SELECT hits.{quote(column)} AS value FROM hits"
            # Most frequent first, equal counts in the order of the values (text in code
            # points: COLLATE "C"), sorted once: both arrays are aggregated from the same
            # rows in one pass, so their elements pair up whatever the order.
            as_numbers, as_texts, tie = "NULL", "array_agg(value::text)", 'value::text COLLATE "C"'
            if isinstance(model_field, models.IntegerField):
                as_numbers, as_texts, tie = "array_agg(value)", "NULL", "value"
            parts.append(
                f"SELECT %s, NULL, NULL, {as_numbers}, {as_texts}, array_agg(n)"
                f" FROM (SELECT value, count(*) AS n FROM ({values}) AS found GROUP BY value"
                f" ORDER BY n DESC, {tie}) AS counted"
            )
        statement = (
            f"WITH hits AS MATERIALIZED ({sql}), "
            # The page's rows are numbered after the LIMIT, so the sort of the hits keeps
            # only the best `end` rows (a bounded heap) rather than ordering all of them.
            f"page AS (SELECT id, score, row_number() OVER (ORDER BY {order}) AS n "
            f"FROM (SELECT * FROM hits ORDER BY {order}{limit} OFFSET {int(start)}) AS top) "
            + " UNION ALL ".join(f"({part})" for part in parts)
        )
        placed: list[tuple[int, list[Any]]] = []
        hits = 0
        counts: dict[str, list[tuple[Any, int]]] = {}
        with connection.cursor() as cursor:
            cursor.execute(statement, (*params, *columns))
            rows = cursor.fetchall()
        for kind, number, stored_row, numbers, texts, tallies in rows:
            if kind == _PAGE:
                placed.append((number, stored_row))
            elif kind == _TOTAL:
                hits = number
            elif texts is None:  # a column of numbers, or no value at all (no hits)
                counts[kind] = list(zip(numbers or (), tallies or (), strict=True))
            else:
                found = fields[kind]
                base = found.base_field if isinstance(found, ArrayField) else found
                counts[kind] = [
                    (None if value is None else base.to_python(value), n)
                    for value, n in zip(texts, tallies, strict=True)
                ]
        page = []
        for _, (pk, rank, *stored_values) in sorted(placed, key=lambda pair: pair[0]):
            row = {"id": pk, "score": float(rank)}
            for name, value in zip(_STORED, stored_values, strict=True):
                row[name] = _model_field(name).to_python(value) if value is not None else None
            page.append(row)
        return page, hits, counts


class PostgresSearchQuery(BaseSearchQuery):
    """Builds a Condition from haystack's SQ tree (instead of another engine's query text)."""

    def build_query(self) -> Condition:
        compiler = _Compiler()
        return Condition(compiler.node(self.query_filter, negated=False), compiler.ranked)

    def build_query_fragment(self, field: str, filter_type: str, value: Any) -> str:
        raise NotImplementedError("the PostgreSQL engine builds SQL, not query text")

    def __str__(self) -> str:
        return str(self.build_query())


class PostgresEngine(BaseEngine):
    backend = PostgresSearchBackend
    query = PostgresSearchQuery


class _Compiler:
    """SQ tree → Q. A term under an even number of NOTs is positive: it also ranks."""

    def __init__(self) -> None:
        self.ranked: dict[str, list[str]] = {}
        self.analyzers = {name: field.analyzer for name, field in _index_fields().items()}

    def node(self, node: SearchNode, negated: bool) -> Q:
        inner = negated != node.negated
        implied = _implied(node) if node.connector == "OR" else set()
        parts = []
        for index, child in enumerate(node.children):
            if isinstance(child, SearchNode):
                parts.append(self.node(child, inner))
                continue
            found = self.leaf(node, child[0], child[1], inner)  # ranks even when implied
            if index not in implied:
                parts.append(found)
        if not parts:
            return Q()
        combined = reduce(or_ if node.connector == "OR" else and_, parts)
        return ~combined if node.negated else combined

    def leaf(self, node: SearchNode, expression: str, value: Any, negated: bool) -> Q:
        name, column, filter_type, kind, raw = _leaf(node, expression, value)
        if column in VECTORS:
            return self.text(column, filter_type, kind, raw, negated)
        try:
            model_field = _model_field(column)
        except FieldDoesNotExist as exc:
            raise SearchBackendError(f"the PostgreSQL engine has no field {name!r}") from exc
        values = list(raw) if filter_type == "in" else [raw]
        if column in _ARRAYS and filter_type in ("content", "exact", "in"):
            # Any of the values (a GIN index answers `&&`).
            return Q(**{f"{column}__overlap": [str(v) for v in values]})
        lookups = {"content": "exact", "exact": "exact", "in": "in"}
        lookups.update({op: op for op in ("gt", "gte", "lt", "lte")})
        if filter_type not in lookups or column in _ARRAYS:
            raise SearchBackendError(f"the PostgreSQL engine cannot filter {expression!r}")
        try:
            typed = [model_field.to_python(v) for v in values]
        except ValidationError:
            return Q(pk__in=[])  # source_id="abc" matches nothing, as on Whoosh
        return Q(
            **{f"{column}__{lookups[filter_type]}": typed if filter_type == "in" else typed[0]}
        )

    def text(self, column: str, filter_type: str, kind: str, raw: Any, negated: bool) -> Q:
        if filter_type not in ("content", "exact", "startswith"):
            raise SearchBackendError(f"the PostgreSQL engine cannot search {column}__{filter_type}")
        how = "prefix" if filter_type == "startswith" else "phrase" if kind == "exact" else "words"
        tsquery = tsearch.query(self.analyzers[column], str(raw), how)
        if tsquery is None:
            return Q(pk__in=[])  # only stop words: nothing to find (Whoosh drops the term)
        if not negated:
            self.ranked.setdefault(column, []).append(tsquery)
        accented = column == "text_exact" and _accented(tsquery, self.analyzers["text"], raw, how)
        return _matches(column, tsquery, accented)


def _accented(tsquery: str, folding: Any, raw: Any, how: str) -> bool:
    """Whether an accents-kept tsquery has a term that folding changes."""
    return tsquery != tsearch.query(folding, str(raw), how)


def _implied(node: SearchNode) -> set[int]:
    """The children of an OR whose match another child's match implies: a term on the
    accents-kept vector beside the same term on the folded one. FOLDING is EXACT plus a fold
    per word, so whatever matches 'hà' <-> 'nội' in `text_exact` matches 'ha' <-> 'noi' in
    `text`: the OR is the same without it, and PostgreSQL rechecks one condition fewer per
    matching row (at 100,000 articles "chính phủ" counted in 61 ms instead of 100). The
    child still ranks."""
    leaves: dict[int, tuple[str, tuple[str, str, str]]] = {}
    for index, child in enumerate(node.children):
        if not isinstance(child, SearchNode):
            _, column, filter_type, kind, raw = _leaf(node, child[0], child[1])
            leaves[index] = (column, (filter_type, kind, str(raw)))
    folded = {term for column, term in leaves.values() if column == "text"}
    return {
        index
        for index, (column, term) in leaves.items()
        if column == "text_exact" and term in folded
    }


def _vectors(analyzers: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    """A document's tsvectors, the accents-kept one left empty when it equals the folded one
    (SearchDocument.exact_as_text: `text` then stands in for it)."""
    terms = {name: index_terms(analyzers[name], doc.get(name) or "") for name in VECTORS}
    same = terms["text_exact"] == terms["text"]
    vectors: dict[str, Any] = {
        name: "" if same and name == "text_exact" else tsearch.vector_literal(*found)
        for name, found in terms.items()
    }
    vectors["exact_as_text"] = same
    return vectors


def _leaf(node: SearchNode, expression: str, value: Any) -> tuple[str, str, str, str, Any]:
    """A condition of haystack's tree: (field name, column, filter type, input type, value)."""
    name, filter_type = node.split_expression(expression)
    # haystack's input types (Clean, Exact) keep the caller's value in query_string.
    raw = getattr(value, "query_string", value)
    return name, _COLUMNS.get(name, name), filter_type, getattr(value, "input_type_name", ""), raw


def _matches(column: str, tsquery: str, accented: bool) -> Q:
    """`column @@ tsquery`; on the accents-kept vector, `text` where it stands in for it,
    unless the tsquery has diacritics (`accented`): no folded vector holds such a term, so
    `text` stands in only where the two vectors are equal."""
    found = Q(**{column: _TsQuery(tsquery)})
    if column == "text_exact" and not accented:
        found |= Q(exact_as_text=True, text=_TsQuery(tsquery))
    return found


def _ranked(column: str) -> Combinable:
    # F(column), never the column's name: SearchRank given a name wraps it in to_tsvector()
    # and re-parses the stored text with the default configuration on every row.
    if column == "text_exact":
        return Case(
            When(exact_as_text=True, then=F("text")),
            default=F("text_exact"),
            output_field=SearchVectorField(),
        )
    return F(column)


def _score(ranked: dict[str, list[str]], boosts: dict[str, float]) -> Combinable:
    either = {column: tsearch.either(queries) for column, queries in ranked.items()}
    # No diacritics typed: the folded and the accents-kept fields are asked the same, and
    # where `text` stands in for `text_exact` both ranks are the same number: ranked once and
    # weighed twice (t x 3 is t + t x 2 exactly in floating point).
    shared = "text" in either and either.get("text_exact") == either["text"]
    same = Q(exact_as_text=True)
    ranks: list[Combinable] = []
    for column, query in either.items():
        rank = SearchRank(_ranked(column), _TsQuery(query), normalization=_NORMALIZATION)
        boost = boosts.get(column, 1.0)
        if shared and column == "text":
            both = boost + boosts.get("text_exact", 1.0)
            ranks.append(rank * Case(When(same, then=Value(both)), default=Value(boost)))
        elif shared and column == "text_exact":
            ranks.append(Case(When(same, then=Value(0.0)), default=rank * Value(boost)))
        else:
            ranks.append(rank * Value(boost))
    return reduce(add, ranks)


def _index_fields() -> dict[str, Any]:
    from haystack import connections

    return dict(connections["default"].get_unified_index().all_searchfields())


def _boosts() -> dict[str, float]:
    boosts = {name: float(getattr(f, "boost", 1.0) or 1.0) for name, f in _index_fields().items()}
    # ts_rank has no inverse document frequency: the accents typed, which few articles share,
    # weigh no more than the folded word that many have (BM25F on Whoosh weighs them by
    # rarity). Without this an exact-accent match in the body ranks below a folded match
    # in a shorter title.
    boosts["text_exact"] = boosts.get("text_exact", 1.0) * _EXACT_BOOST
    return boosts


def _model_field(column: str) -> models.Field[Any, Any]:
    found = SearchDocument._meta.get_field(column)
    if not isinstance(found, models.Field):
        raise FieldDoesNotExist(column)
    return found


def _article_id(identifier: str) -> int:
    return int(str(identifier).rsplit(".", 1)[-1])


@contextmanager
def _bounded() -> Iterator[None]:
    """One search's statements, in a transaction of their own (a savepoint inside the
    caller's), with _SETTINGS, so a failed or cancelled statement leaves the caller's
    connection usable; PostgreSQL cancels them when the time budget (search/budget.py) runs
    out, on any thread."""
    left = remaining()
    nested = connection.in_atomic_block
    milliseconds = None if left is None else max(1, int((left - _MARGIN) * 1000))
    wanted = {"statement_timeout": None if milliseconds is None else str(milliseconds)}
    wanted.update(_SETTINGS)
    names = list(wanted)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # Local to the transaction; inside a caller's transaction they are put back
            # after the search (a released savepoint keeps what was set in it). No value
            # for the timeout (no budget): the setting stays as it is.
            cursor.execute(
                "SELECT "
                + ", ".join(f"current_setting('{name}')" for name in names)
                + ", "
                + ", ".join(
                    f"set_config('{name}', coalesce(%s, current_setting('{name}')), true)"
                    for name in names
                ),
                [wanted[name] for name in names],
            )
            previous = cursor.fetchone()[: len(names)]
            yield
            if nested:
                cursor.execute(
                    "SELECT " + ", ".join(f"set_config('{name}', %s, true)" for name in names),
                    list(previous),
                )
    except DatabaseError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == _QUERY_CANCELED:
            raise SearchTimeout("the search took longer than its time budget") from exc
        raise SearchBackendError(f"the PostgreSQL search failed: {exc}") from exc

"""A Whoosh search evaluated a posting block at a time: the same documents, scores, order and
facet counts as Whoosh's own collectors, without their cost per matching document.

Whoosh answers a query by stepping a tree of matchers through the matching documents one at
a time, in Python: each step of each node is a method call (is_active, id, skip_to, score,
next), and each collected document builds a sort key and asks every facet for its value.
The search view needs every match (the total, exact facets and the timeline count the whole
result set), so that per-document cost is paid for all of them: at 100,000 articles ~20 us a
match, 8-9 times the raw query's time for a common word. Here the same matcher tree, built
by Whoosh from the same query, is evaluated node by node on whole sets:
- a term's postings are read block by block (ids and weights decoded together), scored with
  the same BM25F formula and field lengths, and, inside an intersection, only the blocks
  that can hold a candidate are decoded;
- AND, OR, AND MAYBE, AND NOT, NOT, boosts and deleted documents combine dictionaries of
  {document: score}, adding the scores in the order Whoosh's binary matchers add them;
- an intersection evaluates its rarer side first and looks the other side up only for the
  documents that side found (a pasted headline's twenty words cost about what its rarest
  word costs); a phrase checks positions only for documents holding all its words;
- the page is the top N by (-score, article id), as the backend's tie rule asks, and facets
  count the per-segment value lists backend.py caches.
Any matcher this module does not know is stepped through as Whoosh would (correct, slower).
tests/search/test_bulk.py compares every answer with Whoosh's own collector.
"""

from __future__ import annotations

import heapq
import time
import zlib
from array import array
from bisect import bisect_right
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from functools import partial
from io import BytesIO
from itertools import accumulate, chain, compress
from pickle import load, loads
from typing import Any

from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3LeafMatcher,
    _lenfield,
)
from whoosh.formats import Existence
from whoosh.matching import (
    AndMaybeMatcher,
    AndNotMatcher,
    ArrayUnionMatcher,
    ConstantScoreWrapperMatcher,
    FilterMatcher,
    IntersectionMatcher,
    InverseMatcher,
    NullMatcherClass,
    UnionMatcher,
    WrappingMatcher,
)
from whoosh.query.spans import SpanNear2
from whoosh.scoring import BM25FScorer, WeightScorer
from whoosh.searching import Results, ResultsPage
from whoosh.system import _INT_SIZE, unpack_int
from whoosh.util.numeric import byte_to_length

Scores = dict[int, float]

# Wanted documents fewer than this are looked up block by block (skipping blocks without
# any); more, and every block is decoded and filtered.
_SPARSE = 2_000

# Values kept per (index folder, segment, field): segments never change once written.
_CACHE: OrderedDict[tuple[str, str, str], list[Any]] = OrderedDict()
_CACHE_SEGMENT_FIELDS = 256


def segment_values(reader: Any, fieldname: str, build: Callable[[], list[Any]]) -> list[Any]:
    """A per-document list for one segment's field, built once and kept (LRU)."""
    key = (str(getattr(reader.storage(), "folder", "")), reader.segment().segment_id(), fieldname)
    values = _CACHE.get(key)
    if values is None or len(values) != reader.doc_count_all():
        values = _CACHE[key] = build()
        while len(_CACHE) > _CACHE_SEGMENT_FIELDS:
            _CACHE.popitem(last=False)
    _CACHE.move_to_end(key)
    return values


def column_keys(reader: Any, fieldname: str) -> list[Any]:
    """Each document's sort key in a sortable column (what Whoosh sorts and counts by)."""
    column = reader.column_reader(fieldname, translate=False)
    return [column.sort_key(n) for n in range(reader.doc_count_all())]


def _norms(reader: Any, fieldname: str, scorer: Any) -> list[Any]:
    """K1 * ((1 - B) + B * length / average length) per document: BM25F's length part, which
    changes only with the index's average length."""
    k1, b, avgfl = scorer.K1, scorer.B, scorer.avgfl
    lengths = _field_lengths(reader, fieldname)
    return segment_values(
        reader,
        f"\0norm:{fieldname}:{k1!r}:{b!r}:{avgfl!r}",
        lambda: [None if fl is None else k1 * ((1 - b) + b * fl / avgfl) for fl in lengths],
    )


def _field_lengths(reader: Any, fieldname: str) -> list[Any]:
    def build() -> list[Any]:
        perdoc = reader._perdoc
        column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:
            return [1] * reader.doc_count_all()
        return [byte_to_length(b) if b else None for b in column]

    return segment_values(reader, f"\0length:{fieldname}", build)


class Unsupported(Exception):
    """The search asks for something only Whoosh's collectors do (a filter, a categorizer
    that needs the matcher): the caller runs Whoosh's own search."""


def search_page(
    searcher: Any,
    query: Any,
    pagenum: int,
    pagelen: int,
    order_field: str,
    sortedby: Any = None,
    reverse: bool = False,
    groupedby: Any = None,
    **kwargs: Any,
) -> Any:
    """What searcher.search_page(query, pagenum, pagelen, ...) answers, as a ResultsPage.

    Relevance order is (-score, `order_field`); `sortedby` is a list of sortable fields."""
    if pagenum < 1:
        raise ValueError("pagenum must be >= 1")
    if any(value is not None for value in kwargs.values()):
        raise Unsupported(sorted(kwargs))
    sort_fields = _sort_fields(sortedby)
    facets = list(_facets(groupedby))
    started = time.perf_counter()
    # The context Whoosh's collectors would give the query: ranking by score needs each
    # match's score as it is collected ("current"), which decides how Whoosh builds an OR
    # (a tree of unions, or a preloaded array on small indexes) and so what a prefix scores.
    context = searcher.context(needs_current=sort_fields is None)
    limit = pagenum * pagelen
    ranked: list[tuple[Any, int]] = []
    docset: set[int] = set()
    counts: dict[str, Counter[Any]] = {facet.default_name(): Counter() for facet in facets}
    categorizers = [(facet.default_name(), facet, facet.categorizer(searcher)) for facet in facets]
    for subsearcher, offset in searcher.leaf_searchers():
        reader = subsearcher.reader()
        scores = evaluate(query.matcher(subsearcher, context), None, reader)
        if not scores:
            continue
        docset.update(doc + offset for doc in scores)
        if sort_fields is None:
            keys = segment_values(reader, order_field, partial(column_keys, reader, order_field))
            best = heapq.nsmallest(
                limit, scores.items(), key=lambda item: (-item[1], keys[item[0]])
            )
            ranked += [((-score, keys[doc]), doc + offset) for doc, score in best]
        else:
            columns = [
                segment_values(reader, name, partial(column_keys, reader, name))
                for name in sort_fields
            ]
            pick = heapq.nlargest if reverse else heapq.nsmallest
            best_docs = pick(limit, scores, key=lambda doc: tuple(c[doc] for c in columns))
            ranked += [(tuple(c[doc] for c in columns), doc + offset) for doc in best_docs]
        for name, facet, categorizer in categorizers:
            _count(counts[name], facet, categorizer, subsearcher, offset, scores)
    if sort_fields is None:
        ranked.sort()
        top_n = [(-key[0], doc) for key, doc in ranked[:limit]]
    else:
        ranked.sort(reverse=reverse)
        top_n = [(key, doc) for key, doc in ranked[:limit]]
    results = Results(
        searcher,
        query,
        top_n,
        docset=docset,
        facetmaps={name: _Counts(counts[name]) for name in counts},
        runtime=time.perf_counter() - started,
    )
    results._total = len(docset)
    return ResultsPage(results, pagenum, pagelen)


def _sort_fields(sortedby: Any) -> list[str] | None:
    if sortedby is None:
        return None
    names = [sortedby] if isinstance(sortedby, str) else list(sortedby)
    if not names or not all(isinstance(name, str) for name in names):
        raise Unsupported("sortedby")
    return names


def _facets(groupedby: Any) -> Iterable[Any]:
    if not groupedby:
        return []
    if not isinstance(groupedby, (list, tuple)):
        raise Unsupported("groupedby")
    return groupedby


def _count(
    counts: Counter[Any], facet: Any, categorizer: Any, sub: Any, offset: int, docs: Scores
) -> None:
    categorizer.set_searcher(sub, offset)
    if facet.allow_overlap:
        lists = getattr(categorizer, "segment_lists", None)
        if lists is None:
            raise Unsupported(type(categorizer).__name__)
        counts.update(chain.from_iterable(map(lists.__getitem__, docs)))
        return
    keys = getattr(categorizer, "segment_keys", None)
    if keys is None:
        raise Unsupported(type(categorizer).__name__)
    for key, count in Counter(map(keys.__getitem__, docs)).items():
        counts[categorizer.key_to_name(key)] += count


class _Counts:
    """A facet's counts as Whoosh's Count map reports them."""

    def __init__(self, counts: Counter[Any]) -> None:
        self._counts = counts

    def as_dict(self) -> dict[Any, int]:
        return dict(self._counts)


def evaluate(matcher: Any, within: set[int] | None, reader: Any) -> Scores:
    """{document: score} of every document the matcher matches (only those in `within`,
    when given): what stepping it through would give."""
    kind = type(matcher)
    if kind is W3LeafMatcher:
        return _leaf(matcher, within, reader)
    if isinstance(matcher, NullMatcherClass):
        return {}
    if kind is UnionMatcher:
        first = evaluate(matcher.a, within, reader)
        second = evaluate(matcher.b, within, reader)
        for doc, score in second.items():
            first[doc] = first[doc] + score if doc in first else score
        return first
    if kind is IntersectionMatcher:
        a_first = _size(matcher.a, reader) <= _size(matcher.b, reader)
        one, other = (matcher.a, matcher.b) if a_first else (matcher.b, matcher.a)
        found = evaluate(one, within, reader)
        if not found:
            return {}
        rest = evaluate(other, set(found), reader)
        if a_first:
            return {doc: found[doc] + score for doc, score in rest.items()}
        return {doc: score + found[doc] for doc, score in rest.items()}
    if kind is AndMaybeMatcher:
        found = evaluate(matcher.a, within, reader)
        extra = evaluate(matcher.b, set(found), reader) if found else {}
        return {doc: score + extra[doc] if doc in extra else score for doc, score in found.items()}
    if kind is AndNotMatcher:
        found = evaluate(matcher.a, within, reader)
        if found:
            for doc in evaluate(matcher.b, set(found), reader):
                del found[doc]
        return found
    if kind is InverseMatcher:
        return _inverse(matcher, within, reader)
    if kind is FilterMatcher:
        found = evaluate(matcher.child, within, reader)
        ids = matcher._ids
        keep = (lambda doc: doc not in ids) if matcher._exclude else (lambda doc: doc in ids)
        return _boosted({doc: s for doc, s in found.items() if keep(doc)}, matcher.boost)
    if kind is WrappingMatcher:
        return _boosted(evaluate(matcher.child, within, reader), matcher.boost)
    if kind is ConstantScoreWrapperMatcher:
        return dict.fromkeys(evaluate(matcher.child, within, reader), matcher._score)
    if kind is ArrayUnionMatcher:
        # A prefix's terms: each document's scores summed in a float array, in term order.
        totals: Scores = {}
        boost, scored = matcher._boost, matcher._scored
        for sub in matcher._submatchers:
            for doc, score in evaluate(sub, within, reader).items():
                totals[doc] = totals.get(doc, 0.0) + score * boost if scored else 1.0
        return {doc: score for doc, score in totals.items() if score > 0}
    if isinstance(matcher, SpanNear2.SpanNear2Matcher) and _adjacent(matcher):
        return _phrase(matcher, within, reader)
    return _stepped(matcher, within)


def _boosted(scores: Scores, boost: float) -> Scores:
    if boost == 1.0:
        return scores
    return {doc: score * boost for doc, score in scores.items()}


def _size(matcher: Any, reader: Any) -> int:
    """How many documents the matcher may match, at most (to order an intersection)."""
    kind = type(matcher)
    if kind is W3LeafMatcher:
        return int(reader.doc_frequency(*matcher._term))
    if isinstance(matcher, NullMatcherClass):
        return 0
    if kind is UnionMatcher:
        return _size(matcher.a, reader) + _size(matcher.b, reader)
    if kind is IntersectionMatcher:
        return min(_size(matcher.a, reader), _size(matcher.b, reader))
    if kind in (AndMaybeMatcher, AndNotMatcher):
        return _size(matcher.a, reader)
    if kind in (FilterMatcher, WrappingMatcher) or isinstance(matcher, SpanNear2.SpanNear2Matcher):
        return _size(matcher.child, reader)
    return int(reader.doc_count_all())


def _blocks(matcher: Any, within: set[int] | None, values: bool = False) -> Iterable[Any]:
    """(ids, weights, values or None, indexes of the wanted postings) of each posting block
    that may hold a wanted document. The term's postings are read from the file in one call
    and parsed as Whoosh's W3 codec writes them (a signed length, negative for the last
    block; a pickled header (count, max id, max weight, compression, min/max length); the
    pickled (delta-coded ids, weights, values), maybe zlib-compressed). With `within`, blocks
    whose id range holds no wanted document are skipped undecoded, and when the wanted
    documents are many, every block is decoded and filtered instead."""
    length = matcher._length
    if isinstance(length, tuple):
        (length,) = length  # a term read from disk keeps struct.unpack's tuple (Whoosh 2.7.4)
    buf = matcher._postfile.get(matcher._startoffset, length)
    if buf[:4] != WHOOSH3_HEADER_MAGIC:
        raise Unsupported("postings header")
    stream = BytesIO(buf)
    wanted = sorted(within) if within is not None and len(within) < _SPARSE else None
    at = 0
    position = 4
    while True:
        (length,) = unpack_int(buf[position : position + _INT_SIZE])
        last = length < 0
        end = position + _INT_SIZE + abs(length)
        stream.seek(position + _INT_SIZE)
        count, top, _, compressed, _, _ = load(stream)
        position, start = end, stream.tell()
        if wanted is not None:
            if at >= len(wanted):
                return
            if wanted[at] > top:
                if last:
                    return
                continue
            at = bisect_right(wanted, top, at)
        data = buf[start:end]
        ids, weights, found = loads(zlib.decompress(data) if compressed else data)
        if not matcher._byteids:
            ids = list(accumulate(ids))
        if weights is None or isinstance(weights, float):
            # As Whoosh reads them: one weight for the block, as a 32-bit float.
            weights = array("f", [1.0 if weights is None else weights]).tolist() * count
        if within is None:
            picked: Iterable[int] = range(count)
        else:
            picked = list(compress(range(count), map(within.__contains__, ids)))
        yield ids, weights, (found if values else None), picked
        if last:
            return


def _leaf(
    matcher: Any, within: set[int] | None, reader: Any, values: dict[int, Any] | None = None
) -> Scores:
    scorer = matcher.scorer
    wants = values is not None
    scores: Scores = {}
    if type(scorer) is BM25FScorer:
        norms = _norms(reader, matcher._term[0], scorer)
        idf, k1 = scorer.idf, scorer.K1
        for ids, weights, found, picked in _blocks(matcher, within, wants):
            # whoosh.scoring.bm25: idf * ((tf * (K1 + 1)) / (tf + K1 * (...))), the same
            # operations in the same order, K1 * (...) read from the document's norm.
            scores.update(
                (ids[i], idf * ((weights[i] * (k1 + 1)) / (weights[i] + norms[ids[i]])))
                for i in picked
            )
            if values is not None:
                values.update((ids[i], found[i]) for i in picked)
        return scores
    if type(scorer) is WeightScorer:
        if within is not None and not wants:
            by_column = _by_column(matcher, within, reader)
            if by_column is not None:
                return by_column
        for ids, weights, found, picked in _blocks(matcher, within, wants):
            scores.update((ids[i], weights[i]) for i in picked)
            if values is not None:
                values.update((ids[i], found[i]) for i in picked)
        return scores
    if wants:
        raise Unsupported(type(scorer).__name__)
    return _stepped(matcher, within)


def _by_column(matcher: Any, within: set[int], reader: Any) -> Scores | None:
    """A one-value field's term (copy:0, a language, a source) among `within`, read from the
    field's column instead of its postings, which for a value most documents share (copy:0)
    are the whole index. The term's documents are those holding the column value of its
    first document, when as many documents hold that value as the term has postings
    (deleted documents count in both)."""
    fieldname, text = matcher._term
    field = reader.schema[fieldname]
    if (
        not isinstance(field.format, Existence)
        or field.column_type is None
        or field.column_type.stores_lists()
    ):
        return None
    keys = segment_values(reader, fieldname, lambda: column_keys(reader, fieldname))
    ids, weights, _, _ = next(iter(_blocks(matcher, None)))
    value = keys[ids[0]]
    if _tally(reader, fieldname, keys)[value] != reader.doc_frequency(fieldname, text):
        return None
    weight = weights[0]
    return {doc: weight for doc in within if keys[doc] == value}


_TALLIES: OrderedDict[tuple[str, str, str], Counter[Any]] = OrderedDict()


def _tally(reader: Any, fieldname: str, keys: list[Any]) -> Counter[Any]:
    """How many of the segment's documents hold each value of a one-value field."""
    key = (str(getattr(reader.storage(), "folder", "")), reader.segment().segment_id(), fieldname)
    found = _TALLIES.get(key)
    if found is None or sum(found.values()) != len(keys):
        found = _TALLIES[key] = Counter(keys)
        while len(_TALLIES) > _CACHE_SEGMENT_FIELDS:
            _TALLIES.popitem(last=False)
    _TALLIES.move_to_end(key)
    return found


def _decode(value: bytes) -> list[int]:
    # whoosh.formats.Positions.decode_positions: pickled deltas after the count.
    if not value.endswith(b"."):
        value += b"."
    return list(accumulate(loads(value[_INT_SIZE:])))


def _adjacent(matcher: Any) -> bool:
    return bool(
        matcher.slop == 1
        and matcher.ordered
        and matcher.mindist == 1
        and all(_leaf_of(m) is not None for m in matcher.ms)
        and _leaf_of(matcher.ms[0]).format.fixed_value_size() is None
    )


def _leaf_of(matcher: Any) -> Any:
    if type(matcher) is W3LeafMatcher:
        return matcher
    if type(matcher) is FilterMatcher and matcher._exclude and matcher.boost == 1.0:
        return _leaf_of(matcher.child)
    return None


def _phrase(matcher: Any, within: set[int] | None, reader: Any) -> Scores:
    """A phrase's words at consecutive positions; scored as its words' intersection. Each
    word's postings are read once (scores and positions), the rarest word first, each next
    word only for the documents that hold all the words read so far."""
    candidates = within
    scores: dict[int, Scores] = {}
    positions: dict[int, dict[int, Any]] = {}
    for word in sorted(matcher.ms, key=lambda m: _size(m, reader)):
        leaf = _leaf_of(word)
        if word is not leaf and candidates is not None:
            candidates = {doc for doc in candidates if doc not in word._ids}
        found: dict[int, Any] = {}
        scored = _leaf(leaf, candidates, reader, found)
        if word is not leaf:
            deleted = word._ids
            scored = {doc: s for doc, s in scored.items() if doc not in deleted}
        scores[id(word)], positions[id(word)] = scored, found
        candidates = set(scored) if candidates is None else candidates.intersection(scored)
        if not candidates:
            return {}
    if candidates is None:  # a phrase without words
        return {}
    words = [positions[id(word)] for word in matcher.ms]
    matched = set()
    for doc in candidates:
        starts = set(_decode(words[0][doc]))
        for offset, word_positions in enumerate(words[1:], 1):
            starts.intersection_update(p - offset for p in _decode(word_positions[doc]))
            if not starts:
                break
        if starts:
            matched.add(doc)
    return _summed(matcher.child, scores, matched, reader)


def _summed(node: Any, leaves: dict[int, Scores], docs: set[int], reader: Any) -> Scores:
    """The phrase's intersection tree's scores for `docs`, from its words' scores."""
    if id(node) in leaves:
        found = leaves[id(node)]
        return {doc: found[doc] for doc in docs}
    if type(node) is IntersectionMatcher:
        a = _summed(node.a, leaves, docs, reader)
        b = _summed(node.b, leaves, docs, reader)
        return {doc: a[doc] + b[doc] for doc in docs}
    return evaluate(node, docs, reader)


def _inverse(matcher: Any, within: set[int] | None, reader: Any) -> Scores:
    everything: Iterable[int] = range(matcher.limit) if within is None else within
    missing = matcher.missing
    excluded = evaluate(matcher.child, None if within is None else set(within), reader)
    weight = matcher._weight
    return {doc: weight for doc in everything if doc not in excluded and not missing(doc)}


def _stepped(matcher: Any, within: set[int] | None) -> Scores:
    """Whoosh's own way: step through the matcher from its first posting."""
    try:
        matcher.reset()
    except NotImplementedError:
        raise Unsupported(type(matcher).__name__) from None
    found: Scores = {}
    while matcher.is_active():
        doc = matcher.id()
        if within is None or doc in within:
            found[doc] = matcher.score()
        matcher.next()
    return found

"""A Whoosh search evaluated on whole arrays: the same documents, scores, order and facet
counts as Whoosh's own collectors, without their cost per matching document.

Whoosh answers a query by stepping a tree of matchers through the matching documents one at
a time, in Python: each step of each node is a method call (is_active, id, skip_to, score,
next), and each collected document builds a sort key and asks every facet for its value.
The search view needs every match (the total, exact facets and the timeline count the whole
result set), so that per-document cost is paid for all of them: at 100,000 articles ~20 us a
match, 8-9 times the raw query's time for a common word. Here the same matcher tree, built
by Whoosh from the same query in the context its collectors would give it, is evaluated node
by node on sorted arrays of document numbers and their scores (numpy):
- a term's postings are read from the file in one call and decoded a block at a time, and
  scored with BM25F written out in the same floating-point operations, element-wise; inside
  an intersection, blocks whose id range holds no candidate are skipped undecoded;
- AND, OR, AND MAYBE, AND NOT, NOT, boosts, prefixes and deleted documents combine the
  arrays, adding scores in the order Whoosh's matchers add them (so the sums are equal to
  the last bit);
- an intersection evaluates its rarer side first and reads the other side only for the
  documents that side found (a pasted headline's twenty words cost about what its rarest
  word costs); a phrase checks positions only where all its words occur; a term on a field
  with one value per document (copy:0) is read from the field's column;
- the page is the top N by (-score, article id), as the backend's tie rule asks, and facets
  are counted with one bincount per field over the per-segment value codes.
Any matcher this module does not know is stepped through as Whoosh would (correct, slower);
anything else (a filter, a categorizer that needs the matcher) goes to Whoosh's own search.
tests/search/test_bulk.py compares the answers with Whoosh's own collectors.
"""

from __future__ import annotations

import threading
import time
import zlib
from array import array
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable
from io import BytesIO
from itertools import accumulate
from pickle import load, loads
from typing import Any

import numpy as np
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
    ListMatcher,
    NullMatcherClass,
    UnionMatcher,
    WrappingMatcher,
)
from whoosh.query.spans import SpanNear2
from whoosh.scoring import BM25FScorer, WeightScorer
from whoosh.searching import Results, ResultsPage
from whoosh.system import _INT_SIZE, unpack_int
from whoosh.util.numeric import byte_to_length

# (document numbers, sorted and unique; their scores): what a matcher matches in a segment.
Found = tuple[np.ndarray, np.ndarray]
_DOCS = np.int64

# Wanted documents fewer than this are looked up block by block, skipping blocks that hold
# none of them; more, and every block is decoded and filtered.
_SPARSE = 2_000

# Values kept per (index folder, segment, documents, name): segments never change once
# written (deletions are read apart).
_CACHE: OrderedDict[tuple[str, str, int, str], Any] = OrderedDict()
_CACHE_ENTRIES = 512
_CACHE_LOCK = threading.Lock()


def cached(reader: Any, name: str, build: Callable[[], Any]) -> Any:
    """A value computed once per segment (LRU): a column's keys, a field's lengths..."""
    key = (
        str(getattr(reader.storage(), "folder", "")),
        reader.segment().segment_id(),
        reader.doc_count_all(),
        name,
    )
    with _CACHE_LOCK:  # threaded servers (runserver, live tests) search concurrently
        if key in _CACHE:  # None is a value too (a column whose keys are not numbers)
            _CACHE.move_to_end(key)
            return _CACHE[key]
    value = build()
    with _CACHE_LOCK:
        _CACHE[key] = value
        while len(_CACHE) > _CACHE_ENTRIES:
            _CACHE.popitem(last=False)
    return value


def segment_values(reader: Any, fieldname: str, build: Callable[[], list[Any]]) -> list[Any]:
    """A per-document list for one segment's field, built once and kept."""
    return cached(reader, f"values:{fieldname}", build)


def column_keys(reader: Any, fieldname: str) -> list[Any]:
    """Each document's sort key in a sortable column (what Whoosh sorts and counts by)."""
    column = reader.column_reader(fieldname, translate=False)
    return [column.sort_key(n) for n in range(reader.doc_count_all())]


def column_values(reader: Any, fieldname: str) -> list[Any]:
    """The segment's column keys (column_keys), built once and kept: what facets count and
    sorts compare, for Whoosh's categorizers (backend.py) and for this module alike."""
    return segment_values(reader, fieldname, lambda: column_keys(reader, fieldname))


def _codes(reader: Any, fieldname: str) -> tuple[np.ndarray, list[Any]]:
    """A one-value column as (each document's value number, the distinct keys in order)."""

    def build() -> tuple[np.ndarray, list[Any]]:
        numbers: dict[Any, int] = {}
        codes = [numbers.setdefault(key, len(numbers)) for key in column_values(reader, fieldname)]
        return np.array(codes, dtype=np.int32), list(numbers)

    return cached(reader, f"codes:{fieldname}", build)


def _sort_array(reader: Any, fieldname: str) -> np.ndarray | None:
    """The column's sort keys as integers (None if they are not numbers)."""

    def build() -> np.ndarray | None:
        keys = column_values(reader, fieldname)
        if not all(type(key) is int for key in keys):
            return None
        return np.array(keys, dtype=np.int64)

    return cached(reader, f"sort:{fieldname}", build)


def _norms(reader: Any, fieldname: str, scorer: Any) -> np.ndarray:
    """K1 * ((1 - B) + B * length / average length) per document: BM25F's length part, which
    changes only with the index's average length (rebuilt when it changes)."""
    k1, b, avgfl = scorer.K1, scorer.B, scorer.avgfl

    def lengths() -> np.ndarray:
        column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:  # Whoosh's scorer then takes every length as 1
            return np.ones(reader.doc_count_all(), dtype=np.float64)
        return np.array([byte_to_length(byte) for byte in column], dtype=np.float64)

    def build() -> np.ndarray:
        # whoosh.scoring.bm25 computes K1 * ((1 - B) + B * fl / avgfl): the same operations
        # in the same order, element-wise.
        return k1 * ((1 - b) + b * cached(reader, f"lengths:{fieldname}", lengths) / avgfl)

    # One array per segment and field, for the latest parameters: every index update changes
    # the average length, and the arrays of older averages must not pile up in the cache.
    held: dict[str, Any] = cached(reader, f"norms:{fieldname}", dict)
    if held.get("for") != (k1, b, avgfl):
        held["norms"], held["for"] = build(), (k1, b, avgfl)
    return held["norms"]


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
    total = 0
    docset: set[int] = set()
    counts: dict[str, dict[Any, int]] = {facet.default_name(): {} for facet in facets}
    categorizers = [(facet.default_name(), facet, facet.categorizer(searcher)) for facet in facets]
    for subsearcher, offset in searcher.leaf_searchers():
        reader = subsearcher.reader()
        docs, scores = evaluate(query.matcher(subsearcher, context), None, reader)
        if not len(docs):
            continue
        total += len(docs)
        docset.update((docs + offset).tolist())
        ranked += _best(reader, docs, scores, limit, offset, order_field, sort_fields, reverse)
        for name, facet, categorizer in categorizers:
            _count(counts[name], facet, categorizer, subsearcher, offset, docs)
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
    results._total = total
    return ResultsPage(results, pagenum, pagelen)


def _best(
    reader: Any,
    docs: np.ndarray,
    scores: np.ndarray,
    limit: int,
    offset: int,
    order_field: str,
    sort_fields: list[str] | None,
    reverse: bool,
) -> list[tuple[Any, int]]:
    """The segment's first `limit` documents as (sort key, global number)."""
    if sort_fields is None:
        ids = _sort_array(reader, order_field)
        if ids is None:
            keys = column_values(reader, order_field)
            rows = sorted(
                zip(
                    (-scores).tolist(), [keys[d] for d in docs.tolist()], docs.tolist(), strict=True
                )
            )
        else:
            # lexsort: the last key first; -score ascending, then the article id ascending.
            order = np.lexsort((ids[docs], -scores))[:limit]
            rows = list(
                zip(
                    (-scores[order]).tolist(),
                    ids[docs[order]].tolist(),
                    docs[order].tolist(),
                    strict=True,
                )
            )
        return [((score, key), doc + offset) for score, key, doc in rows[:limit]]
    numeric = [_sort_array(reader, name) for name in sort_fields]
    if all(column is not None for column in numeric):
        # Ascending by the fields, then the document (as sorting (keys, document) tuples);
        # reversed, all of it descending, as sorted(..., reverse=True).
        order = np.lexsort([docs, *(column[docs] for column in reversed(numeric))])
        order = order[::-1][:limit] if reverse else order[:limit]
        sort_keys = zip(*(column[docs[order]].tolist() for column in numeric), strict=True)  # type: ignore[index]
        return [
            (key, doc + offset) for key, doc in zip(sort_keys, docs[order].tolist(), strict=True)
        ]
    columns = [column_values(reader, name) for name in sort_fields]
    rows_by_key = sorted(
        ((tuple(column[doc] for column in columns), doc) for doc in docs.tolist()),
        reverse=reverse,
    )
    return [(key, doc + offset) for key, doc in rows_by_key[:limit]]


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
    counts: dict[Any, int], facet: Any, categorizer: Any, sub: Any, offset: int, docs: np.ndarray
) -> None:
    """Add the documents' values of one facet to `counts` (name -> documents)."""
    categorizer.set_searcher(sub, offset)
    reader = sub.reader()
    fieldname = categorizer._fieldname
    if facet.allow_overlap:
        lists = getattr(categorizer, "segment_lists", None)
        if lists is None:
            raise Unsupported(type(categorizer).__name__)
        owners, codes, names = cached(reader, f"flat:{fieldname}", lambda: _flat(lists))
        chosen = np.zeros(len(lists), dtype=bool)
        chosen[docs] = True
        tally = np.bincount(codes[chosen[owners]], minlength=len(names))
    else:
        if getattr(categorizer, "segment_keys", None) is None:
            raise Unsupported(type(categorizer).__name__)
        codes, keys = _codes(reader, fieldname)
        names = cached(
            reader, f"names:{fieldname}", lambda: [categorizer.key_to_name(k) for k in keys]
        )
        tally = np.bincount(codes[docs], minlength=len(names))
    for code in np.flatnonzero(tally).tolist():
        name = names[code]
        counts[name] = counts.get(name, 0) + int(tally[code])


def _flat(lists: list[list[Any]]) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    """A many-values field as (owner document, value number) pairs and the values."""
    numbers: dict[Any, int] = {}
    owners: list[int] = []
    codes: list[int] = []
    for doc, values in enumerate(lists):
        for value in values:
            owners.append(doc)
            codes.append(numbers.setdefault(value, len(numbers)))
    return np.array(owners, dtype=np.int64), np.array(codes, dtype=np.int64), list(numbers)


class _Counts:
    """A facet's counts as Whoosh's Count map reports them."""

    def __init__(self, counts: dict[Any, int]) -> None:
        self._counts = counts

    def as_dict(self) -> dict[Any, int]:
        return dict(self._counts)


_NOTHING: Found = (np.empty(0, dtype=_DOCS), np.empty(0, dtype=np.float64))


def _member(docs: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Which of `docs` are in `among` (both sorted, unique)."""
    if not len(among):
        return np.zeros(len(docs), dtype=bool)
    at = np.searchsorted(among, docs)
    at[at == len(among)] = 0
    return among[at] == docs


def _keep(found: Found, mask: np.ndarray) -> Found:
    return found[0][mask], found[1][mask]


def evaluate(matcher: Any, within: np.ndarray | None, reader: Any, scored: bool = True) -> Found:
    """The documents the matcher matches (only those in `within`, a sorted array, when
    given) and their scores: what stepping it through would give. Not `scored`: only the
    documents count (what an exclusion removes), and the scores of parts that only ever add
    score (AND MAYBE's optional side) are not read."""
    kind = type(matcher)
    if kind is W3LeafMatcher:
        return _leaf(matcher, within, reader)
    if isinstance(matcher, NullMatcherClass):
        return _NOTHING
    if kind is ListMatcher:
        return _listed(matcher, within, reader)
    if kind is UnionMatcher:
        a_docs, a_scores = evaluate(matcher.a, within, reader, scored)
        b_docs, b_scores = evaluate(matcher.b, within, reader, scored)
        docs = np.union1d(a_docs, b_docs)
        scores = np.zeros(len(docs), dtype=np.float64)
        # 0 + a is a, 0 + b is b; a document in both gets a + b, as UnionMatcher.score.
        scores[np.searchsorted(docs, a_docs)] = a_scores
        scores[np.searchsorted(docs, b_docs)] += b_scores
        return docs, scores
    if kind is IntersectionMatcher:
        a_first = _size(matcher.a, reader) <= _size(matcher.b, reader)
        one, other = (matcher.a, matcher.b) if a_first else (matcher.b, matcher.a)
        one_docs, one_scores = evaluate(one, within, reader, scored)
        if not len(one_docs):
            return _NOTHING
        docs, other_scores = evaluate(other, one_docs, reader, scored)
        one_scores = one_scores[np.searchsorted(one_docs, docs)]
        if a_first:
            return docs, one_scores + other_scores
        return docs, other_scores + one_scores
    if kind is AndMaybeMatcher:
        docs, scores = evaluate(matcher.a, within, reader, scored)
        if len(docs) and scored:
            b_docs, b_scores = evaluate(matcher.b, docs, reader)
            scores = scores.copy()
            scores[np.searchsorted(docs, b_docs)] += b_scores
        return docs, scores
    if kind is AndNotMatcher:
        found = evaluate(matcher.a, within, reader, scored)
        if len(found[0]):
            excluded, _ = evaluate(matcher.b, found[0], reader, scored=False)
            found = _keep(found, ~_member(found[0], excluded))
        return found
    if kind is InverseMatcher:
        return _inverse(matcher, within, reader)
    if kind is FilterMatcher:
        found = evaluate(matcher.child, within, reader, scored)
        inside = _member(found[0], _sorted_ids(matcher._ids))
        docs, scores = _keep(found, ~inside if matcher._exclude else inside)
        return docs, _boosted(scores, matcher.boost)
    if kind is WrappingMatcher:
        docs, scores = evaluate(matcher.child, within, reader, scored)
        return docs, _boosted(scores, matcher.boost)
    if kind is ConstantScoreWrapperMatcher:
        docs, _ = evaluate(matcher.child, within, reader, scored=False)
        return docs, np.full(len(docs), matcher._score, dtype=np.float64)
    if kind is ArrayUnionMatcher:
        return _array_union(matcher, within, reader)
    if isinstance(matcher, SpanNear2.SpanNear2Matcher) and _adjacent(matcher):
        return _phrase(matcher, within, reader)
    return _stepped(matcher, within)


def _listed(matcher: Any, within: np.ndarray | None, reader: Any) -> Found:
    """Postings held in memory, unscored: every document (Every(), a browse of the whole
    index). Anything else listed is stepped through."""
    docs = np.array(matcher._ids, dtype=_DOCS)
    ordered = len(docs) < 2 or bool((docs[1:] > docs[:-1]).all())
    if matcher._scorer is not None or not ordered:
        return _stepped(matcher, within)
    # ListMatcher.weight(): one weight for all, else each posting's, else 1.0.
    if matcher._all_weights:
        scores = np.full(len(docs), matcher._all_weights, dtype=np.float64)
    elif matcher._weights:
        scores = np.array(matcher._weights, dtype=np.float64)
    else:
        scores = np.ones(len(docs), dtype=np.float64)
    if within is not None:
        return _keep((docs, scores), _member(docs, within))
    return docs, scores


def _boosted(scores: np.ndarray, boost: float) -> np.ndarray:
    return scores if boost == 1.0 else scores * boost


def _sorted_ids(ids: Iterable[int]) -> np.ndarray:
    return np.array(sorted(ids), dtype=_DOCS)


def _array_union(matcher: Any, within: np.ndarray | None, reader: Any) -> Found:
    """A prefix's terms (PreloadedOr): each document's scores summed in a float array, term
    after term; documents whose sum is not above 0 are not matches."""
    parts = [evaluate(sub, within, reader) for sub in matcher._submatchers]
    if not parts:
        return _NOTHING
    docs = np.unique(np.concatenate([part_docs for part_docs, _ in parts]))
    totals = np.zeros(len(docs), dtype=np.float64)
    for part_docs, part_scores in parts:
        at = np.searchsorted(docs, part_docs)
        if matcher._scored:
            totals[at] += part_scores * matcher._boost
        else:
            totals[at] = 1.0
    return _keep((docs, totals), totals > 0)


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


def _postings(
    matcher: Any, within: np.ndarray | None, values: bool = False, blocks: int = -1
) -> tuple[np.ndarray, np.ndarray, list[Any] | None]:
    """A term's postings (documents, weights, and with `values` its encoded positions) in
    the segment, only those in `within` when given.

    The postings are read from the file in one call and parsed as Whoosh's W3 codec writes
    them: per block a signed length (negative for the last block), a pickled header (count,
    max id, max weight, compression, min/max length), then the pickled (delta-coded ids,
    weights, values), maybe zlib-compressed. Weights are stored as a tuple of floats, or one
    float for the block, which Whoosh reads back as a 32-bit float (array "f"): so here."""
    length = matcher._length
    if isinstance(length, tuple):
        (length,) = length  # a term read from disk keeps struct.unpack's tuple (Whoosh 2.7.4)
    buf = matcher._postfile.get(matcher._startoffset, length)
    if buf[:4] != WHOOSH3_HEADER_MAGIC:
        raise Unsupported("postings header")
    stream = BytesIO(buf)
    wanted = within.tolist() if within is not None and len(within) < _SPARSE else None
    ids: list[int] = []
    weights = array("d")
    found: list[Any] = []
    at = 0
    position = 4
    while True:
        (size,) = unpack_int(buf[position : position + _INT_SIZE])
        last = size < 0
        end = position + _INT_SIZE + abs(size)
        stream.seek(position + _INT_SIZE)
        count, top, _, compressed, _, _ = load(stream)
        start, position = stream.tell(), end
        if wanted is not None:
            if at >= len(wanted):
                break
            if wanted[at] > top:
                if last:
                    break
                continue
            at = bisect_right(wanted, top, at)
        data = buf[start:end]
        block_ids, block_weights, block_values = loads(
            zlib.decompress(data) if compressed else data
        )
        ids.extend(block_ids if matcher._byteids else accumulate(block_ids))
        if block_weights is None or isinstance(block_weights, float):
            one = array("f", [1.0 if block_weights is None else block_weights])[0]
            weights.extend([one] * count)
        else:
            weights.extend(block_weights)
        if values:
            found.extend(block_values)
        blocks -= 1
        if last or not blocks:
            break
    docs = np.array(ids, dtype=_DOCS)
    scores = np.frombuffer(weights, dtype=np.float64) if len(weights) else np.empty(0)
    if within is not None:
        mask = _member(docs, within)
        docs, scores = docs[mask], scores[mask]
        if values:
            found = [value for value, kept in zip(found, mask.tolist(), strict=True) if kept]
    return docs, scores, (found if values else None)


def _leaf(
    matcher: Any, within: np.ndarray | None, reader: Any, values: list[Any] | None = None
) -> Found:
    scorer = matcher.scorer
    if type(scorer) is BM25FScorer:
        docs, weights, found = _postings(matcher, within, values is not None)
        norms = _norms(reader, matcher._term[0], scorer)
        # whoosh.scoring.bm25: idf * ((tf * (K1 + 1)) / (tf + K1 * (...))), element-wise in
        # the same order, K1 * (...) read from the document's norm.
        scores = scorer.idf * ((weights * (scorer.K1 + 1)) / (weights + norms[docs]))
    elif type(scorer) is WeightScorer:
        if values is None:
            by_column = _by_column(matcher, within, reader)
            if by_column is not None:
                return by_column
        docs, scores, found = _postings(matcher, within, values is not None)
    elif values is None:
        return _stepped(matcher, within)
    else:
        raise Unsupported(type(scorer).__name__)
    if values is not None and found is not None:
        values.extend(found)
    return docs, scores


def _by_column(matcher: Any, within: np.ndarray | None, reader: Any) -> Found | None:
    """A one-value field's term (copy:0, a language, a source) (among `within`), read from the
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
    codes, _ = _codes(reader, fieldname)
    head, weight = _first_posting(matcher)
    code = codes[head]
    tally = cached(reader, f"tally:{fieldname}", lambda: np.bincount(codes))
    if int(tally[code]) != reader.doc_frequency(fieldname, text):
        return None
    if within is None:
        docs = np.flatnonzero(codes == code).astype(_DOCS)
    else:
        docs = within[codes[within] == code]
    return docs, np.full(len(docs), weight, dtype=np.float64)


def _first_posting(matcher: Any) -> tuple[int, float]:
    """The term's first document and its weight (its first block only)."""
    docs, weights, _ = _postings(matcher, None, blocks=1)
    if len(docs):
        return int(docs[0]), float(weights[0])
    raise Unsupported("empty postings")


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


def _phrase(matcher: Any, within: np.ndarray | None, reader: Any) -> Found:
    """A phrase's words at consecutive positions; scored as its words' intersection. Each
    word's postings are read once (scores and positions), the rarest word first, each next
    word only for the documents that hold all the words read so far."""
    candidates = within
    words: dict[int, tuple[np.ndarray, np.ndarray, list[Any]]] = {}
    for word in sorted(matcher.ms, key=lambda m: _size(m, reader)):
        leaf = _leaf_of(word)
        found: list[Any] = []
        docs, scores = _leaf(leaf, candidates, reader, found)
        if word is not leaf:
            kept = ~_member(docs, _sorted_ids(word._ids))
            docs, scores = docs[kept], scores[kept]
            found = [value for value, keep in zip(found, kept.tolist(), strict=True) if keep]
        words[id(word)] = (docs, scores, found)
        candidates = docs
        if not len(candidates):
            return _NOTHING
    if candidates is None:  # a phrase without words
        return _NOTHING
    columns = []
    for word in matcher.ms:
        docs, _, found = words[id(word)]
        columns.append([found[i] for i in np.searchsorted(docs, candidates).tolist()])
    matched = []
    for row, encoded in enumerate(zip(*columns, strict=True)):
        starts = set(_decode(encoded[0]))
        for offset, value in enumerate(encoded[1:], 1):
            starts.intersection_update(p - offset for p in _decode(value))
            if not starts:
                break
        if starts:
            matched.append(row)
    docs = candidates[np.array(matched, dtype=np.int64)]
    leaves = {key: (word_docs, word_scores) for key, (word_docs, word_scores, _) in words.items()}
    return docs, _summed(matcher.child, leaves, docs, reader)


def _summed(
    node: Any, leaves: dict[int, tuple[np.ndarray, np.ndarray]], docs: np.ndarray, reader: Any
) -> np.ndarray:
    """The phrase's intersection tree's scores for `docs`, from its words' scores."""
    if id(node) in leaves:
        word_docs, word_scores = leaves[id(node)]
        return word_scores[np.searchsorted(word_docs, docs)]
    if type(node) is IntersectionMatcher:
        return _summed(node.a, leaves, docs, reader) + _summed(node.b, leaves, docs, reader)
    found_docs, found_scores = evaluate(node, docs, reader)
    if len(found_docs) != len(docs):
        raise Unsupported("phrase tree")
    return found_scores


def _inverse(matcher: Any, within: np.ndarray | None, reader: Any) -> Found:
    everything = within if within is not None else np.arange(matcher.limit, dtype=_DOCS)
    excluded, _ = evaluate(matcher.child, within, reader, scored=False)
    docs = everything[~_member(everything, excluded)]
    if reader.has_deletions():
        missing = matcher.missing
        if missing == reader.is_deleted:
            docs = docs[~_member(docs, _sorted_ids(reader._perdoc.deleted_docs()))]
        else:
            docs = np.array([doc for doc in docs.tolist() if not missing(doc)], dtype=_DOCS)
    return docs, np.full(len(docs), matcher._weight, dtype=np.float64)


def _stepped(matcher: Any, within: np.ndarray | None) -> Found:
    """Whoosh's own way: step through the matcher from its first posting."""
    try:
        matcher.reset()
    except NotImplementedError:
        raise Unsupported(type(matcher).__name__) from None
    wanted = None if within is None else set(within.tolist())
    docs: list[int] = []
    scores: list[float] = []
    while matcher.is_active():
        doc = matcher.id()
        if wanted is None or doc in wanted:
            docs.append(doc)
            scores.append(matcher.score())
        matcher.next()
    order = np.argsort(np.array(docs, dtype=_DOCS), kind="stable")
    return np.array(docs, dtype=_DOCS)[order], np.array(scores, dtype=np.float64)[order]

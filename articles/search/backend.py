"""haystack's Whoosh backend, made safe for several processes writing to one index.

Whoosh allows one writer at a time and haystack's backend fails with LockError when a
second process writes (remove) or hands the write to a thread that may never finish
(update via AsyncWriter). Here every write waits for the lock, up to
WRITE_LOCK_TIMEOUT seconds, and raises if it cannot get it: the caller
(articles.indexing) keeps the change queued and retries, so nothing is lost.

Only this module knows about Whoosh. A deployment on PostgreSQL searches with
articles/search/postgres.py instead and never loads this file.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from haystack.backends import whoosh_backend
from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from haystack.constants import ID
from haystack.exceptions import SearchBackendError, SkipDocument
from haystack.utils import get_identifier
from whoosh import fields as whoosh_fields
from whoosh import index as whoosh_index
from whoosh import query as whoosh_query
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.matching import IntersectionMatcher
from whoosh.qparser import FuzzyTermPlugin, QueryParser
from whoosh.query.spans import Span, SpanNear2, SpanWrappingMatcher
from whoosh.sorting import (
    ColumnCategorizer,
    FieldFacet,
    MultiFacet,
    OverlappingCategorizer,
    ScoreFacet,
)
from whoosh.util import make_binary_tree

from articles.search import bulk
from articles.search.bulk import column_values, segment_values
from articles.search.params import DAY_FIELD, FACETS, ORDER_FIELD, YEAR_FIELD
from articles.text import fold

# Facet fields get a per-document column, so counting reads one value per matching document.
# Without a column Whoosh "uninverts" the field on every search: it walks every term's
# postings in the whole index, which grows with the index, not with the result set.
# Besides the facets: story and copy, read when collapsing results and folding copies.
SINGLE_VALUED_FACETS = (
    *(facet.field for facet in FACETS if not facet.multi_valued),
    YEAR_FIELD,
    DAY_FIELD,
    ORDER_FIELD,
    "story",
    "copy",
)
MULTI_VALUED_FACETS = tuple(facet.field for facet in FACETS if facet.multi_valued)
_SEARCH_ATTEMPTS = 5


class ColumnFieldFacet(FieldFacet):
    """haystack asks Whoosh for overlapping facets (multi-valued) on every field. Single-valued
    fields with a column are counted from the column instead, and every facet reads its
    per-document values from a cache kept per segment (segments never change once written),
    so a search costs one list lookup per matching document and facet, not a column or term
    vector read: at 100,000 articles that is what keeps facets from doubling a search."""

    def categorizer(self, global_searcher: Any) -> Any:
        field = global_searcher.schema[self.fieldname]
        if field.column_type is not None and not field.column_type.stores_lists():
            self.allow_overlap = False
            return _CachedColumnCategorizer(global_searcher, self.fieldname)
        if self.allow_overlap and field.vector:
            return _CachedListsCategorizer(global_searcher, self.fieldname)
        return super().categorizer(global_searcher)


class _CachedColumnCategorizer(ColumnCategorizer):
    def set_searcher(self, segment_searcher: Any, docoffset: int) -> None:
        reader = segment_searcher.reader()
        self.segment_keys = column_values(reader, self._fieldname)

    def key_for(self, matcher: Any, segment_docnum: int) -> Any:
        return self.segment_keys[segment_docnum]


class _CachedListsCategorizer(OverlappingCategorizer):
    def set_searcher(self, segment_searcher: Any, docoffset: int) -> None:
        reader = segment_searcher.reader()
        self.segment_lists = segment_values(
            reader, self._fieldname, lambda: _term_lists(reader, self._fieldname)
        )

    def keys_for(self, matcher: Any, docid: int) -> list[Any]:
        return self.segment_lists[docid]

    def key_for(self, matcher: Any, docid: int) -> Any:
        values = self.segment_lists[docid]
        return values[0] if values else None


def _term_lists(reader: Any, fieldname: str) -> list[list[Any]]:
    field = reader.schema[fieldname]
    lists: list[list[Any]] = [[] for _ in range(reader.doc_count_all())]
    for btext in reader.lexicon(fieldname):
        text = field.from_bytes(btext)
        for docid in reader.postings(fieldname, btext).all_ids():
            lists[docid].append(text)
    return lists


# haystack builds its facets with the FieldFacet name it imported; point it at ours.
whoosh_backend.FieldFacet = ColumnFieldFacet


class _AdjacentSpans(SpanNear2.SpanNear2Matcher):
    """A phrase's words at consecutive positions, found by set lookups. Whoosh's general
    span matching (any slop, order, distance) builds and compares Span objects pair by pair:
    most of a Vietnamese search's cost, whose syllables are searched as phrases. Same
    documents, same spans, same scores (the score is the words' intersection's)."""

    def __init__(self, ms: list[Any], slop: int = 1, ordered: bool = True, mindist: int = 1):
        # Not the parent's __init__: it names its class through SpanNear2, i.e. this one.
        self.ms, self.slop, self.ordered, self.mindist = ms, slop, ordered, mindist
        SpanWrappingMatcher.__init__(self, make_binary_tree(IntersectionMatcher, ms))

    def _get_spans(self) -> list[Span]:
        if self.slop != 1 or not self.ordered or self.mindist != 1:
            return list(super()._get_spans())
        starts = set(self.ms[0].value_as("positions"))
        for offset, matcher in enumerate(self.ms[1:], 1):
            if not starts:
                return []
            starts &= {position - offset for position in matcher.value_as("positions")}
        last = len(self.ms) - 1
        return [Span(start, start + last) for start in sorted(starts)]


# Phrase queries build their matcher through this attribute.
SpanNear2.SpanNear2Matcher = _AdjacentSpans


class LockingWhooshBackend(WhooshSearchBackend):
    index: Any  # whoosh.index.FileIndex, set by setup()
    parser: Any  # whoosh.qparser.QueryParser, set by setup()

    def __init__(self, connection_alias: str, **options: Any) -> None:
        super().__init__(connection_alias, **options)
        self.lock_timeout = float(options.get("WRITE_LOCK_TIMEOUT", 60))
        # haystack swallows write errors by default; a lost update must be loud here.
        self.silently_fail = False

    def setup(self) -> None:
        # Two gunicorn workers starting on an empty directory must not both create it.
        try:
            os.makedirs(self.path, exist_ok=True)
            with _file_lock(os.path.join(self.path, "..", f".{os.path.basename(self.path)}.setup")):
                self._open(create=True)
        except OSError:
            # A read-only index (a read-only mount, a full disk): searches still read it.
            # haystack's own setup refuses any index it cannot write, even to search it.
            self._open(create=False)
        # Whoosh reads a part of a compound segment file through mmap by copying the whole
        # part into memory (BytesIO) each time a search opens it: 2.2 of a search's 3.1 s at
        # 100,000 articles. Without mmap it reads the parts in place. (Separate segment files
        # avoid the copy too, but a merge can delete them under a running search.)
        self.storage.supports_mmap = False
        self.parser = _EveryParser(self.parser)
        self.setup_complete = True

    def _open(self, create: bool) -> None:
        from haystack import connections

        self.storage = FileStorage(self.path)
        fields = connections[self.connection_alias].get_unified_index().all_searchfields()
        self.content_field_name, self.schema = self.build_schema(fields)
        self.parser = QueryParser(self.content_field_name, schema=self.schema)
        self.parser.add_plugins([FuzzyTermPlugin])
        try:
            self.index = _StableIndex(self.storage.open_index(schema=self.schema))
        except whoosh_index.EmptyIndexError:
            if not create:
                raise
            self.index = _StableIndex(self.storage.create_index(self.schema))

    def build_schema(self, fields: dict[str, Any]) -> tuple[str, Any]:
        content_field_name, schema = super().build_schema(fields)
        for name in SINGLE_VALUED_FACETS:
            if name not in schema:
                continue
            if isinstance(schema[name], whoosh_fields.NUMERIC):
                schema.remove(name)
                schema.add(name, whoosh_fields.NUMERIC(numtype=int, stored=True, sortable=True))
            else:
                schema.remove(name)
                schema.add(name, whoosh_fields.ID(stored=True, sortable=True))
        for name in MULTI_VALUED_FACETS:
            if name in schema:
                # Term vectors let Whoosh read one document's values without uninverting.
                schema.remove(name)
                schema.add(name, whoosh_fields.KEYWORD(stored=True, commas=True, vector=True))
        return content_field_name, schema

    @contextmanager
    def _writer(self) -> Iterator[Any]:
        self.index = self.index.refresh()
        writer = self.index.writer(timeout=self.lock_timeout, delay=0.05)
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        else:
            writer.commit()

    def update(self, index: Any, iterable: Iterable[Any], commit: bool = True) -> None:
        if not self.setup_complete:
            self.setup()
        docs = list(self._documents(index, iterable))
        if not docs:
            return
        with self._writer() as writer:
            for doc in docs:
                writer.update_document(**doc)

    def apply(self, index: Any, iterable: Iterable[Any], removed: Iterable[str]) -> None:
        """Write the objects' documents and delete the `removed` identifiers: one writer,
        one commit (articles.indexing drains its queue through this)."""
        if not self.setup_complete:
            self.setup()
        with self._writer() as writer, writer.searcher() as existing:
            # Every document of the id goes before the new one is added, so writing an
            # article again never duplicates it and a duplicate left by anything else is
            # repaired (update_document deletes one match only). One searcher for the whole
            # batch: update_document opens one per document, over every segment.
            for doc in self._documents(index, iterable):
                writer.delete_by_term(ID, doc[ID], searcher=existing)
                writer.add_document(**doc)
            for identifier in removed:
                writer.delete_by_term(ID, identifier, searcher=existing)

    def stored_documents(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every document's identifier and stored fields, as written (for verify_index)."""
        if not self.setup_complete:
            self.setup()
        with self.index.refresh().reader() as reader:
            for stored in reader.all_stored_fields():
                yield stored[ID], stored

    def _documents(self, index: Any, iterable: Iterable[Any]) -> Iterator[dict[str, Any]]:
        for obj in iterable:
            try:
                doc = index.full_prepare(obj)
            except SkipDocument:
                continue
            doc.pop("boost", None)
            yield {key: self._from_python(value) for key, value in doc.items()}

    def search(
        self, query_string: str, start_offset: int = 0, end_offset: int | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        # A writer that merges segments deletes the files of the old ones; a search whose
        # table of contents still lists them reads the index again and finds the merged one.
        for attempt in range(_SEARCH_ATTEMPTS):
            try:
                if not self.setup_complete:
                    self.setup()
                return self._search(query_string, start_offset, end_offset, **kwargs)
            except FileNotFoundError:
                if attempt == _SEARCH_ATTEMPTS - 1:
                    raise SearchBackendError("the search index lost files mid-read") from None
                self.index = self.index.refresh()
            except (whoosh_index.IndexError, LockError) as exc:
                # Callers see the engine-neutral error; Whoosh stays inside this module.
                raise SearchBackendError(f"the search index cannot be read: {exc}") from exc
        raise AssertionError("unreachable")

    def _search(
        self, query_string: str, start_offset: int = 0, end_offset: int | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        if len(self.build_models_list()) == 1:
            # haystack limits every search to the registered models with a "narrow query",
            # which Whoosh runs as a search of its own, scoring and sorting every document of
            # the model (the whole index) on each search: 0.1 s of a 0.13 s search at 5,000
            # articles. With one model indexed, every document is of that model already.
            kwargs = {**kwargs, "models": None, "limit_to_registered_models": False}
        # haystack asks Whoosh for page int(start / length) + 1, which is the wrong page
        # when start is not a multiple of the length (haystack refills its cache in steps
        # of 10). Ask for a page size that divides start, then trim.
        if not start_offset or end_offset is None:
            return super().search(
                query_string, start_offset=start_offset or 0, end_offset=end_offset, **kwargs
            )
        wanted = end_offset - start_offset
        size = next((d for d in range(wanted, start_offset + 1) if start_offset % d == 0), 0)
        if size:
            found = super().search(
                query_string, start_offset=start_offset, end_offset=start_offset + size, **kwargs
            )
            found["results"] = found["results"][:wanted]
        else:
            found = super().search(query_string, start_offset=0, end_offset=end_offset, **kwargs)
            found["results"] = found["results"][start_offset:]
        if not found["results"] and not found["hits"]:
            # Past the last page haystack reports 0 hits; the count and facets must still
            # describe the whole result set.
            found = {
                **super().search(query_string, start_offset=0, end_offset=1, **kwargs),
                "results": [],
            }
        return found

    def remove(self, obj_or_string: Any, commit: bool = True) -> None:
        if not self.setup_complete:
            self.setup()
        with self._writer() as writer:
            writer.delete_by_term(ID, get_identifier(obj_or_string))


class _StableIndex:
    """The index as haystack's search code sees it: its searchers rank equal scores by the
    article id (haystack gives Whoosh no sort for relevance, and Whoosh then breaks ties
    by document number, which every rewrite of a document changes)."""

    def __init__(self, index: Any) -> None:
        self._index = index

    def refresh(self) -> _StableIndex:
        return _StableIndex(self._index.refresh())

    def searcher(self, **kwargs: Any) -> _StableSearcher:
        return _StableSearcher(self._index.searcher(**kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._index, name)


# Searches are evaluated a block of postings at a time (search/bulk.py); tests turn it off to
# compare with Whoosh's own collectors.
BULK = True


class _StableSearcher:
    def __init__(self, searcher: Any) -> None:
        self._searcher = searcher

    def search_page(self, query: Any, pagenum: int, pagelen: int = 10, **kwargs: Any) -> Any:
        if BULK:
            try:
                return bulk.search_page(
                    self._searcher, query, pagenum, pagelen, ORDER_FIELD, **kwargs
                )
            except bulk.Unsupported:
                pass  # Whoosh's own collectors answer it
        if kwargs.get("sortedby") is None:
            kwargs["sortedby"] = MultiFacet([ScoreFacet(), ColumnFieldFacet(ORDER_FIELD)])
            page = self._searcher.search_page(query, pagenum, pagelen, **kwargs)
            # A sorted search reports each hit's sort key, here (-score, id): give haystack
            # back the score.
            page.results.top_n = [(-key[0], docnum) for key, docnum in page.results.top_n]
            return page
        return self._searcher.search_page(query, pagenum, pagelen, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._searcher, name)


class _EveryParser:
    """haystack sends "*" for "every document" (no words, or only filters counted apart).
    Whoosh reads "*" as a wildcard over the content field and walks every term's postings,
    18-31 s at 5,000 articles; Every() with no field walks the document ids only."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def parse(self, text: str, *args: Any, **kwargs: Any) -> Any:
        if text.strip() in {"*", "(*)"}:
            return whoosh_query.Every()
        return _score_only(self._inner.parse(text, *args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


# A word's lookups in these fields only add score: folded `text` holds the title and every
# exact-accent form of the word already (text_en, with stems text lacks, still matches).
_SCORING_FIELDS = ("text_exact", "title")


def _score_only(query: Any) -> Any:
    """The query with each word's exact-accent and title lookups made optional (AndMaybe).

    search/query.py looks a word up in four fields at once (OR), and Whoosh's union then
    reads all four postings lists (and for a phrase, all four fields' positions) of every
    document that has the word anywhere. text_exact and title only ever match documents
    text matches too, so they change scores, not results: read them only for the documents
    the matching fields found. The score is the same sum as the OR's.
    """
    if isinstance(query, whoosh_query.Or):
        parts = [_score_only(part) for part in query.subqueries]
        typed = {_words(part) for part in parts if getattr(part, "fieldname", "") == "text"}
        optional: list[Any] = []
        required: list[Any] = []
        for part in parts:
            scoring = getattr(part, "fieldname", "") in _SCORING_FIELDS and _words(part) in typed
            (optional if scoring else required).append(part)
        if optional and required and query.boost == 1 and not (query.scale or query.minmatch):
            return whoosh_query.AndMaybe(_either(required), _either(optional))
        return _either(parts, query)
    return query.apply(_score_only)


def _either(parts: list[Any], like: Any = None) -> Any:
    if len(parts) == 1 and like is None:
        return parts[0]
    if like is None:
        return whoosh_query.Or(parts)
    return like.__class__(parts, boost=like.boost, minmatch=like.minmatch, scale=like.scale)


def _words(query: Any) -> tuple[str, ...]:
    if isinstance(query, whoosh_query.Term):
        return (fold(str(query.text)),)
    if isinstance(query, whoosh_query.Phrase):
        return tuple(fold(str(word)) for word in query.words)
    return ()


class LockingWhooshEngine(WhooshEngine):
    backend = LockingWhooshBackend


@contextmanager
def _file_lock(path: str) -> Iterator[None]:
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

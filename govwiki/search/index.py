"""The search index behind a small interface: documents in, pages of hits out.

Callers speak in `Document`s and `SearchRequest`s only, never in whoosh objects, so that another
backend (PostgreSQL full-text search) can stand in later. The index is derived data: whatever is
in it can be rebuilt from the database. Writers wait for the lock instead of failing at once
(several gunicorn workers share one folder); readers never wait (segments are immutable).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

from markupsafe import Markup, escape
from whoosh import highlight, index, sorting
from whoosh import query as q
from whoosh.fields import DATETIME, ID, NUMERIC, STORED, TEXT, Schema
from whoosh.sorting import FieldFacet

from govwiki.search import query as query_text
from govwiki.search.analysis import bigram_analyzer, word_analyzer

#: seconds a writer waits for another process's lock before giving up (it then retries later)
WRITE_TIMEOUT = 10.0
KINDS = ("page", "proposal", "comment", "consultation")
SNIPPET_CHARS = 240


def schema() -> Schema:
    return Schema(
        key=ID(stored=True, unique=True),
        kind=ID(stored=True),
        title=TEXT(analyzer=word_analyzer(), stored=True, field_boost=2.0),
        body=TEXT(analyzer=word_analyzer(), stored=True),
        cjk=TEXT(analyzer=bigram_analyzer(), phrase=True),
        consultation=NUMERIC(stored=True),
        status=ID(stored=True),
        author=ID(stored=True),
        updated=DATETIME(stored=True, sortable=True),
        slug=STORED(),
    )


@dataclass(frozen=True)
class Document:
    """One searchable thing. `key` is unique across kinds ("page:12"); `consultation` is the id
    of the consultation whose reading rule decides who may see it."""

    key: str
    kind: str
    title: str
    body: str
    consultation: int
    status: str
    author: str
    updated: datetime
    #: the page's slug (page, proposal, comment) or the consultation's: where a link to it goes
    slug: str


@dataclass(frozen=True)
class SearchRequest:
    text: str
    #: ids of the consultations the reader may read (the permission filter; required)
    readable: frozenset[int]
    kinds: tuple[str, ...] = ()
    consultation: int | None = None
    status: str | None = None
    author: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    sort: str = "relevance"  # or "date" (newest first)
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class Hit:
    key: str
    kind: str
    title: str
    #: the page's slug (page, proposal, comment) or the consultation's: where a link to it goes
    slug: str
    consultation: int
    status: str
    author: str
    updated: datetime
    #: HTML: the document's own text escaped, matches in <mark>
    snippet_html: Markup
    score: float


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[Hit] = field(default_factory=list)
    #: facets: documents per kind among all that matched with every filter but the kind's, and
    #: likewise per consultation id and per status
    kinds: dict[str, int] = field(default_factory=dict)
    consultations: dict[int, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)


class SearchIndex:
    """One whoosh index in `folder`, opened once per process."""

    def __init__(self, folder: str):
        self.folder = folder
        self._index = None

    # --- the folder

    def exists(self) -> bool:
        return index.exists_in(self.folder)

    def create(self) -> None:
        os.makedirs(self.folder, exist_ok=True)
        self._index = index.create_in(self.folder, schema())

    def forget(self) -> None:
        """Open the folder afresh next time (it was replaced or set aside)."""
        self._index = None

    def _opened(self):
        if self._index is None:
            self._index = index.open_dir(self.folder)
        return self._index

    # --- writing

    def write(self, documents: list[Document] = (), removed: list[str] = ()) -> None:
        """Put `documents` in (replacing any with the same key) and take `removed` keys out,
        in one commit."""
        with self.batch() as batch:
            batch.remove(removed)
            batch.put(documents)

    @contextmanager
    def batch(self) -> Iterator[Batch]:
        """Hold the index's write lock (waiting up to WRITE_TIMEOUT for another process) for a
        batch of changes, committed together when the block ends, cancelled if it raises. What
        the block reads from the database after the lock is taken is newer than anything an
        earlier batch wrote: that is how two workers never leave an older state in place."""
        writer = self._opened().writer(timeout=WRITE_TIMEOUT, delay=0.05)
        try:
            yield Batch(writer)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    # --- reading

    def search(self, request: SearchRequest) -> SearchResult:
        wanted = query_text.parse(request.text)
        if wanted is None or not request.readable:
            return SearchResult(total=0)
        with self._opened().searcher() as searcher:
            # The permission rule and the filters are part of the query itself, never whoosh's
            # `filter=`: a filter that matches no document is taken as no filter at all
            # (collectors.FilterCollector tests the set for truth), which would show everything.
            facets = {
                name: _counts(searcher, wanted, replace(request, **{request_field: empty}), name)
                for name, request_field, empty in FACETS
            }
            options = {"terms": True}
            if request.sort == "date":
                options.update(sortedby=FieldFacet("updated", reverse=True))
            page = searcher.search_page(
                _within(wanted, request), max(request.page, 1), pagelen=request.per_page, **options
            )
            page.results.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)
            page.results.formatter = highlight.HtmlFormatter(tagname="mark", between=" … ")
            # whoosh answers a page beyond the last with the last one; past the end is empty
            beyond = (max(request.page, 1) - 1) * request.per_page >= page.total
            hits = [] if beyond else [_hit(hit) for hit in page]
            return SearchResult(
                total=page.total,
                hits=hits,
                kinds={kind: facets["kind"].get(kind, 0) for kind in KINDS},
                consultations=facets["consultation"],
                statuses=facets["status"],
            )


class Batch:
    def __init__(self, writer):
        self._writer = writer

    def put(self, documents) -> None:
        for document in documents:
            self._writer.update_document(**_fields(document))

    def remove(self, keys) -> None:
        for key in keys:
            self._writer.delete_by_term("key", key)


def _fields(document: Document) -> dict:
    return {
        "key": document.key,
        "kind": document.kind,
        "title": document.title,
        "body": document.body,
        "cjk": document.title + "\n" + document.body,
        "consultation": document.consultation,
        "status": document.status,
        "author": document.author,
        "updated": _naive_utc(document.updated),
        "slug": document.slug,
    }


#: (index field, the SearchRequest field that filters on it, its value when not filtering)
FACETS = (("kind", "kinds", ()), ("consultation", "consultation", None), ("status", "status", None))


def _counts(searcher, wanted: q.Query, request: SearchRequest, name: str) -> dict:
    """Matching documents per value of the field `name` (all of them, not one page's)."""
    found = searcher.search(
        _within(wanted, request), limit=1, groupedby={name: FieldFacet(name, maptype=sorting.Count)}
    )
    return found.groups(name)


def _within(wanted: q.Query, request: SearchRequest) -> q.Query:
    """`wanted` among what the reader may see and asked to see (scored on `wanted` alone)."""
    clauses = [q.Or([q.Term("consultation", id) for id in sorted(request.readable)])]
    if request.kinds:
        clauses.append(q.Or([q.Term("kind", kind) for kind in request.kinds]))
    if request.consultation is not None:
        clauses.append(q.Term("consultation", request.consultation))
    if request.status:
        clauses.append(q.Term("status", request.status))
    if request.author:
        clauses.append(q.Term("author", request.author))
    if request.since or request.until:
        clauses.append(q.DateRange("updated", _naive_utc(request.since), _naive_utc(request.until)))
    return q.And([wanted, q.ConstantScoreQuery(q.And(clauses), 0.0)])


def _hit(hit) -> Hit:
    snippet = hit.highlights("body", top=2) or hit.highlights("title") or _escaped_start(hit["body"])
    return Hit(
        key=hit["key"],
        kind=hit["kind"],
        title=hit["title"],
        slug=hit["slug"],
        consultation=hit["consultation"],
        status=hit["status"],
        author=hit["author"],
        updated=hit["updated"].replace(tzinfo=timezone.utc),
        snippet_html=Markup(snippet),  # whoosh's formatter escapes the text (tested)
        score=float(hit.score or 0.0),
    )


def _naive_utc(moment: datetime | None) -> datetime | None:
    """whoosh stores naive datetimes: UTC, as the database keeps them."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _escaped_start(text: str) -> str:
    return str(escape(text[:SNIPPET_CHARS]))

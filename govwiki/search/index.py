"""The search index behind a small interface: documents in, pages of hits out.

Callers speak in `Document`s and `SearchRequest`s only, never in whoosh objects, so that another
backend (PostgreSQL full-text search) can stand in later. The index is derived data: whatever is
in it can be rebuilt from the database. Writers wait for the lock instead of failing at once
(several gunicorn workers share one folder); readers never wait (segments are immutable).
"""

from __future__ import annotations

import os
import re
import threading
import time
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

from markupsafe import Markup, escape
from whoosh import highlight, index
from whoosh.fields import DATETIME, ID, NUMERIC, STORED, TEXT, Schema
from whoosh.index import TOC
from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.searching import Searcher

from govwiki.core.bounded_cache import BoundedCache
from govwiki.search import query as query_text
from govwiki.search import ranking, segment_files
from govwiki.search.analysis import bigram_analyzer, word_analyzer
from govwiki.search.scope import Scope, counted, naive_utc, present_consultations

#: seconds a writer waits for another process's lock before giving up (it then retries later)
WRITE_TIMEOUT = 10.0
KINDS = ("page", "proposal", "comment", "consultation")
SNIPPET_CHARS = 240
#: memory of each bulk writer (and of each of its processes) for postings before it spills to disk
BULK_MEMORY_MB = 256
#: answers each process keeps (pages of hits, ~20-40 KB each, totals with facets, and the
#: snippets of hits, under 1 KB each): a commit makes the answers unreachable, not the snippets,
#: and the least recently used leave first
REMEMBERED_ENTRIES, REMEMBERED_BYTES = 8192, 16 * 2**20


segment_files.install()  # a segment's parts are read from its map, not copied (segment_files.py)

#: the name whoosh gives each generation's table of contents (of the index named MAIN)
_TABLE_OF_CONTENTS = re.compile(r"_MAIN_\d+\.toc")


def _remembered() -> BoundedCache:
    """Answers shared by the process's threads. Their keys name the index's state (its folder's
    inode and its generation), so a commit, by any process, or a swapped-in rebuild is never
    answered from before it. A snippet's key names one stored document instead (its segment and
    its number there), which no commit changes; a rebuild makes new segments."""
    return BoundedCache(REMEMBERED_ENTRIES, REMEMBERED_BYTES)


def schema() -> Schema:
    return Schema(
        key=ID(stored=True, unique=True),
        # kind, consultation and status are facets: a column each, so that counting them reads
        # one value per matching document instead of every posting of the field per search
        kind=ID(stored=True, sortable=True),
        title=TEXT(analyzer=word_analyzer(), stored=True, field_boost=2.0),
        body=TEXT(analyzer=word_analyzer(), stored=True),
        cjk=TEXT(analyzer=bigram_analyzer(), phrase=True),
        consultation=NUMERIC(stored=True, sortable=True),
        status=ID(stored=True, sortable=True),
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
        #: each thread's open searcher (whoosh's are not shared between threads)
        self._readers = threading.local()
        self._remembered = _remembered()

    # --- the folder

    def exists(self) -> bool:
        """Whether the folder holds an index's table of contents. Asked before every search,
        so it only lists the folder (whoosh's `exists_in` opens the index, reading and unpickling
        the table: ~1 ms); a damaged table is found by the search that reads it."""
        try:
            return any(_TABLE_OF_CONTENTS.fullmatch(name) for name in os.listdir(self.folder))
        except (FileNotFoundError, NotADirectoryError):
            return False

    def create(self) -> None:
        os.makedirs(self.folder, exist_ok=True)
        self._index = index.create_in(self.folder, schema())

    def forget(self) -> None:
        """Open the folder afresh next time (it was replaced or set aside)."""
        self._index = None
        self._readers = threading.local()
        self._remembered = _remembered()

    def _opened(self):
        if self._index is None:
            self._index = index.open_dir(self.folder)
        return self._index

    def _searcher(self):
        """This thread's searcher, made again only when the index has changed (checking that it
        is current is a directory listing). A new one opens only the segments that changed:
        opening a segment reads its files (~20 ms for all of a large index), so the segments a
        commit left as they were keep their readers, with their facet columns. A rebuild swaps
        in another folder under the same name, whose generation may equal the old one's: the
        folder's inode tells them apart, and nothing of the old folder is kept."""
        here, folder = self._readers, os.stat(self.folder).st_ino
        searcher = getattr(here, "searcher", None)
        if searcher is not None and here.folder == folder and searcher.up_to_date():
            return searcher
        swapped = getattr(here, "folder", folder) != folder
        if swapped:
            self._index = None
            if searcher is not None:
                searcher.close()
        kept = here.segments if searcher is not None and not swapped else {}
        here.searcher, here.segments = _reopened(self._opened(), kept)
        here.folder = folder
        # the facets' column readers of the open segments (keyed by their reader)
        open_readers = {reader for reader, _ in here.segments.values()}
        columns = getattr(here, "columns", {}) if kept else {}
        here.columns = {key: value for key, value in columns.items() if key[0] in open_readers}
        return here.searcher

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

    @contextmanager
    def bulk(self, procs: int = 1) -> Iterator[Batch]:
        """One writer for a whole rebuild of this index, which must be new and written by no one
        else: documents are added (there is nothing to replace) and committed once when the
        block ends, cancelled if it raises. With `procs` > 1, that many child processes analyse
        the documents, each writing a segment of its own (whoosh's multi-process writer; the
        children inherit jieba's dictionary when it was loaded before)."""
        options = {"procs": procs, "multisegment": True} if procs > 1 else {}
        writer = self._opened().writer(limitmb=BULK_MEMORY_MB, **options)
        try:
            yield Batch(writer, fresh=True)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    # --- reading

    def search(self, request: SearchRequest) -> SearchResult:
        """The page of hits `request` asks for. An answer is a function of the request (which
        names what its reader may read) and of the index's state alone, so it is remembered
        until the next commit: a word in every document costs a pass over every posting (the
        exact total and the facets) and a scored pass that cannot skip blocks, ~1 s on 110,000
        documents, once per state of the index instead of once per reader. The result is
        shared between requests: callers read it and never change it."""
        wanted = query_text.parse(request.text)
        if wanted is None or not request.readable:
            return SearchResult(total=0)
        searcher = self._searcher()
        state = (self._readers.folder, searcher.reader().generation())
        return self._remembered.get_or_make(
            (state, "page", request), lambda: self._page(searcher, wanted, request, state)
        )

    def _page(self, searcher, wanted, request: SearchRequest, state: tuple) -> SearchResult:
        # The permission rule and the filters are part of the query (scope.py), never `filter=`.
        scope = Scope(wanted, present_consultations(searcher))
        # The total and the facets do not depend on the order or the page: paging through a
        # common word's hits counts them once.
        total, facets = self._remembered.get_or_make(
            (state, "counted", replace(request, sort="relevance", page=1, per_page=0)),
            lambda: counted(searcher, scope, request, self._readers.columns, self._remembered),
        )
        # Only the top documents up to this page are ranked, segment by segment, each segment's
        # kept from one state to the next (ranking.py); the total came from the counting pass.
        first = (max(request.page, 1) - 1) * request.per_page
        limit = max(first + request.per_page, 1)
        found = ranking.top(searcher, scope.query(request), limit, request.sort == "date", self._remembered)
        found.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)
        found.formatter = highlight.HtmlFormatter(tagname="mark", between=" … ")
        where, asked = _stored_place(searcher), repr(wanted)

        def snippet(hit) -> str:
            # A snippet depends on the stored text and the words asked alone, so it outlives the
            # state: after a commit, only hits in new segments are highlighted (analysing their
            # text again) while the rest come from here.
            return self._remembered.get_or_make(("snippet", *where(hit.docnum), asked), lambda: _snippet(hit))

        return SearchResult(
            total=total,
            hits=[_hit(hit, snippet(hit)) for hit in found[first : first + request.per_page]],
            kinds={kind: facets["kind"].get(kind, 0) for kind in KINDS},
            consultations=facets["consultation"],
            statuses=facets["status"],
        )


def _reopened(opened, kept: dict) -> tuple:
    """A searcher of the index's latest state, and its segments' readers by segment id (each
    with the deleted documents it was opened with). A reader in `kept` serves again only when its
    segment's deletions are unchanged: whoosh's own `Searcher.refresh` matches segments by id
    alone, so a document updated in an old segment would show twice. Readers of segments that
    are gone or changed are closed."""
    for attempt in range(10):
        try:
            segments, toc = _segment_readers(opened, kept)
            break
        except OSError:  # a writer removed a merged segment's files as we read: read again
            if attempt == 9:
                raise
            time.sleep(0.05)
    for segment_id, (reader, _) in kept.items():
        if segments.get(segment_id, (None,))[0] is not reader:
            reader.close()
    readers = [reader for reader, _ in segments.values()]
    # always a MultiReader, so the generation is the state's even when one reader was kept
    joined = MultiReader(readers, generation=toc.generation) if readers else EmptyReader(toc.schema)
    return Searcher(joined, fromindex=opened), segments


def _segment_readers(opened, kept: dict) -> tuple[dict, TOC]:
    """The latest table of contents, and a reader for each of its segments (from `kept` where
    the segment is unchanged); what it opened is closed again if it fails."""
    toc = TOC.read(opened.storage, opened.indexname, schema=opened.schema)
    segments, fresh = {}, []
    try:
        for segment in toc.segments:
            deleted = frozenset(segment.deleted_docs())
            reader, was_deleted = kept.get(segment.segment_id(), (None, None))
            if reader is None or was_deleted != deleted:
                reader = SegmentReader(opened.storage, toc.schema, segment, generation=toc.generation)
                fresh.append(reader)
            segments[segment.segment_id()] = (reader, deleted)
    except BaseException:
        for reader in fresh:
            reader.close()
        raise
    return segments, toc


class Batch:
    def __init__(self, writer, fresh: bool = False):
        self._writer = writer
        #: a new index: add without looking for an older document of the same key
        self._add = writer.add_document if fresh else writer.update_document

    def put(self, documents) -> None:
        for document in documents:
            self._add(**_fields(document))

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
        "updated": naive_utc(document.updated),
        "slug": document.slug,
    }


def _stored_place(searcher):
    """A function: a hit's document number → (its segment's id, its number in that segment),
    which name one stored document for the segment's life, whatever other segments come and go
    (the searcher's own numbers shift when they do)."""
    leaves = list(searcher.reader().leaf_readers())
    starts = [start for _, start in leaves]
    names = [reader.segment() and reader.segment().segment_id() for reader, _ in leaves]

    def where(docnum: int) -> tuple[str, int]:
        leaf = bisect_right(starts, docnum) - 1
        return names[leaf], docnum - starts[leaf]

    return where


def _snippet(hit) -> str:
    return hit.highlights("body", top=2) or hit.highlights("title") or _escaped_start(hit["body"])


def _hit(hit, snippet: str) -> Hit:
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


def _escaped_start(text: str) -> str:
    return str(escape(text[:SNIPPET_CHARS]))

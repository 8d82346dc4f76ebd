"""The top hits of a search, ranked segment by segment and kept from one state of the index to
the next.

whoosh ranks with BM25F, whose corpus statistics (how many documents hold a word, a field's
average length) are the whole index's: every commit changes them a little, so every document's
score, and the first search for a common word after each commit scored all of that word's
documents again (~1 s on 110,000). Here the statistics come from the index's *base* only, its
large segments (at least 1/BASE_SHARE of the largest one's documents), which a commit leaves as
they are: it adds a small segment and marks deletions in the old ones. A document's score then
stays what it was until the base changes (a merge into a large segment, a rebuild), so each
segment's top hits for a query are kept, like its counts (scope.py), and the first search after
a commit ranks only the commit's own segment and merges. Statistics of the base rank like the
whole index's (the small segments are a small share of it), and every worker reads the same
ones from the same segments: whichever worker answers, the pages of a search agree.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from math import log

from whoosh import scoring
from whoosh.searching import Results, Searcher
from whoosh.sorting import FieldFacet

from govwiki.core.bounded_cache import BoundedCache

#: a segment is part of the base when it holds at least 1/BASE_SHARE of the largest one's documents
BASE_SHARE = 4
#: a segment's matches ranked and kept per document asked for: an update deletes its old version
#: where it was, and the kept list serves until deletions leave fewer than asked for
KEPT_PER_ASKED = 2


def top(searcher, wanted, limit: int, by_date: bool, remembered: BoundedCache) -> Results:
    """The first `limit` documents matching `wanted` in `searcher`'s state, by relevance or
    newest first (`by_date`), as whoosh's results (for the hits' stored fields and highlights)."""
    leaves = [(leaf.reader(), offset) for leaf, offset in searcher.leaf_searchers()]
    base = _base([reader for reader, _ in leaves])
    weighting = SteadyBM25F(Statistics(base))
    asked = (tuple(sorted(reader.segment().segment_id() for reader in base)), repr(wanted), by_date)
    ranked = []
    for reader, offset in leaves:
        for key, docnum in _segment_top(reader, wanted, limit, weighting, asked, remembered):
            ranked.append((key, offset + docnum))
    # whoosh's own orders: the higher score first, or the lower sort key; then the lower number
    ranked.sort(key=(lambda entry: entry) if by_date else (lambda entry: (-entry[0], entry[1])))
    return Results(searcher, wanted, ranked[:limit])


def _base(readers: list) -> list:
    """The segments whose statistics rank every document: the large ones (none when the index
    has no segment at all)."""
    readers = [reader for reader in readers if reader.segment() is not None]
    largest = max((reader.doc_count_all() for reader in readers), default=0)
    return [reader for reader in readers if reader.doc_count_all() * BASE_SHARE >= largest]


class Statistics:
    """BM25F's corpus statistics over a few segments' readers: their documents, deleted ones
    included, as whoosh counts them (a deletion changes no segment's files)."""

    def __init__(self, readers: list):
        self._readers = readers
        self._documents = sum(reader.doc_count_all() for reader in readers)
        self._idf: dict[tuple, float] = {}

    def idf(self, fieldname: str, text) -> float:
        """whoosh's own formula (scoring.WeightingModel.idf)."""
        key = (fieldname, text)
        if key not in self._idf:
            holding = sum(reader.doc_frequency(fieldname, text) for reader in self._readers)
            self._idf[key] = log(self._documents / (holding + 1)) + 1 if self._documents else 1.0
        return self._idf[key]

    def average_length(self, fieldname: str) -> float:
        total = sum(reader.field_length(fieldname) for reader in self._readers)
        return total / (self._documents or 1) or 1


class SteadyBM25F(scoring.BM25F):
    """whoosh's BM25F (same B and K1) with `statistics` for the corpus's."""

    def __init__(self, statistics: Statistics):
        super().__init__()
        self.statistics = statistics

    def scorer(self, searcher, fieldname, text, qf=1):
        if not searcher.schema[fieldname].scorable:
            return scoring.WeightScorer.for_(searcher, fieldname, text)
        B = self._field_B.get(fieldname, self.B)
        return _SteadyScorer(searcher, fieldname, text, B, self.K1, self.statistics, qf)


class _SteadyScorer(scoring.BM25FScorer):
    def __init__(self, searcher, fieldname, text, B, K1, statistics: Statistics, qf=1):
        # what BM25FScorer.__init__ does, with these statistics for the top searcher's
        self.idf = statistics.idf(fieldname, text)
        self.avgfl = statistics.average_length(fieldname)
        self.B, self.K1, self.qf = B, K1, qf
        self.setup(searcher, fieldname, text)


@dataclass(frozen=True)
class _SegmentTop:
    """A segment's best matches while `deleted` were its deleted documents."""

    deleted: frozenset[int]
    #: (score or sort key, number in the segment), best first
    ranked: list[tuple[float, int]]
    #: the segment has no other matches
    complete: bool

    def weight(self) -> int:
        return sys.getsizeof(self.ranked) + 72 * len(self.ranked) + 32 * len(self.deleted)


def _segment_top(reader, wanted, limit: int, weighting: SteadyBM25F, asked: tuple, remembered: BoundedCache):
    """One segment's first `limit` matches. Its documents and their scores stay as they were
    while the base does (`asked` names it, with the query and the order); only deletions come,
    and a deleted document leaves the list without changing the others' order. A list kept
    earlier serves while it still holds `limit` documents or all the segment's matches."""
    if reader.segment() is None:
        return _ranked_afresh(reader, wanted, limit, weighting, asked[2], frozenset()).ranked
    key = ("segment top", reader.segment().segment_id(), *asked)
    deleted = reader.deleted_docs_set
    earlier = remembered.get(key)
    if earlier is not None and earlier.deleted <= deleted:
        gone = deleted - earlier.deleted
        ranked = [entry for entry in earlier.ranked if entry[1] not in gone] if gone else earlier.ranked
        if len(ranked) >= limit or earlier.complete:
            if gone:
                remembered.put(key, _SegmentTop(deleted, ranked, earlier.complete), _SegmentTop.weight)
            return ranked[:limit]
    found = _ranked_afresh(reader, wanted, limit * KEPT_PER_ASKED, weighting, asked[2], deleted)
    return remembered.put(key, found, _SegmentTop.weight).ranked[:limit]


def _ranked_afresh(
    reader, wanted, kept: int, weighting, by_date: bool, deleted: frozenset[int]
) -> _SegmentTop:
    # whoosh skips the blocks of postings that cannot reach the first `kept`
    options = {"sortedby": FieldFacet("updated", reverse=True)} if by_date else {}
    leaf = Searcher(reader, weighting=weighting, closereader=False)
    ranked = [(key, docnum) for key, docnum in leaf.search(wanted, limit=kept, **options).top_n]
    return _SegmentTop(deleted, ranked, complete=len(ranked) < kept)

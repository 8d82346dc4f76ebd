"""What one search covers and counts: the permission rule and the filters as part of the query,
and the total with the facets, counted in one unscored pass over the matches.

The permission rule is in the query itself, never whoosh's `filter=`: a filter that matches no
document is taken as no filter at all (collectors.FilterCollector tests the set for truth), which
would show everything.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from whoosh import query as q

from govwiki.search.exclusion import Excluding

if TYPE_CHECKING:
    from govwiki.core.bounded_cache import BoundedCache
    from govwiki.search.index import SearchRequest

#: (index field, the SearchRequest field that filters on it, its value when not filtering)
FACETS = (("kind", "kinds", ()), ("consultation", "consultation", None), ("status", "status", None))


def counted(
    searcher, scope: Scope, request: SearchRequest, columns: dict, remembered: BoundedCache
) -> tuple[int, dict[str, dict]]:
    """How many documents match `request`, and the facets: per value of each facet's field, the
    documents matching with every filter but that facet's own. Facets whose filter is not set
    count the same documents as the request: one unscored pass counts them all together. Each
    segment's count is kept in `remembered` (see `_segment_count`)."""
    passes: dict[SearchRequest, list[str]] = {request: []}
    for name, request_field, empty in FACETS:
        passes.setdefault(replace(request, **{request_field: empty}), []).append(name)
    total, facets = 0, {}
    for asked, names in passes.items():
        matched, counts = _count(searcher, scope.query(asked), names, columns, remembered)
        facets.update(counts)
        if asked == request:
            total = matched
    return total, facets


def _count(
    searcher, wanted: q.Query, names: list[str], columns: dict, remembered: BoundedCache
) -> tuple[int, dict[str, dict]]:
    """Documents matching `wanted` (deleted ones never match), and how many per value of each
    field in `names`: the sums of every segment's."""
    counts: dict[str, Counter] = {name: Counter() for name in names}
    matched, asked = 0, (repr(wanted), tuple(names))
    for leaf, _ in searcher.leaf_searchers():
        part = _segment_count(
            leaf, wanted, asked, lambda: [_values(leaf, name, columns) for name in names], remembered
        )
        matched += part.matched
        for name in names:
            counts[name].update(part.tallies[name])
    return matched, {name: {value: n for value, n in tally.items() if n} for name, tally in counts.items()}


@dataclass(frozen=True)
class _SegmentCount:
    """What matched in one segment while `deleted` were its deleted documents."""

    deleted: frozenset[int]
    #: the matching documents' numbers in the segment, ascending
    matches: array
    #: per field asked: documents per value
    tallies: dict[str, Counter]

    @property
    def matched(self) -> int:
        return len(self.matches)

    def weight(self) -> int:
        """Bytes held, counted quicker than the cache's walk of every number would."""
        values = sum(len(tally) for tally in self.tallies.values())
        return (
            sys.getsizeof(self.matches) + sys.getsizeof(self.deleted) + 32 * len(self.deleted) + 160 * values
        )


def _segment_count(
    leaf, wanted: q.Query, asked: tuple, columns: Callable[[], list], remembered: BoundedCache
) -> _SegmentCount:
    """One segment's matches and tallies. A segment's documents never change, only which are
    deleted (an update deletes the old version where it stands and adds the new one to a new
    segment), so a count made earlier serves every later state of the index: the documents
    deleted since are taken out of it. A commit then costs a pass over its own new segment, not
    over every posting of a common word. (Should a deletion ever be undone, it is counted again.)
    `columns()` gives each asked field's docnum → value in this segment."""
    reader = leaf.reader()
    if reader.segment() is None:  # an index with no segment at all: nothing to keep
        return _counted_afresh(leaf, wanted, asked[1], columns(), frozenset())
    key = ("segment count", reader.segment().segment_id(), *asked)
    deleted = reader.deleted_docs_set
    earlier = remembered.get(key)
    if earlier is not None and earlier.deleted <= deleted:
        gone = [docnum for docnum in deleted - earlier.deleted if _holds(earlier.matches, docnum)]
        if not gone:
            return earlier
        return remembered.put(key, _without(earlier, gone, deleted, columns()), _SegmentCount.weight)
    return remembered.put(
        key, _counted_afresh(leaf, wanted, asked[1], columns(), deleted), _SegmentCount.weight
    )


def _counted_afresh(
    leaf, wanted: q.Query, names: tuple, values: list, deleted: frozenset[int]
) -> _SegmentCount:
    matches = array("l", wanted.matcher(leaf, leaf.boolean_context()).all_ids())
    tallies = {name: Counter(value(docnum) for docnum in matches) for name, value in zip(names, values)}
    return _SegmentCount(deleted, matches, tallies)


def _holds(matches: array, docnum: int) -> bool:
    at = bisect_left(matches, docnum)
    return at < len(matches) and matches[at] == docnum


def _without(earlier: _SegmentCount, gone: list[int], deleted: frozenset[int], values: list) -> _SegmentCount:
    removed = set(gone)
    tallies = {name: Counter(tally) for name, tally in earlier.tallies.items()}
    for tally, value in zip(tallies.values(), values):
        tally.subtract(value(docnum) for docnum in gone)
    matches = array("l", (docnum for docnum in earlier.matches if docnum not in removed))
    return _SegmentCount(deleted, matches, tallies)


def _values(leaf, name: str, columns: dict):
    """docnum → the field's value in this segment: its column, or (an index made before the
    facets had columns) the stored fields."""
    reader = leaf.reader()
    if not reader.has_column(name):
        return lambda docnum: reader.stored_fields(docnum)[name]
    if (reader, name) not in columns:
        columns[reader, name] = reader.column_reader(name, translate=True).__getitem__
    return columns[reader, name]


def present_consultations(searcher) -> frozenset[int]:
    """The consultation ids the index holds documents of (deleted ones' included)."""
    field = searcher.schema["consultation"]
    return frozenset(
        field.from_bytes(term) for term in field.sortable_terms(searcher.reader(), "consultation")
    )


@dataclass(frozen=True)
class Scope:
    """`wanted` and what the index holds, to limit to what a reader may see and asked to see."""

    wanted: q.Query
    present: frozenset[int]

    def query(self, request: SearchRequest) -> q.Query:
        """`wanted` among what the reader may see and asked to see (scored on `wanted` alone).
        The permission rule names the fewer consultations: the readable ones the index holds, or
        the unreadable ones to leave out; none when the reader may read all it holds (as anyone
        may on a site without private consultations), so that whoosh can skip blocks."""
        clauses, hidden = [], self.present - request.readable
        shown = self.present & request.readable
        if hidden and len(shown) <= len(hidden):
            clauses.append(q.Or([q.Term("consultation", id) for id in sorted(shown)]))
        if request.kinds:
            clauses.append(q.Or([q.Term("kind", kind) for kind in request.kinds]))
        if request.consultation is not None:
            clauses.append(q.Term("consultation", request.consultation))
        if request.status:
            clauses.append(q.Term("status", request.status))
        if request.author:
            clauses.append(q.Term("author", request.author))
        if request.since or request.until:
            clauses.append(q.DateRange("updated", naive_utc(request.since), naive_utc(request.until)))
        found = q.And([self.wanted, q.ConstantScoreQuery(q.And(clauses), 0.0)]) if clauses else self.wanted
        if hidden and len(shown) > len(hidden):
            found = Excluding(found, q.Or([q.Term("consultation", id) for id in sorted(hidden)]))
        return found


def naive_utc(moment: datetime | None) -> datetime | None:
    """whoosh stores naive datetimes: UTC, as the database keeps them."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)

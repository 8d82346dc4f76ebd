"""What one search covers and counts: the permission rule and the filters as part of the query,
and the total with the facets, counted in one unscored pass over the matches.

The permission rule is in the query itself, never whoosh's `filter=`: a filter that matches no
document is taken as no filter at all (collectors.FilterCollector tests the set for truth), which
would show everything.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from whoosh import query as q

if TYPE_CHECKING:
    from govwiki.search.index import SearchRequest

#: (index field, the SearchRequest field that filters on it, its value when not filtering)
FACETS = (("kind", "kinds", ()), ("consultation", "consultation", None), ("status", "status", None))


def counted(searcher, scope: Scope, request: SearchRequest, columns: dict) -> tuple[int, dict[str, dict]]:
    """How many documents match `request`, and the facets: per value of each facet's field, the
    documents matching with every filter but that facet's own. Facets whose filter is not set
    count the same documents as the request: one unscored pass counts them all together."""
    passes: dict[SearchRequest, list[str]] = {request: []}
    for name, request_field, empty in FACETS:
        passes.setdefault(replace(request, **{request_field: empty}), []).append(name)
    total, facets = 0, {}
    for asked, names in passes.items():
        matched, counts = _count(searcher, scope.query(asked), names, columns)
        facets.update(counts)
        if asked == request:
            total = matched
    return total, facets


def _count(searcher, wanted: q.Query, names: list[str], columns: dict) -> tuple[int, dict[str, dict]]:
    """Documents matching `wanted` (deleted ones never match), and how many per value of each
    field in `names`, read from the fields' columns segment by segment (`columns` keeps the
    column readers for the searcher's life: opening one reads an offset per document)."""
    counts: dict[str, Counter] = {name: Counter() for name in names}
    matched = 0
    for leaf, _ in searcher.leaf_searchers():
        matcher = wanted.matcher(leaf, leaf.boolean_context())
        values = [(counts[name], _values(leaf, name, columns)) for name in names]
        for docnum in matcher.all_ids():
            matched += 1
            for tally, value in values:
                tally[value(docnum)] += 1
    return matched, {name: dict(tally) for name, tally in counts.items()}


def _values(leaf, name: str, columns: dict):
    """docnum → the field's value in this segment: its column, or (an index made before the
    facets had columns) the stored fields."""
    reader = leaf.reader()
    if not reader.has_column(name):
        return lambda docnum: reader.stored_fields(docnum)[name]
    if (id(reader), name) not in columns:
        columns[id(reader), name] = reader.column_reader(name, translate=True).__getitem__
    return columns[id(reader), name]


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
            found = q.AndNot(found, q.Or([q.Term("consultation", id) for id in sorted(hidden)]))
        return found


def naive_utc(moment: datetime | None) -> datetime | None:
    """whoosh stores naive datetimes: UTC, as the database keeps them."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)

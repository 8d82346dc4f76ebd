"""One page of a union of item sources, sorted and counted in SQL (timelines, the inbox).

Each source selects `kind`, `id`, `at` and `rank` columns; the union is ordered newest first
(ties broken by rank, then id), so the page and its exact total come from the database, never
from filtering a page of rows in Python.
"""

from __future__ import annotations

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session


def page_of_union(session: Session, sources, page: int, per_page: int) -> tuple[list, int]:
    """Return the (kind, id) rows of page `page` of the sources' union, and the union's total."""
    union = union_all(*sources).subquery()
    total = session.scalar(select(func.count()).select_from(union))
    rows = session.execute(
        select(union.c.kind, union.c.id)
        .order_by(union.c.at.desc(), union.c.rank.desc(), union.c.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return rows, total

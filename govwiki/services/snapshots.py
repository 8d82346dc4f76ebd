"""The text as opened for consultation and as adopted: which revision of each page it was."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from govwiki.models import Consultation, Page, Snapshot
from govwiki.services import clock
from govwiki.services.upsert import insert_or_ignore


def take(session: Session, consultation: Consultation, kind: str) -> None:
    """Record each page's head as the `kind` text; the first record of a kind stays (a
    consultation reopened after closing keeps the text it was first opened with)."""
    heads = session.execute(select(Page.id, Page.head_number).where(Page.consultation_id == consultation.id))
    for page_id, head in heads:
        insert_or_ignore(
            session,
            Snapshot.__table__,
            {
                "consultation_id": consultation.id,
                "kind": kind,
                "page_id": page_id,
                "revision_number": head,
                "taken_at": clock.now(),
            },
            ["consultation_id", "kind", "page_id"],
        )


def revisions(session: Session, consultation: Consultation, kind: str) -> dict[int, int]:
    """Map page id → revision number of the `kind` snapshot (pages added later are absent)."""
    rows = session.execute(
        select(Snapshot.page_id, Snapshot.revision_number).where(
            Snapshot.consultation_id == consultation.id, Snapshot.kind == kind
        )
    )
    return dict(rows.all())


def opened(session: Session, consultation: Consultation) -> tuple[dict[int, int], set[int]]:
    """Map page id → revision number of the text as opened, and the ids of pages added later.

    A page added after the consultation opened went before the public with its first revision,
    which the snapshot taken at opening could not name: that revision is its text as opened.
    (The adopted text has no such rule: a page absent from the adoption was not adopted.)"""
    found = revisions(session, consultation, "opened")
    if consultation.opens_at is None:
        return found, set()
    later = set(
        session.scalars(
            select(Page.id).where(
                Page.consultation_id == consultation.id, Page.head_number > 0, Page.id.not_in(list(found))
            )
        )
    )
    return {**found, **dict.fromkeys(later, 1)}, later

"""Watchlists and in-app notifications, grouped so that a busy consultation buries nobody.

Edits of one page reach each watcher as one entry per page per day, whose count grows with each
edit; status changes and decisions on someone's proposal are entries of their own. Notifying
joins the caller's transaction.
"""
from __future__ import annotations

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from govwiki.models import Consultation, Notification, Page, Proposal, Revision, User, Watch
from govwiki.services import clock
from govwiki.services.upsert import insert_or_ignore, insert_or_update


def watch(session: Session, user: User, *, consultation: Consultation | None = None, page: Page | None = None) -> None:
    """Start watching a consultation or a page (watching twice is harmless)."""
    insert_or_ignore(
        session, Watch.__table__,
        {"user_id": user.id, "consultation_id": consultation.id if consultation else None,
         "page_id": page.id if page else None, "created_at": clock.now()},
    )
    session.commit()


def _target(consultation: Consultation | None, page: Page | None):
    return Watch.consultation_id == consultation.id if consultation else Watch.page_id == page.id


def unwatch(session: Session, user: User, *, consultation: Consultation | None = None, page: Page | None = None) -> None:
    """Stop watching a consultation or a page."""
    session.execute(delete(Watch).where(Watch.user_id == user.id, _target(consultation, page)))
    session.commit()


def is_watching(session: Session, user: User | None, *, consultation: Consultation | None = None, page: Page | None = None) -> bool:
    if user is None:
        return False
    return session.scalar(select(Watch.id).where(Watch.user_id == user.id, _target(consultation, page))) is not None


def _watchers(session: Session, consultation: Consultation, page: Page | None) -> list[int]:
    targets = [Watch.consultation_id == consultation.id]
    if page is not None:
        targets.append(Watch.page_id == page.id)
    return list(session.scalars(select(Watch.user_id).where(or_(*targets)).distinct()))


def _notify(session: Session, user_id: int, kind: str, group_key: str, details: dict, **subject) -> None:
    at = clock.now()
    insert_or_update(
        session, Notification.__table__,
        {"user_id": user_id, "kind": kind, "group_key": group_key, "details": details, "count": 1,
         "created_at": at, "updated_at": at, "read_at": None, **subject},
        ["user_id", "group_key"],
        lambda new: {"count": Notification.__table__.c.count + 1, "details": new.details,
                     "updated_at": new.updated_at, "read_at": None},
    )


def revision_saved(session: Session, page: Page, revision: Revision, actor: User) -> None:
    """Tell the page's and consultation's watchers (not the editor) of a new revision."""
    day = clock.now().date().isoformat()
    details = {"revision": revision.number, "by": actor.display_name, "page_title": page.title}
    for user_id in _watchers(session, page.consultation, page):
        if user_id != actor.id:
            _notify(session, user_id, "page_edited", f"page_edited:{page.id}:{day}", details,
                    consultation_id=page.consultation_id, page_id=page.id)


def status_changed(session: Session, consultation: Consultation, actor: User | None, old: str, new: str) -> None:
    """Tell the consultation's watchers that its status changed."""
    stamp = clock.now().isoformat()
    details = {"from": old, "to": new, "title": consultation.title}
    for user_id in _watchers(session, consultation, None):
        if actor is None or user_id != actor.id:
            _notify(session, user_id, "status_changed", f"status:{consultation.id}:{new}:{stamp}",
                    details, consultation_id=consultation.id)


def proposal_decided(session: Session, proposal: Proposal, kind: str) -> None:
    """Tell a proposer what became of their proposal (merged, partly merged, rejected)."""
    page = proposal.page
    details = {"page_title": page.title, "reason": proposal.reason, "revision": proposal.merged_revision}
    _notify(session, proposal.author_id, kind, f"proposal:{proposal.id}:{kind}", details,
            consultation_id=page.consultation_id, page_id=page.id, proposal_id=proposal.id)


def unread_count(session: Session, user: User) -> int:
    return session.scalar(
        select(func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def list_notifications(session: Session, user: User, *, page: int = 1, per_page: int = 50):
    """One page of the user's notifications, most recently updated first, and the total."""
    query = select(Notification).where(Notification.user_id == user.id)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    items = session.scalars(
        query.order_by(Notification.updated_at.desc(), Notification.id.desc())
        .offset((page - 1) * per_page).limit(per_page)
    )
    return list(items), total


def mark_read(session: Session, user: User, ids: list[int] | None = None) -> int:
    """Mark some (or all) of the user's notifications read; return how many changed."""
    statement = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if ids is not None:
        statement = statement.where(Notification.id.in_(ids))
    changed = session.execute(statement.values(read_at=clock.now())).rowcount
    session.commit()
    return changed

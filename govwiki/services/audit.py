"""The append-only audit log of privileged actions, chained by hashes.

Each event stores the hash of the event before it and its own hash over its content and that
previous hash. Appending first updates the single `audit_head` row, which takes the write lock
(PostgreSQL row lock, SQLite database lock) before the previous hash is read, so concurrent
appends queue up instead of forking the chain. The append joins the caller's transaction: the
event exists exactly when the action it records does.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from govwiki.models import AuditEvent, AuditHead, Consultation, Page, User
from govwiki.services import clock
from govwiki.services.upsert import insert_or_ignore

GENESIS = "0" * 64


def event_hash(event: AuditEvent) -> str:
    """The hash of an event's content and the hash before it."""
    content = {
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "action": event.action,
        "consultation_id": event.consultation_id,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record(
    session: Session,
    actor: User | None,
    action: str,
    *,
    subject_type: str,
    subject_id,
    consultation: Consultation | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Append an event in the caller's transaction (the caller commits)."""
    previous = _lock_head(session)
    event = AuditEvent(
        at=clock.now(),
        actor_id=actor.id if actor else None,
        action=action,
        consultation_id=consultation.id if consultation else None,
        subject_type=subject_type,
        subject_id=str(subject_id),
        details=details or {},
        prev_hash=previous,
    )
    event.hash = event_hash(event)
    session.add(event)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=event.hash))
    return event


def _lock_head(session: Session) -> str:
    bump = update(AuditHead).where(AuditHead.id == 1).values(count=AuditHead.count + 1)
    if not session.execute(bump).rowcount:
        # The very first event: create the head row (once, even when two arrive together).
        insert_or_ignore(session, AuditHead.__table__, {"id": 1, "hash": GENESIS, "count": 0}, ["id"])
        session.execute(bump)
    return session.scalar(select(AuditHead.hash).where(AuditHead.id == 1))


@dataclass(frozen=True)
class Problem:
    event_id: int
    what: str


def verify(session: Session, published: tuple[int, str] | None = None) -> list[Problem]:
    """Walk the chain from the first event; report every row that does not fit, a stored head
    (count and hash) that does not match the chain's end, and a `published` head (the number
    and hash of an event, written down elsewhere earlier) that the chain no longer holds.

    What this can and cannot prove is in the README ("The audit log")."""
    problems: list[Problem] = []
    expected_prev = last_hash = GENESIS
    held = 0
    seen_published = published is None
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(500):
        held += 1
        if event.prev_hash != expected_prev:
            problems.append(
                Problem(event.id, "does not follow the event before it (a row was removed or reordered)")
            )
        if event_hash(event) != event.hash:
            problems.append(Problem(event.id, "its content does not match its hash (the row was edited)"))
        if published is not None and held == published[0]:
            seen_published = event.hash == published[1]
        expected_prev = last_hash = event.hash
    problems += _head_problems(session.get(AuditHead, 1), held, last_hash, explained=bool(problems))
    if not seen_published:
        number, hash_ = published
        problems.append(
            Problem(
                0,
                f"the published head (event {number}, {hash_[:12]}…) is not in the chain"
                " (events were removed or rewritten since it was published)",
            )
        )
    return problems


def _head_problems(head: AuditHead | None, held: int, last_hash: str, *, explained: bool) -> list[Problem]:
    """The stored head must name the chain's last event and count every event. A wrong count
    is reported only when nothing else explains it (a removed row also changes the count)."""
    if head is None:
        return [Problem(0, f"the head is missing but the chain holds {held} events")] if held else []
    if head.hash != last_hash:
        return [
            Problem(
                0, "the head does not match the newest event (the chain was truncated, or the head rewound)"
            )
        ]
    problems = []
    if head.count != held and not explained:
        why = "events were removed at the end" if head.count > held else "the head was rewound"
        problems.append(Problem(0, f"the head counts {head.count} events but the chain holds {held} ({why})"))
    return problems


def head(session: Session) -> tuple[int, str]:
    """The stored head: how many events the chain holds and the newest one's hash (to publish)."""
    stored = session.get(AuditHead, 1)
    return (stored.count, stored.hash) if stored is not None else (0, GENESIS)


def list_events(
    session: Session, *, consultation: Consultation | None = None, page: int = 1, per_page: int = 50
):
    """One page of events, newest first, and the total."""
    query = select(AuditEvent)
    if consultation is not None:
        query = query.where(AuditEvent.consultation_id == consultation.id)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    items = session.scalars(
        query.order_by(AuditEvent.id.desc()).offset((page - 1) * per_page).limit(per_page)
    )
    return list(items), total


@dataclass(frozen=True)
class Subjects:
    """What a page of audit events is about, loaded at once so that each event can name it."""

    consultations: dict[int, Consultation]
    #: by slug: page events name their page by slug, proposal events in `details["page"]`
    pages: dict[str, Page]
    #: by username: member and role events name the person by username
    users: dict[str, User]


def subjects(session: Session, events: list[AuditEvent]) -> Subjects:
    """Load the consultations, pages and people the events refer to (three queries at most)."""
    consultation_ids = {e.consultation_id for e in events if e.consultation_id}
    slugs = {e.subject_id for e in events if e.subject_type == "page"}
    slugs |= {
        e.details["page"]
        for e in events
        if isinstance(e.details, dict) and isinstance(e.details.get("page"), str)
    }
    names = {e.subject_id for e in events if e.subject_type == "user"}
    return Subjects(
        {c.id: c for c in _load(session, Consultation, Consultation.id, consultation_ids)},
        {p.slug: p for p in _load(session, Page, Page.slug, slugs)},
        {u.username: u for u in _load(session, User, User.username, names)},
    )


def _load(session: Session, model, key, values: set) -> list:
    return list(session.scalars(select(model).where(key.in_(sorted(values))))) if values else []

"""The public record of a consultation: its timeline, each person's contributions, and the
audit log for those who may read it.

A timeline draws on several tables (revisions, proposals, decisions on proposals, audit events).
Each source contributes `(kind, at, id)` rows; a UNION ALL of them is sorted and paged in SQL,
and only the rows of the requested page are then loaded. Paging through a consultation with
100,000 revisions costs what paging through one with ten does.

Comments are entries too (`comment`, and `official_response` for the consultation's answers),
except deleted ones; their text comes only through `services.discussion_record`, which never
quotes a hidden comment (the timeline is the same for every reader).

Decisions on proposals and reverts are told from the proposal and revision rows, which carry
the reason, the official and the revision where the text landed; the audit events recorded
for them (`proposal_merged`, `revision_reverted`, …) would only repeat those entries, so the
timeline takes from the audit log just the events no other table tells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Integer, String, func, literal_column, or_, select
from sqlalchemy.orm import Session, defer, selectinload

from govwiki.core import policy
from govwiki.core.policy import Decision
from govwiki.models import AuditEvent, Comment, Consultation, Page, Proposal, Revision, User
from govwiki.services import access, clock, discussion_record
from govwiki.services.errors import refusal
from govwiki.services.union_pages import page_of_union

#: audit actions shown on the public timeline (the rest are told by other tables, or private)
TIMELINE_ACTIONS = ("status_changed", "member_added", "consultation_created", "consultation_updated")
#: what a decided proposal's status (and partial flag) is called on the timeline
DECISION_TYPES = {
    ("merged", False): "proposal_merged",
    ("merged", True): "proposal_partly_merged",
    ("rejected", False): "proposal_rejected",
    ("withdrawn", False): "proposal_withdrawn",
}
#: among entries with the same time, newest first means: events, decisions, revisions, proposals
_RANK = {"event": 4, "decision": 3, "revision": 2, "proposal": 1, "comment": 0}
_EMAIL = re.compile(r"[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+")


@dataclass(frozen=True)
class TimelineItem:
    """One entry of a timeline or a contribution list.

    `type` is `revision`, `proposal` (submitted), a decision (`proposal_merged`,
    `proposal_partly_merged`, `proposal_rejected`, `proposal_withdrawn`), `comment` or
    `official_response` (a reply the consultation posted as its answer), or an audit action
    from TIMELINE_ACTIONS. `actor` is who did it (the proposer for a submission, the official
    for a decision); `subject` the person a `member_added` event is about.
    """

    type: str
    at: datetime
    actor: User | None
    consultation: Consultation | None = None
    page: Page | None = None
    revision: Revision | None = None
    proposal: Proposal | None = None
    subject: User | None = None
    details: dict = field(default_factory=dict)
    comment: Comment | None = None


def _source(kind: str, at, row_id, *conditions, joins=()):
    query = select(
        literal_column(f"'{kind}'", String).label("kind"),
        literal_column(str(_RANK[kind]), Integer).label("rank"),
        at.label("at"),
        row_id.label("id"),
    )
    for target, on in joins:
        query = query.join(target, on)
    return query.where(*conditions)


def consultation_history(
    session: Session, consultation: Consultation, page: int = 1, per_page: int = 50
) -> tuple[list[TimelineItem], int]:
    """One page of everything that happened in the consultation, newest first, and the total.

    The caller has checked that the reader may read the consultation."""
    in_consultation = Page.consultation_id == consultation.id
    on_page = [(Page, Page.id == Proposal.page_id)]
    sources = [
        _source(
            "revision",
            Revision.created_at,
            Revision.id,
            in_consultation,
            joins=[(Page, Page.id == Revision.page_id)],
        ),
        _source("proposal", Proposal.created_at, Proposal.id, in_consultation, joins=on_page),
        _source(
            "decision",
            func.coalesce(Proposal.decided_at, Proposal.updated_at),
            Proposal.id,
            in_consultation,
            Proposal.status != "open",
            joins=on_page,
        ),
        _source(
            "event",
            AuditEvent.at,
            AuditEvent.id,
            AuditEvent.consultation_id == consultation.id,
            AuditEvent.action.in_(TIMELINE_ACTIONS),
        ),
        _source(
            "comment",
            Comment.created_at,
            Comment.id,
            in_consultation,
            discussion_record.IN_RECORD,
            joins=[(Page, Page.id == Comment.page_id)],
        ),
    ]
    rows, total = page_of_union(session, sources, page, per_page)
    return _load(session, rows), total


def user_contributions(
    session: Session, viewer: User | None, user: User, page: int = 1, per_page: int = 50
) -> tuple[list[TimelineItem], int]:
    """One page of the revisions, proposals and comments `user` wrote, newest first, and the total,
    counting only consultations `viewer` may read (the rest stay invisible)."""
    readable = access.readable_filter(viewer)
    sources = [
        _source(
            "revision",
            Revision.created_at,
            Revision.id,
            Revision.author_id == user.id,
            readable,
            joins=[
                (Page, Page.id == Revision.page_id),
                (Consultation, Consultation.id == Page.consultation_id),
            ],
        ),
        _source(
            "proposal",
            Proposal.created_at,
            Proposal.id,
            Proposal.author_id == user.id,
            readable,
            joins=[
                (Page, Page.id == Proposal.page_id),
                (Consultation, Consultation.id == Page.consultation_id),
            ],
        ),
        _source(
            "comment",
            Comment.created_at,
            Comment.id,
            Comment.author_id == user.id,
            discussion_record.IN_RECORD,
            readable,
            joins=[
                (Page, Page.id == Comment.page_id),
                (Consultation, Consultation.id == Page.consultation_id),
            ],
        ),
    ]
    rows, total = page_of_union(session, sources, page, per_page)
    return _load(session, rows), total


# --- loading one page of rows ------------------------------------------------------------------


def _load(session: Session, rows) -> list[TimelineItem]:
    """Build the items of one page, loading each table's rows with one query."""
    wanted: dict[str, list[int]] = {}
    for kind, row_id in rows:
        wanted.setdefault(kind, []).append(row_id)
    revisions = _by_id(
        session,
        Revision,
        wanted.get("revision"),
        Revision.author,
        Revision.merged_by,
        skip=(Revision.body, Revision.blame),
    )
    proposals = _by_id(
        session,
        Proposal,
        wanted.get("proposal", []) + wanted.get("decision", []),
        Proposal.author,
        Proposal.decided_by,
        Proposal.page,
        skip=(Proposal.body,),
    )
    events = _by_id(session, AuditEvent, wanted.get("event"), AuditEvent.actor)
    comments = discussion_record.load(session, wanted.get("comment"))
    pages = _by_id(
        session,
        Page,
        [r.page_id for r in revisions.values()]
        + [p.page_id for p in proposals.values()]
        + [c.page_id for c in comments.values()],
        Page.consultation,
    )
    members = _members(session, events.values())
    consultations = _by_id(
        session, Consultation, [e.consultation_id for e in events.values() if e.consultation_id]
    )
    build = {
        "revision": lambda i: _revision_item(revisions[i], pages[revisions[i].page_id]),
        "proposal": lambda i: _proposal_item(proposals[i], pages[proposals[i].page_id]),
        "decision": lambda i: _decision_item(proposals[i], pages[proposals[i].page_id]),
        "event": lambda i: _event_item(events[i], members, consultations.get(events[i].consultation_id)),
        "comment": lambda i: _comment_item(comments[i], pages[comments[i].page_id]),
    }
    return [build[kind](row_id) for kind, row_id in rows]


def _by_id(session: Session, model, ids, *relations, skip=()) -> dict:
    """Rows by id with their `relations`; the `skip` columns (page texts) load only if read."""
    if not ids:
        return {}
    options = [selectinload(r) for r in relations] + [defer(column) for column in skip]
    query = select(model).where(model.id.in_(set(ids))).options(*options)
    return {row.id: row for row in session.scalars(query)}


def _members(session: Session, events) -> dict[str, User]:
    names = {e.subject_id for e in events if e.subject_type == "user"}
    if not names:
        return {}
    return {u.username: u for u in session.scalars(select(User).where(User.username.in_(names)))}


def _revision_item(revision: Revision, page: Page) -> TimelineItem:
    details = {
        "summary": revision.summary,
        "size": revision.size,
        "merged_by": revision.merged_by,
        "reverted_to": revision.reverted_to,
        "merged_from_base": revision.merged_from_base,
        "proposal": revision.proposal_id,
        "parent": revision.parent_number,
    }
    return TimelineItem(
        "revision",
        revision.created_at,
        revision.author,
        page.consultation,
        page,
        revision=revision,
        details=details,
    )


def _proposal_item(proposal: Proposal, page: Page) -> TimelineItem:
    details = {
        "summary": proposal.summary,
        "base_revision": proposal.base_number,
        "status": proposal.status,
        "partial": bool(proposal.partial),
    }
    return TimelineItem(
        "proposal",
        proposal.created_at,
        proposal.author,
        page.consultation,
        page,
        proposal=proposal,
        details=details,
    )


def _decision_item(proposal: Proposal, page: Page) -> TimelineItem:
    kind = DECISION_TYPES.get((proposal.status, bool(proposal.partial and proposal.status == "merged")))
    actor = proposal.decided_by or (proposal.author if proposal.status == "withdrawn" else None)
    details = {
        "author": proposal.author,
        "reason": proposal.reason,
        "merged_revision": proposal.merged_revision,
        "declined": len(proposal.declined or []),
    }
    return TimelineItem(
        kind or f"proposal_{proposal.status}",
        proposal.decided_at or proposal.updated_at,
        actor,
        page.consultation,
        page,
        proposal=proposal,
        details=details,
    )


def _comment_item(comment: Comment, page: Page) -> TimelineItem:
    kind = "official_response" if comment.official else "comment"
    return TimelineItem(
        kind,
        comment.created_at,
        comment.author,
        page.consultation,
        page,
        details=discussion_record.details(comment),
        comment=comment,
    )


def _event_item(
    event: AuditEvent, members: dict[str, User], consultation: Consultation | None
) -> TimelineItem:
    subject = members.get(event.subject_id) if event.subject_type == "user" else None
    return TimelineItem(
        event.action,
        event.at,
        event.actor,
        consultation,
        subject=subject,
        details=public_details(event.details),
    )


# --- the audit log -----------------------------------------------------------------------------


def audit_decision(
    session: Session, actor: User | None, consultation: Consultation | None = None
) -> Decision:
    """May `actor` read the audit log (of one consultation, or the whole site when None)?"""
    role = actor.role if actor is not None else None
    if consultation is None:
        return policy.audit_decision(role)
    situation = consultation.situation(clock.now())
    return policy.audit_decision(role, access.member_role(session, actor, consultation), situation)


def audit_log(
    session: Session,
    actor: User | None,
    consultation: Consultation | None = None,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[AuditEvent], int]:
    """One page of audit events, newest first, and the total; raises unless the actor may read them."""
    verdict = audit_decision(session, actor, consultation)
    if not verdict:
        raise refusal(verdict.reason)
    query = select(AuditEvent)
    if consultation is not None:
        query = query.where(AuditEvent.consultation_id == consultation.id)
    else:  # the read rule, as everywhere (for an admin it lets everything through)
        readable = select(Consultation.id).where(access.readable_filter(actor))
        query = query.where(
            or_(AuditEvent.consultation_id.is_(None), AuditEvent.consultation_id.in_(readable))
        )
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    events = session.scalars(
        query.options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return list(events), total


def public_details(details) -> dict:
    """An event's details without e-mail addresses (an invitation may have recorded one)."""
    if not isinstance(details, dict):
        return {}
    return {
        key: redact(value)
        for key, value in details.items()
        if "email" not in key.lower() and "e-mail" not in key.lower()
    }


def redact(value):
    """A value with any e-mail address in it withheld."""
    if isinstance(value, str):
        return _EMAIL.sub("[address withheld]", value)
    if isinstance(value, list):
        return [redact(item) for item in value]
    if isinstance(value, dict):
        return public_details(value)
    return value

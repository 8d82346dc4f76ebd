"""The feedback inbox of a consultation: everything it received, for its officials.

Received means written by someone other than the consultation's officials: comments (not
deleted, never the consultation's own official replies) and proposals on its pages, together,
newest first. A comment is answered once an official marked it so; a proposal once it was
decided (merged, rejected or withdrawn). Each official marks items read for themselves
(inbox_reads, one row per person and item by its unique constraint).

Like the timeline, each kind contributes `(kind, at, id)` rows; their UNION ALL is filtered,
counted and paged in SQL, and only the rows of the requested page are loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, String, and_, delete, exists, func, literal_column, or_, select, union_all
from sqlalchemy.orm import Session, defer, selectinload

from govwiki.core.messages import Message
from govwiki.core.policy import Action
from govwiki.models import Comment, Consultation, InboxRead, Membership, Page, Proposal, User
from govwiki.services import clock, discussion_anchors
from govwiki.services.access import require
from govwiki.services.errors import Invalid
from govwiki.services.union_pages import page_of_union
from govwiki.services.upsert import insert_or_ignore

KINDS = ("comment", "proposal")
STATUSES = ("unanswered", "answered", "all")
#: the most items one request marks read (one page of the longest list)
MAX_MARKED = 200


@dataclass(frozen=True)
class Filters:
    """Which part of the inbox to show: one page's items, by answer status, of one kind."""

    page: Page | None = None
    status: str = "all"
    kind: str | None = None


@dataclass(frozen=True)
class InboxItem:
    kind: str
    at: datetime
    page: Page
    author: User
    #: the calling official has marked it read
    read: bool
    #: a comment marked answered, or a decided proposal
    answered: bool
    comment: Comment | None = None
    proposal: Proposal | None = None

    @property
    def id(self) -> int:
        return (self.comment or self.proposal).id


def check_filters(session: Session, consultation: Consultation, *, page_slug=None, status=None, kind=None):
    """The filters from a request's values, or 422 naming each one that is not valid."""
    fields, page = {}, None
    if page_slug:
        page = session.scalar(
            select(Page).where(Page.consultation_id == consultation.id, Page.slug == page_slug)
        )
        if page is None:
            fields["page_slug"] = Message("no such page in this consultation")
    if status and status not in STATUSES:
        fields["status"] = Message("must be one of: %(choices)s", choices=", ".join(STATUSES))
    if kind and kind not in KINDS:
        fields["kind"] = Message("must be one of: %(choices)s", choices=", ".join(KINDS))
    if fields:
        raise Invalid(fields)
    return Filters(page, status or "all", kind or None)


def inbox(
    session: Session,
    actor: User | None,
    consultation: Consultation,
    filters: Filters = Filters(),
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[InboxItem], int]:
    """One page of what the consultation received, newest first, and the exact total."""
    require(session, actor, consultation, Action.ANSWER)
    rows, total = page_of_union(session, _sources(consultation, filters), page, per_page)
    return _load(session, actor, rows), total


def unread_count(session: Session, actor: User, consultation: Consultation) -> int:
    """How many items of the inbox the official has not marked read (the caller checked ANSWER)."""
    sources = _sources(consultation, Filters(), unread_by=actor)
    return session.scalar(select(func.count()).select_from(union_all(*sources).subquery()))


def mark_read(
    session: Session, actor: User | None, consultation: Consultation, items, *, read: bool = True
) -> int:
    """Mark (or with `read=False` unmark) inbox items read for the actor; return how many changed.

    `items` are (kind, id) pairs; each must be an item of this consultation's inbox (422 if not,
    the same for an id that does not exist and one that belongs elsewhere)."""
    require(session, actor, consultation, Action.ANSWER)
    wanted = sorted(set(items))
    _require_received(session, consultation, wanted)
    changed = 0
    for kind, item_id in wanted:
        if read:
            row = {"user_id": actor.id, "kind": kind, "item_id": item_id, "read_at": clock.now()}
            changed += insert_or_ignore(session, InboxRead.__table__, row, ["user_id", "kind", "item_id"])
        else:
            mine = and_(InboxRead.user_id == actor.id, InboxRead.kind == kind, InboxRead.item_id == item_id)
            changed += session.execute(delete(InboxRead).where(mine)).rowcount
    session.commit()
    return changed


# --- the rows of each kind ---------------------------------------------------------------------

#: among items received at the same moment, newest first lists proposals before comments
_RANK = {"comment": 1, "proposal": 2}


def _officials(consultation: Consultation):
    return select(Membership.user_id).where(
        Membership.consultation_id == consultation.id, Membership.role == "official"
    )


def received_comments(consultation: Consultation):
    """The condition on comments (joined to their page) that the consultation received."""
    return and_(
        Page.consultation_id == consultation.id,
        Comment.status != "deleted",
        Comment.official.is_(False),
        Comment.author_id.not_in(_officials(consultation)),
    )


def _received_proposals(consultation: Consultation):
    return and_(Page.consultation_id == consultation.id, Proposal.author_id.not_in(_officials(consultation)))


def _sources(consultation: Consultation, filters: Filters, *, unread_by: User | None = None) -> list:
    sources = []
    if filters.kind in (None, "comment"):
        conditions = [received_comments(consultation)]
        if filters.page is not None:
            conditions.append(Comment.page_id == filters.page.id)
        if filters.status != "all":
            answered = Comment.answered_at.is_not(None)
            conditions.append(answered if filters.status == "answered" else ~answered)
        if unread_by is not None:
            conditions.append(~_read_by(unread_by, "comment", Comment.id))
        sources.append(_source("comment", Comment.created_at, Comment.id, Comment.page_id, conditions))
    if filters.kind in (None, "proposal"):
        conditions = [_received_proposals(consultation)]
        if filters.page is not None:
            conditions.append(Proposal.page_id == filters.page.id)
        if filters.status != "all":
            decided = Proposal.status != "open"
            conditions.append(decided if filters.status == "answered" else ~decided)
        if unread_by is not None:
            conditions.append(~_read_by(unread_by, "proposal", Proposal.id))
        sources.append(_source("proposal", Proposal.created_at, Proposal.id, Proposal.page_id, conditions))
    return sources


def _source(kind: str, at, row_id, page_id, conditions):
    return (
        select(
            literal_column(f"'{kind}'", String).label("kind"),
            literal_column(str(_RANK[kind]), Integer).label("rank"),
            at.label("at"),
            row_id.label("id"),
        )
        .join(Page, Page.id == page_id)
        .where(*conditions)
    )


def _read_by(user: User, kind: str, item_id):
    return exists().where(InboxRead.user_id == user.id, InboxRead.kind == kind, InboxRead.item_id == item_id)


def _require_received(session: Session, consultation: Consultation, wanted: list[tuple[str, int]]) -> None:
    ids = {kind: [item_id for k, item_id in wanted if k == kind] for kind in KINDS}
    found = set()
    if ids["comment"]:
        query = select(Comment.id).join(Page, Page.id == Comment.page_id)
        found |= {
            ("comment", i)
            for i in session.scalars(
                query.where(received_comments(consultation), Comment.id.in_(ids["comment"]))
            )
        }
    if ids["proposal"]:
        query = select(Proposal.id).join(Page, Page.id == Proposal.page_id)
        found |= {
            ("proposal", i)
            for i in session.scalars(
                query.where(_received_proposals(consultation), Proposal.id.in_(ids["proposal"]))
            )
        }
    missing = [f"{kind} {item_id}" for kind, item_id in wanted if (kind, item_id) not in found]
    if missing:
        raise Invalid(
            {"items": Message("not in this consultation's inbox: %(items)s", items=", ".join(missing))}
        )


# --- loading one page of rows ------------------------------------------------------------------


def _load(session: Session, actor: User, rows) -> list[InboxItem]:
    ids = {kind: [row_id for k, row_id in rows if k == kind] for kind in KINDS}
    discussion_anchors.bring_comments_to_head(session, ids["comment"])  # they say where they point
    comments = _by_id(session, Comment, ids["comment"], Comment.author, Comment.page)
    proposals = _by_id(session, Proposal, ids["proposal"], Proposal.author, Proposal.page, skip=Proposal.body)
    read = _read_set(session, actor, rows)
    items = []
    for kind, row_id in rows:
        if kind == "comment":
            c = comments[row_id]
            items.append(
                InboxItem(
                    kind,
                    c.created_at,
                    c.page,
                    c.author,
                    (kind, row_id) in read,
                    c.answered_at is not None,
                    comment=c,
                )
            )
        else:
            p = proposals[row_id]
            items.append(
                InboxItem(
                    kind,
                    p.created_at,
                    p.page,
                    p.author,
                    (kind, row_id) in read,
                    p.status != "open",
                    proposal=p,
                )
            )
    return items


def _by_id(session: Session, model, ids: list[int], *relations, skip=None) -> dict:
    if not ids:
        return {}
    options = [selectinload(r) for r in relations] + ([defer(skip)] if skip is not None else [])
    query = select(model).where(model.id.in_(ids)).options(*options)
    return {row.id: row for row in session.scalars(query)}


def _read_set(session: Session, actor: User, rows) -> set[tuple[str, int]]:
    if not rows:
        return set()
    conditions = [and_(InboxRead.kind == kind, InboxRead.item_id == row_id) for kind, row_id in rows]
    query = select(InboxRead.kind, InboxRead.item_id).where(InboxRead.user_id == actor.id, or_(*conditions))
    return {(kind, item_id) for kind, item_id in session.execute(query)}

"""Moderation of comments: readers report (flag) a comment with a reason; the consultation's
officials hide it with a public reason, show it again, or dismiss its reports.

"Once per person" for reports is the unique constraint of comment_flags: of two racing reports
by one person, the insert that loses inserts nothing and its caller hears `already_flagged`.
Hiding and showing move the comment's status with a guarded UPDATE (WHERE status = the status it
must have), so two officials acting at once never both do it, and each bumps the page's
discussion_version so that no cached page keeps the old text (reports and dismissals bump it
too: the moderators' copies of a page count the open reports). Every moderator action is an event
in the audit log naming the comment and the reason, never its text: the audit log is read more
widely than a hidden text may be (SECURITY.md 9), and the comment row keeps the text anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from govwiki.core.messages import Message
from govwiki.core.policy import Action
from govwiki.models import Comment, CommentFlag, Consultation, Page, User
from govwiki.services import audit, clock, discussion_anchors, search_queue
from govwiki.services.access import require
from govwiki.services.comments import bump_discussion
from govwiki.services.errors import Conflict
from govwiki.services.upsert import insert_or_ignore
from govwiki.services.search_documents import key
from govwiki.services.validation import check_text, raise_if

#: the longest reason a report or a hidden comment may carry (characters)
REASON_MAX = 1000


@dataclass(frozen=True)
class QueueItem:
    """A comment with open reports, as the moderation queue shows it."""

    comment: Comment
    #: its open reports, newest first
    flags: list[CommentFlag]
    #: when the newest of them was made
    latest: datetime


def flag_comment(session: Session, actor: User | None, comment: Comment, *, reason) -> CommentFlag:
    """Report the comment to the consultation's moderators; once per person."""
    require(session, actor, comment.page.consultation, Action.FLAG)
    reason = checked_reason(reason)
    if comment.status != "visible":
        raise Conflict(
            "comment_gone", Message("This comment is no longer shown, so there is nothing to report.")
        )
    values = {"comment_id": comment.id, "user_id": actor.id, "reason": reason, "created_at": clock.now()}
    if not insert_or_ignore(session, CommentFlag.__table__, values, ["comment_id", "user_id"]):
        session.rollback()
        raise Conflict(
            "already_flagged",
            Message("You have already reported this comment; the moderators have your report."),
        )
    bump_discussion(session, comment.page)  # moderators' copies of the page count open reports
    session.commit()
    return session.scalars(
        select(CommentFlag).where(CommentFlag.comment_id == comment.id, CommentFlag.user_id == actor.id)
    ).one()


def hide_comment(session: Session, actor: User | None, comment: Comment, *, reason) -> Comment:
    """Hide the comment behind a public reason; its open reports are resolved with it."""
    require(session, actor, comment.page.consultation, Action.MODERATE)
    reason = checked_reason(reason)
    at = clock.now()
    _move(
        session,
        comment,
        "visible",
        status="hidden",
        hidden_reason=reason,
        hidden_by_id=actor.id,
        hidden_at=at,
    )
    resolved = _resolve_flags(session, actor, comment, at)
    _record(session, actor, "comment_hidden", comment, reason=reason, flags=resolved)
    session.commit()
    session.refresh(comment)
    return comment


def unhide_comment(session: Session, actor: User | None, comment: Comment) -> Comment:
    """Show a hidden comment again (the audit log keeps the reason it was hidden for)."""
    require(session, actor, comment.page.consultation, Action.MODERATE)
    reason = comment.hidden_reason
    _move(session, comment, "hidden", status="visible", hidden_reason="", hidden_by_id=None, hidden_at=None)
    _record(session, actor, "comment_unhidden", comment, reason=reason)
    session.commit()
    session.refresh(comment)
    return comment


def dismiss_flags(session: Session, actor: User | None, comment: Comment) -> int:
    """Close the comment's open reports without hiding it; return how many there were."""
    require(session, actor, comment.page.consultation, Action.MODERATE)
    dismissed = _resolve_flags(session, actor, comment, clock.now())
    if not dismissed:
        session.rollback()
        raise Conflict(
            "no_open_flags", Message("This comment has no open reports (someone may have dealt with them).")
        )
    _record(session, actor, "comment_flags_dismissed", comment, flags=dismissed)
    bump_discussion(session, comment.page)
    session.commit()
    return dismissed


def moderation_queue(
    session: Session, actor: User | None, consultation: Consultation, *, page: int = 1, per_page: int = 50
) -> tuple[list[QueueItem], int]:
    """The consultation's comments with open reports, most recently reported first, and how many."""
    require(session, actor, consultation, Action.MODERATE)
    grouped = _open_reports(consultation)
    total = session.scalar(select(func.count()).select_from(grouped.subquery()))
    rows = session.execute(
        grouped.order_by(func.max(CommentFlag.created_at).desc(), CommentFlag.comment_id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    ids = [row.comment_id for row in rows]
    discussion_anchors.bring_comments_to_head(session, ids)  # they say where they point
    comments = {
        c.id: c
        for c in session.scalars(
            select(Comment)
            .options(joinedload(Comment.page), joinedload(Comment.author))
            .where(Comment.id.in_(ids))
        )
    }
    flags: dict[int, list[CommentFlag]] = {i: [] for i in ids}
    for flag in session.scalars(_open_flags(ids).options(joinedload(CommentFlag.user))):
        flags[flag.comment_id].append(flag)
    return [QueueItem(comments[row.comment_id], flags[row.comment_id], row.latest) for row in rows], total


def open_reports(session: Session, consultation: Consultation) -> int:
    """How many comments of the consultation wait in its moderation queue."""
    return session.scalar(select(func.count()).select_from(_open_reports(consultation).subquery()))


def open_flag_counts(session: Session, comment_ids) -> dict[int, int]:
    """Comment id → its number of open reports, for the ids among `comment_ids` that have any."""
    if not comment_ids:
        return {}
    query = (
        select(CommentFlag.comment_id, func.count())
        .where(CommentFlag.comment_id.in_(list(comment_ids)), CommentFlag.resolved_at.is_(None))
        .group_by(CommentFlag.comment_id)
    )
    return {comment_id: count for comment_id, count in session.execute(query)}


def flagged_by(session: Session, actor: User | None, comment_ids) -> set[int]:
    """The ids among `comment_ids` that the actor has reported."""
    if actor is None or not comment_ids:
        return set()
    query = select(CommentFlag.comment_id).where(
        CommentFlag.user_id == actor.id, CommentFlag.comment_id.in_(list(comment_ids))
    )
    return set(session.scalars(query))


def checked_reason(reason) -> str:
    """A report's or a hiding's reason, stripped; 422 when empty, too long or not plain text."""
    fields: dict = {}
    reason = check_text(
        fields, "reason", "" if reason is None else reason, max_length=REASON_MAX, required=True
    )
    raise_if(fields)
    return reason


# --- helpers ---------------------------------------------------------------------------------


def _move(session: Session, comment: Comment, expected: str, **values) -> None:
    """Change the comment only while it has status `expected`; 409 when it has not."""
    query = update(Comment).where(Comment.id == comment.id, Comment.status == expected).values(**values)
    if session.execute(query.execution_options(synchronize_session=False)).rowcount != 1:
        session.rollback()
        session.refresh(comment)
        raise _not_in(comment.status)
    search_queue.changed(session, key("comment", comment.id))  # a bulk UPDATE: no flush saw it
    bump_discussion(session, comment.page)


def _not_in(status: str) -> Conflict:
    if status == "hidden":
        return Conflict("already_hidden", Message("This comment is already hidden."))
    if status == "deleted":
        return Conflict("comment_gone", Message("This comment was deleted by its author."))
    return Conflict("not_hidden", Message("This comment is not hidden."))


def _resolve_flags(session: Session, actor: User, comment: Comment, at: datetime) -> int:
    query = (
        update(CommentFlag)
        .where(CommentFlag.comment_id == comment.id, CommentFlag.resolved_at.is_(None))
        .values(resolved_at=at, resolved_by_id=actor.id)
    )
    return session.execute(query.execution_options(synchronize_session=False)).rowcount


def _record(session: Session, actor: User, action: str, comment: Comment, **details) -> None:
    audit.record(
        session,
        actor,
        action,
        subject_type="comment",
        subject_id=comment.id,
        consultation=comment.page.consultation,
        details={"page": comment.page.slug, **details},
    )


def _open_reports(consultation: Consultation):
    """Comment id, open reports and the newest report's time, per reported comment of the consultation."""
    return (
        select(
            CommentFlag.comment_id,
            func.count().label("flags"),
            func.max(CommentFlag.created_at).label("latest"),
        )
        .join(Comment, Comment.id == CommentFlag.comment_id)
        .join(Page, Page.id == Comment.page_id)
        .where(
            Page.consultation_id == consultation.id,
            CommentFlag.resolved_at.is_(None),
            Comment.status != "deleted",
        )
        .group_by(CommentFlag.comment_id)
    )


def _open_flags(ids: list[int]):
    return (
        select(CommentFlag)
        .where(CommentFlag.comment_id.in_(ids), CommentFlag.resolved_at.is_(None))
        .order_by(CommentFlag.created_at.desc(), CommentFlag.id.desc())
    )

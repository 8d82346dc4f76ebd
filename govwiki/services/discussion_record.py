"""Comments in the public record (the timeline, contributions, the outcome report): which ones
count, and what of them may be quoted.

The record is the same for every reader, so it quotes a comment only where a signed-out reader
may read it (`comment_views.readable_body` without moderator rights): a hidden comment is
counted and listed with the moderator's reason, never quoted; a deleted one has left the record
(its author took it back; a tombstone in the thread is all that remains).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from govwiki.models import Comment
from govwiki.services import comment_views

#: the comments the record tells of
IN_RECORD = Comment.status != "deleted"


def quotable(comment: Comment | None) -> str | None:
    """The comment's text if the public record may quote it, else None."""
    return comment_views.readable_body(comment, False) if comment is not None else None


def answered_id(reply: Comment) -> int | None:
    """The comment an official reply answers (it may sit higher up when nesting was capped)."""
    return reply.in_reply_to_id or reply.parent_id


def details(comment: Comment) -> dict:
    """What a timeline entry says about a comment: plain values, its text only if quotable."""
    text = quotable(comment)
    data = {
        "comment": comment.id,
        "status": comment.status,
        "official": comment.official,
        "answered": comment.answered_at is not None,
        "answers": answered_id(comment) if comment.official else None,
        "parent": comment.parent_id,
    }
    if comment.status == "hidden":
        data["hidden_reason"] = comment.hidden_reason
    if text is not None:
        data["body"] = text
        if comment.official:  # the consultation's answers are quoted in the record as they read
            data["html"] = comment_views.comment_html(text)
    return data


def load(session: Session, ids) -> dict[int, Comment]:
    """Comments by id with their authors (the page is loaded by the caller)."""
    if not ids:
        return {}
    query = select(Comment).where(Comment.id.in_(set(ids))).options(selectinload(Comment.author))
    return {c.id: c for c in session.scalars(query)}

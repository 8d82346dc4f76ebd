"""Official responses: the consultation answers a comment in public.

An official of the consultation marks a comment answered and, when they write something, posts
it as the consultation's reply (a comment with `official` set, threaded under the comment it
answers like any reply). The policy's ANSWER allows this in every state of the consultation:
answers to a closed consultation's comments are how "we did" gets written, so an official reply
does not go through `post_comment` (which asks COMMENT, refused after closing) but through the
same storing path (`store_comment`: threading, the discussion counters, the race with saves).

Answering again posts another reply; the comment stays answered, with its first answer's time
and official. There is no un-answering: "answered" is a public statement in the record, and
taking it back would rewrite that record without a trace.

Answers do not count against the residents' comment limit (`@limit("comments")`, 100 a day):
officials working through an inbox answer many comments in a row. The API's limit on all
writes still applies to them.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from govwiki.core.messages import Message
from govwiki.core.policy import Action
from govwiki.models import Comment, User
from govwiki.services import clock, notifications
from govwiki.services import comments as service
from govwiki.services.access import require
from govwiki.services.errors import Conflict


def answer_comment(
    session: Session, actor: User | None, comment: Comment, *, body=None, max_bytes=service.DEFAULT_MAX_BYTES
) -> Comment | None:
    """Mark the comment answered as the consultation; with `body`, post it as the official reply
    under the comment and return that reply (None when only marking)."""
    mine = body if isinstance(body, str) else None
    require(session, actor, comment.page.consultation, Action.ANSWER, your_body=mine)
    _require_answerable(comment, mine)
    if body is None:
        _mark_answered(session, actor, comment)
        service.bump_discussion(session, comment.page)
        notifications.comment_answered(session, comment, actor)
        session.commit()
        session.refresh(comment)
        return None
    text = service.checked_body(body, max_bytes)

    def prepare(reply: Comment) -> None:
        reply.official = True
        _mark_answered(session, actor, comment)

    reply = service.store_comment(
        session, actor, comment.page, text, action=Action.ANSWER, parent_id=comment.id, prepare=prepare
    )
    session.refresh(comment)
    return reply


def _require_answerable(comment: Comment, mine: str | None) -> None:
    if comment.status == "deleted":
        raise Conflict(
            "comment_gone",
            Message("This comment was deleted: there is nothing left to answer."),
            your_body=mine,
        )
    if comment.official:
        raise Conflict(
            "official_comment",
            Message("This is an answer of the consultation itself: answer the comment it replies to."),
            your_body=mine,
        )


def _mark_answered(session: Session, actor: User, comment: Comment) -> None:
    """Set answered_at/by unless already set: the first answer keeps its time, however many race."""
    session.execute(
        update(Comment)
        .where(Comment.id == comment.id, Comment.answered_at.is_(None))
        .values(answered_at=clock.now(), answered_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )

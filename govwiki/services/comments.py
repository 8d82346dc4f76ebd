"""Comments: post (on the page, a paragraph or a quoted passage), reply, edit, delete, support.

A comment is written on the page's head. Posting moves the page's discussion counters with a
guarded update (`WHERE head_number = <the head we anchored on>`), the same guard a save moves,
so a comment and a save never miss each other: either the comment lands before the save and is
carried to the new revision with the others (services.discussion_anchors), or it sees the new
head and anchors on it (the attempt runs again). A comment about a passage or a paragraph first
brings the others to the head it anchors on, in the same transaction. "Once per person" for
supports is the unique constraint of comment_supports, with the counter on the comment moved
only by the insert that got the row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from govwiki.core import anchors, threads
from govwiki.core.markdown import render_cached
from govwiki.core.messages import Message
from govwiki.core.policy import Action, may_change_own
from govwiki.models import Comment, CommentSupport, CommentVersion, Page, User
from govwiki.services import clock, discussion_anchors, notifications
from govwiki.services.access import decision, require, require_at_commit
from govwiki.services.errors import Conflict, Invalid, NotFound, refusal
from govwiki.services.pages import head_revision
from govwiki.services.transactions import LostRace, retrying
from govwiki.services.upsert import insert_or_ignore
from govwiki.services.validation import check_body

DEFAULT_MAX_BYTES = 20 * 1024


class DiscussionMoved(LostRace):
    """The page's head moved between anchoring a comment and storing it."""


@dataclass(frozen=True)
class Target:
    """What a new comment is about: the page (nothing set), a paragraph, or a quoted passage."""

    paragraph: int | None = None
    quote: str | None = None
    #: an in-paragraph offset near the selection, to choose between repeated quotes
    near: int | None = None


def load_comment(session: Session, actor: User | None, comment_id) -> Comment:
    """Return the comment if the actor may read its page; 404 otherwise."""
    comment = session.get(Comment, comment_id) if isinstance(comment_id, int) else None
    if comment is None:
        raise NotFound(Message("No such comment."))
    require(session, actor, comment.page.consultation, Action.READ)
    discussion_anchors.bring_to_head(session, comment.page)  # it may say where it points
    return comment


def may_moderate(session: Session, actor: User | None, page: Page) -> bool:
    """Whether the actor sees hidden comments and earlier versions (the consultation's officials)."""
    return bool(decision(session, actor, page.consultation, Action.MODERATE))


def post_comment(
    session: Session,
    actor: User | None,
    page: Page,
    *,
    body,
    parent_id=None,
    target: Target = Target(),
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Comment:
    """Post a comment on the page's head, or a reply to one of its comments."""
    mine = body if isinstance(body, str) else None
    require(session, actor, page.consultation, Action.COMMENT, your_body=mine)
    body = checked_body(body, max_bytes)
    return store_comment(
        session, actor, page, body, action=Action.COMMENT, parent_id=parent_id, target=target
    )


def store_comment(
    session: Session,
    actor: User,
    page: Page,
    body: str,
    *,
    action: Action,
    parent_id=None,
    target: Target = Target(),
    prepare: Callable[[Comment], None] | None = None,
) -> Comment:
    """Anchor or attach a checked text on the page's head and commit it while the policy still
    allows `action`; `prepare(comment)` adds the use case's own writes to the same transaction."""

    def attempt() -> Comment:
        head = head_revision(session, page)
        if parent_id is None and (target.paragraph is not None or target.quote):
            discussion_anchors.bring_to(session, page, head.number)  # placed beside the others
        comment = _new_comment(session, actor, page, head, body, parent_id, target)
        _bump(session, page, comment.revision_number, count=1)
        require_at_commit(session, actor, page.consultation, action, your_body=body)
        if prepare is not None:
            prepare(comment)
        session.add(comment)
        notifications.comment_posted(session, comment, actor)
        session.commit()
        return comment

    return retrying(session, attempt, gave_up=lambda: _too_busy(body))


def edit_comment(
    session: Session, actor: User | None, comment: Comment, *, body, max_bytes=DEFAULT_MAX_BYTES
):
    """Replace the comment's text; the earlier text is kept as a version."""
    mine = body if isinstance(body, str) else None
    _require_own(session, actor, comment, your_body=mine)
    require(session, actor, comment.page.consultation, Action.COMMENT, your_body=mine)
    body = checked_body(body, max_bytes)
    if comment.status != "visible":
        raise Conflict("comment_gone", Message("This comment can no longer be edited."), your_body=body)
    if body == comment.body:
        return comment
    at = _keep_version(session, comment)
    comment.body, comment.edited_at = body, at
    _bump(session, comment.page, None, count=0)
    # decided again as the edit commits, so an edit racing the consultation's close cannot land
    require_at_commit(session, actor, comment.page.consultation, Action.COMMENT, your_body=body)
    session.commit()
    return comment


def delete_comment(session: Session, actor: User | None, comment: Comment) -> Comment:
    """Leave a tombstone: the text goes (kept as a version for the officials), replies stay."""
    _require_own(session, actor, comment)
    if comment.status == "deleted":
        return comment
    at = _keep_version(session, comment)
    counted = comment.status != "deleted"
    comment.body, comment.status, comment.deleted_at = "", "deleted", at
    _bump(session, comment.page, None, count=-1 if counted else 0)
    session.commit()
    return comment


def support_comment(session: Session, actor: User | None, comment: Comment, *, supported: bool = True) -> int:
    """Add (or take back) the actor's "+1"; once per person, however many requests race."""
    require(session, actor, comment.page.consultation, Action.SUPPORT)
    if comment.status != "visible":
        raise Conflict("comment_gone", Message("This comment can no longer be supported."))
    if supported:
        changed = insert_or_ignore(
            session, CommentSupport.__table__, {"comment_id": comment.id, "user_id": actor.id, "created_at": clock.now()},
            ["comment_id", "user_id"],
        )  # fmt: skip
    else:
        changed = session.execute(
            delete(CommentSupport).where(CommentSupport.comment_id == comment.id, CommentSupport.user_id == actor.id)
        ).rowcount  # fmt: skip
    if changed:
        step = 1 if supported else -1
        session.execute(
            update(Comment).where(Comment.id == comment.id).values(supports=Comment.supports + step)
        )
        _bump(session, comment.page, None, count=0)
    session.commit()
    session.refresh(comment, ["supports"])
    return comment.supports


def supported_by(session: Session, actor: User | None, comment_ids) -> set[int]:
    """The ids among `comment_ids` that the actor supports."""
    if actor is None or not comment_ids:
        return set()
    rows = session.scalars(
        select(CommentSupport.comment_id).where(
            CommentSupport.user_id == actor.id, CommentSupport.comment_id.in_(list(comment_ids))
        )
    )
    return set(rows)


def page_comments(session: Session, page: Page, *, paragraph: int | None = None) -> list[Comment]:
    """The page's comments, oldest first; with `paragraph`, the threads placed on it in the head."""
    discussion_anchors.bring_to_head(session, page)
    query = select(Comment).where(Comment.page_id == page.id).order_by(Comment.created_at, Comment.id)
    comments = list(session.scalars(query))
    if paragraph is None:
        return comments
    root_of: dict[int, int] = {}
    for c in comments:  # oldest first, so a parent is always seen before its replies
        root_of[c.id] = root_of.get(c.parent_id, c.id) if c.parent_id is not None else c.id
    roots = {c.id for c in comments if c.parent_id is None and c.placed_paragraph == paragraph}
    return [c for c in comments if root_of[c.id] in roots]


def versions(session: Session, actor: User | None, comment: Comment) -> list[CommentVersion]:
    """The comment's earlier texts, newest first: for the consultation's officials only."""
    verdict = decision(session, actor, comment.page.consultation, Action.MODERATE)
    if not verdict:  # the policy's reason: signed out is a 401, like every other refusal
        only = Message("Only the consultation's officials read earlier versions of comments.")
        raise refusal(verdict.reason, only if verdict.reason == "forbidden" else None)
    query = select(CommentVersion).where(CommentVersion.comment_id == comment.id)
    return list(session.scalars(query.order_by(CommentVersion.replaced_at.desc(), CommentVersion.id.desc())))


def checked_body(body, max_bytes: int) -> str:
    """The comment text, or 413/422 (with the text back) for one too long, malformed or empty."""
    text = check_body(body, max_bytes=max_bytes, your_body=body if isinstance(body, str) else None)
    if not text.strip():
        raise Invalid({"body": Message("required")}, your_body=text)
    return text


def bump_discussion(session: Session, page: Page) -> None:
    """Note a change to the page's discussion (its cached views name `discussion_version`)."""
    _bump(session, page, None, count=0)


# --- helpers ---------------------------------------------------------------------------------


def _new_comment(session, actor, page, head, body, parent_id, target: Target) -> Comment:
    comment = Comment(
        page_id=page.id, author_id=actor.id, revision_number=head.number, body=body, created_at=clock.now()
    )
    if parent_id is not None:
        _attach(session, comment, page, parent_id, body)
    elif target.paragraph is not None or target.quote:
        _anchor(comment, head, target, body)
    return comment


def _attach(session, comment: Comment, page: Page, parent_id, body: str) -> None:
    parent = session.get(Comment, parent_id) if isinstance(parent_id, int) else None
    if parent is None or parent.page_id != page.id:
        raise Invalid({"parent_id": Message("must be a comment on this page")}, your_body=body)
    if parent.status == "deleted":
        raise Invalid({"parent_id": Message("that comment was deleted")}, your_body=body)
    place = threads.attach_reply(parent.id, parent.depth, parent.parent_id)
    comment.parent_id, comment.depth, comment.in_reply_to_id = (
        place.parent_id,
        place.depth,
        place.in_reply_to_id,
    )


def _anchor(comment: Comment, head, target: Target, body: str) -> None:
    paragraphs = render_cached(head.sha256, head.body).paragraphs
    if target.quote:
        found = anchors.locate(paragraphs, target.quote, target.paragraph, target.near)
        if found is None:
            raise Invalid({"anchor": Message("the quoted text is not on the current page")}, your_body=body)
        comment.anchor_paragraph, comment.anchor_quote = found.paragraph, found.quote
        comment.anchor_prefix, comment.anchor_suffix = found.prefix, found.suffix
        comment.anchor_start, comment.anchor_end, comment.anchor_position = (
            found.start,
            found.end,
            found.position,
        )
        comment.placed_paragraph, comment.placed_start, comment.placed_end = (
            found.paragraph,
            found.start,
            found.end,
        )
        return
    if not isinstance(target.paragraph, int) or not 0 <= target.paragraph < len(paragraphs):
        raise Invalid({"paragraph": Message("must be a paragraph of the current page")}, your_body=body)
    comment.anchor_paragraph = comment.placed_paragraph = target.paragraph


def _keep_version(session: Session, comment: Comment):
    """Keep the comment's current text as an earlier version; return the moment it is replaced."""
    at = clock.now()
    written = comment.edited_at or comment.created_at
    session.add(CommentVersion(comment_id=comment.id, body=comment.body, written_at=written, replaced_at=at))
    return at


def _bump(session: Session, page: Page, head_number: int | None, *, count: int) -> None:
    """Move the page's discussion counters; with `head_number`, only while that is the head."""
    query = update(Page).where(Page.id == page.id)
    if head_number is not None:
        query = query.where(Page.head_number == head_number)
    values = {"discussion_version": Page.discussion_version + 1}
    if count:
        values["comment_count"] = Page.comment_count + count
    if session.execute(query.values(**values).execution_options(synchronize_session=False)).rowcount != 1:
        raise DiscussionMoved()


def _require_own(session, actor, comment: Comment, **details) -> None:
    require(session, actor, comment.page.consultation, Action.READ)
    verdict = may_change_own(
        actor.role if actor else None, actor is not None and actor.id == comment.author_id
    )
    if not verdict:
        raise refusal(verdict.reason, **details)


def _too_busy(body: str) -> Conflict:
    return Conflict(
        "edit_conflict", Message("The page is changing too fast to post your comment now; your text is below."),
        your_body=body,
    )  # fmt: skip

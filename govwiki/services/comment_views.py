"""Comments as one reader may see them: the single place that decides what a hidden or deleted
comment shows, shared by the web pages, the API and the annotation feed.

A hidden comment keeps its place in the thread, its status and the moderator's reason; its text
reaches only the consultation's officials (SECURITY.md 9). A deleted one is a tombstone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from govwiki.core import threads
from govwiki.core.markdown import render_cached
from govwiki.models import Comment, Page, User
from govwiki.services import comments as service


@dataclass
class CommentView:
    comment: Comment
    #: the text this reader may see (None for a tombstone, or a hidden comment to non-officials)
    body: str | None
    html: str | None
    #: the reader supports it
    supported: bool = False
    replies: list[CommentView] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.comment.status

    @property
    def hidden(self) -> bool:
        return self.comment.status == "hidden"


def readable_body(comment: Comment, moderator: bool) -> str | None:
    """The comment's text if this reader may see it."""
    if comment.status == "deleted" or (comment.status == "hidden" and not moderator):
        return None
    return comment.body


def comment_html(body: str) -> str:
    """A comment rendered with the pages' Markdown and sanitizer (cached by its text)."""
    key = "comment:" + hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()
    return render_cached(key, body).html


def view_of(comment: Comment, moderator: bool, supported: bool = False) -> CommentView:
    body = readable_body(comment, moderator)
    return CommentView(comment, body, comment_html(body) if body is not None else None, supported)


def page_threads(
    session: Session, actor: User | None, page: Page, *, paragraph: int | None = None
) -> list[CommentView]:
    """The page's threads as `actor` may see them, oldest first, replies nested."""
    comments = service.page_comments(session, page, paragraph=paragraph)
    moderator = service.may_moderate(session, actor, page)
    mine = service.supported_by(session, actor, [c.id for c in comments])
    views = {c.id: view_of(c, moderator, c.id in mine) for c in comments}
    roots = threads.build_tree(
        views.values(), key=lambda v: v.comment.id, parent=lambda v: v.comment.parent_id
    )
    return [_nest(node) for node in roots]


def _nest(node: threads.Node[CommentView]) -> CommentView:
    node.item.replies = [_nest(child) for child in node.replies]
    return node.item

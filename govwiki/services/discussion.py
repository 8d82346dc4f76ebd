"""A page's discussion as its page view shows it: the threads one screen at a time, the comment
count of each paragraph and the quoted passages to mark in the text.

A page may hold a thousand comments, so the view never loads them all: `outline` reads a few
columns of every comment (cheap, and the web layer keeps it per discussion version), and
`threads` loads whole comments only for the threads on the screen. What a reader sees of each
comment is decided by services.comment_views, as everywhere else.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session, selectinload

from govwiki.core import threads as tree
from govwiki.models import Comment, CommentFlag, CommentSupport, Page, User
from govwiki.services import comment_views, discussion_anchors
from govwiki.services import comments as service


@dataclass(frozen=True)
class Outline:
    """The shape of a page's discussion, from the light columns of its comments."""

    #: the first comment of each thread, oldest first
    roots: tuple[int, ...] = ()
    #: thread → the ids of its comments, oldest first
    members: dict[int, tuple[int, ...]] = field(default_factory=dict)
    #: thread → the paragraph of the head its first comment is about (None: the whole page, or outdated)
    paragraph_of: dict[int, int | None] = field(default_factory=dict)
    #: paragraph → comments (not deleted) in the threads about it
    counts: dict[int, int] = field(default_factory=dict)
    #: paragraph → the (start, end) of the passages quoted by visible comments placed on it
    marks: dict[int, list[tuple[int, int]]] = field(default_factory=dict)

    def roots_on(self, paragraph: int | None) -> tuple[int, ...]:
        """The threads about `paragraph` (all of them for None)."""
        if paragraph is None:
            return self.roots
        return tuple(root for root in self.roots if self.paragraph_of[root] == paragraph)

    def thread_of(self, comment_id: int) -> int | None:
        """The thread a comment belongs to."""
        return next((root for root, ids in self.members.items() if comment_id in ids), None)


_COLUMNS = (
    Comment.id,
    Comment.parent_id,
    Comment.status,
    Comment.placed_paragraph,
    Comment.placed_start,
    Comment.placed_end,
    Comment.outdated,
)


def outline(session: Session, page: Page) -> Outline:
    """Read the outline of the page's discussion (one query over a few columns)."""
    discussion_anchors.bring_to_head(session, page)
    query = select(*_COLUMNS).where(Comment.page_id == page.id).order_by(Comment.created_at, Comment.id)
    roots, members, paragraph_of = [], defaultdict(list), {}
    counts: dict[int, int] = defaultdict(int)
    marks: dict[int, list[tuple[int, int]]] = defaultdict(list)
    root_of: dict[int, int] = {}
    for row in session.execute(query):
        # oldest first, so a parent is always seen before its replies
        root = root_of.get(row.parent_id, row.id) if row.parent_id is not None else row.id
        root_of[row.id] = root
        if root == row.id:
            roots.append(root)
            paragraph_of[root] = None if row.outdated else row.placed_paragraph
        members[root].append(row.id)
        where = paragraph_of[root]
        if where is not None and row.status != "deleted":
            counts[where] += 1
        if _marked(row):
            marks[row.placed_paragraph].append((row.placed_start, row.placed_end))
    return Outline(
        roots=tuple(roots),
        members={root: tuple(ids) for root, ids in members.items()},
        paragraph_of=paragraph_of,
        counts=dict(counts),
        marks=dict(marks),
    )


def _marked(row) -> bool:
    """Only visible comments whose quote is still in the head mark the text."""
    return (
        row.status == "visible"
        and not row.outdated
        and row.placed_paragraph is not None
        and row.placed_start is not None
        and row.placed_end is not None
    )


def marks_written_on(session: Session, page: Page, number: int) -> dict[int, list[tuple[int, int]]]:
    """The passages visible comments quoted when they were written on revision `number` (an old
    revision is shown with them marked, for the comments whose passage has changed since)."""
    rows = session.execute(
        select(Comment.anchor_paragraph, Comment.anchor_start, Comment.anchor_end).where(
            Comment.page_id == page.id,
            Comment.revision_number == number,
            Comment.status == "visible",
            Comment.anchor_start.is_not(None),
            Comment.anchor_end.is_not(None),
        )
    )
    marks: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for paragraph, start, end in rows:
        marks[paragraph].append((start, end))
    return dict(marks)


def threads(
    session: Session, actor: User | None, page: Page, plan: Outline, roots, *, moderator: bool | None = None
) -> list[comment_views.CommentView]:
    """The threads `roots` of the page as `actor` may see them, replies nested (`moderator`:
    whether the actor moderates the page, when the caller knows it already)."""
    ids = [comment_id for root in roots for comment_id in plan.members.get(root, ())]
    if not ids:
        return []
    discussion_anchors.bring_to_head(session, page)
    query = (
        select(Comment)
        .where(Comment.page_id == page.id, Comment.id.in_(ids))
        .options(selectinload(Comment.author))
        .order_by(Comment.created_at, Comment.id)
    )
    comments = list(session.scalars(query))
    if moderator is None:
        moderator = service.may_moderate(session, actor, page)
    mine = service.supported_by(session, actor, ids)
    views = {c.id: comment_views.view_of(c, moderator, c.id in mine) for c in comments}
    nodes = tree.build_tree(views.values(), key=lambda v: v.comment.id, parent=lambda v: v.comment.parent_id)
    return [_nest(node) for node in nodes]


def _nest(node: tree.Node[comment_views.CommentView]) -> comment_views.CommentView:
    node.item.replies = [_nest(child) for child in node.replies]
    return node.item


@dataclass(frozen=True)
class OwnMark:
    """A comment whose actions differ for one reader from a stranger's, and why."""

    comment: Comment
    supported: bool
    reported: bool


def own_marks(session: Session, actor: User | None, comment_ids) -> dict[int, OwnMark]:
    """Of `comment_ids`, the comments `actor` wrote, supports or reported (one query): the only
    ones whose actions a page shared by many readers must draw for this reader."""
    ids = list(comment_ids)
    if actor is None or not ids:
        return {}
    rows = session.execute(_own_marks_query(), {"ids": ids, "reader_id": actor.id})
    return {c.id: OwnMark(c, bool(s), bool(r)) for c, s, r in rows}


@functools.cache
def _own_marks_query():
    """`own_marks`' query, built once (every signed-in view of a page with comments asks it);
    the comments and the reader are parameters."""
    reader = bindparam("reader_id")
    supported = (
        select(CommentSupport.id)
        .where(CommentSupport.comment_id == Comment.id, CommentSupport.user_id == reader)
        .exists()
    )
    reported = (
        select(CommentFlag.id)
        .where(CommentFlag.comment_id == Comment.id, CommentFlag.user_id == reader)
        .exists()
    )
    return select(Comment, supported, reported).where(
        Comment.id.in_(bindparam("ids", expanding=True)),
        or_(Comment.author_id == reader, supported, reported),
    )

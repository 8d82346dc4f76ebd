"""Keeping a page's comments pointed at their words as the page changes, once per revision.

A save does not move the comments. Their `placed_*` columns describe the revision the page's
`anchored_number` names, and the first read that shows where comments point (the page's
discussion, a comment, the API's lists: `bring_to_head`) brings them up to the head first, in
its own transaction, revision by revision, exactly as eager re-anchoring on each save would
have: one diff of two consecutive revisions' reading texts (core.anchors) and one UPDATE batch
for the comments whose place changed. The work is claimed with a guarded update (`WHERE
anchored_number = <where we found it>`), so two readers never both do it: the second waits for
the first to commit and finds nothing left. A new comment is placed on the head after the others
were brought there, in its own transaction. A page without anchored comments follows its head
on the save itself (one statement), so reading it never writes. A comment the new text no longer
holds is marked outdated rather than attached to other words.
"""

from __future__ import annotations

from sqlalchemy import bindparam, or_, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from govwiki.core import anchors
from govwiki.core.markdown import render_cached
from govwiki.models import Comment, Page, Revision

#: how many times a reader tries again when its claim met a deadlock or a locked database
ATTEMPTS = 5
#: revisions loaded at a time when the comments are several revisions behind
CHUNK = 8

_COLUMNS = (
    Comment.id,
    Comment.anchor_paragraph,
    Comment.anchor_quote,
    Comment.anchor_prefix,
    Comment.anchor_suffix,
    Comment.anchor_start,
    Comment.anchor_end,
    Comment.anchor_position,
    Comment.placed_paragraph,
    Comment.placed_start,
    Comment.placed_end,
)
_comments, _pages = Comment.__table__, Page.__table__
# Built once: these run on every save and every first read, and building costs more than running.
_ANCHORED = (_comments.c.page_id == bindparam("page_id")) & _comments.c.anchor_paragraph.is_not(None)
_FOLLOW = (
    _pages.update()
    .where(_pages.c.id == bindparam("page_id"), ~select(_comments.c.id).where(_ANCHORED).exists())
    .values(anchored_number=bindparam("number"))
)
_CLAIM = (
    _pages.update()
    .where(_pages.c.id == bindparam("page_id"), _pages.c.anchored_number == bindparam("start"))
    .values(anchored_number=bindparam("number"))
)
_PLACE = (
    _comments.update()
    .where(_comments.c.id == bindparam("comment_id"))
    .values(
        placed_paragraph=bindparam("paragraph"),
        placed_start=bindparam("start"),
        placed_end=bindparam("end"),
        outdated=bindparam("is_outdated"),
    )
)


def _anchored(page_id: int):
    return (Comment.page_id == page_id) & Comment.anchor_paragraph.is_not(None)


def follow_head(session: Session, page: Page, number: int) -> None:
    """After a save moved the head to `number` (its row is ours until the commit): a page whose
    comments point nowhere has nothing to carry, so it is anchored on the new head at once."""
    # A statement of its own, after the head update: it sees every comment committed before
    # that update took the row, and a comment committing later finds the head moved and retries.
    moved = session.execute(_FOLLOW, {"page_id": page.id, "number": number}).rowcount
    if moved == 1:
        set_committed_value(page, "anchored_number", number)


def bring_to_head(session: Session, page: Page) -> None:
    """Re-anchor the page's comments on its head (as loaded) if saves left them behind, and
    commit; call it before reading where they point, never inside a use case's own writes."""
    if page.anchored_number >= page.head_number:
        return  # the usual case: nothing to do, and nothing asked of the database
    number = page.head_number
    for attempt in range(ATTEMPTS):
        try:
            bring_to(session, page, number)
            session.commit()
            return
        except OperationalError as error:  # a deadlock with a comment's own update, or locked
            session.rollback()
            if attempt == ATTEMPTS - 1 or not _transient(error):
                raise


def bring_comments_to_head(session: Session, comment_ids) -> None:
    """Bring the pages of these comments up to their heads (for lists across pages)."""
    if not comment_ids:
        return
    lagging = select(Page).where(
        Page.id.in_(select(Comment.page_id).where(Comment.id.in_(list(comment_ids)))),
        Page.anchored_number < Page.head_number,
    )
    for page in list(session.scalars(lagging.order_by(Page.id))):
        bring_to_head(session, page)


def bring_to(session: Session, page: Page, number: int) -> None:
    """Re-anchor the page's comments on revision `number` in the caller's transaction (which
    commits), unless they are there already."""
    start = _claim(session, page, number)
    if start is not None:
        before = None
        for revision in _revisions(session, page.id, start, number):
            after = render_cached(revision.sha256, revision.body).paragraphs
            if before is not None:
                _reanchor(session, page.id, before, after)
            before = after
    set_committed_value(page, "anchored_number", number)


def _claim(session: Session, page: Page, number: int) -> int | None:
    """Move the page's anchored revision to `number`; return where it was, or None when another
    transaction got it there first (the row stays ours until the commit, so nobody else can)."""
    start = page.anchored_number
    while start < number:
        claimed = session.execute(_CLAIM, {"page_id": page.id, "start": start, "number": number}).rowcount
        if claimed == 1:
            return start
        # someone moved it (on PostgreSQL we waited for their commit): see where to
        start = session.scalar(select(Page.anchored_number).where(Page.id == page.id))
    return None


def _revisions(session: Session, page_id: int, start: int, number: int):
    """Revisions `start` to `number` of the page, in order, a few at a time."""
    for low in range(start, number + 1, CHUNK):
        high = min(number, low + CHUNK - 1)
        yield from session.execute(
            select(Revision.number, Revision.sha256, Revision.body)
            .where(Revision.page_id == page_id, Revision.number.between(low, high))
            .order_by(Revision.number)
        )


def _transient(error: OperationalError) -> bool:
    message = str(error.orig).lower()
    return "deadlock" in message or "locked" in message


def _reanchor(session: Session, page_id: int, before, after) -> int:
    """Move the page's anchored comments from paragraphs `before` to `after` (the next
    revision's); return how many changed."""
    query = select(*_COLUMNS).where(_anchored(page_id))
    edited = _edited_paragraphs(before, after)
    if edited is not None:
        # Same paragraphs in the same places but for `edited`: a comment on any other paragraph
        # points at text that did not change, where it is, so only these (and outdated quotes,
        # whose text may have come back) need the diff.
        outdated_quote = Comment.placed_paragraph.is_(None) & Comment.anchor_quote.is_not(None)
        query = query.where(or_(Comment.placed_paragraph.in_(edited), outdated_quote))
    rows = session.execute(query).all()
    if not rows:
        return 0
    remap = anchors.Remap(before, after)  # one diff for every comment of the page
    changes = _quoted_changes(remap, [r for r in rows if r.anchor_quote is not None])
    # a paragraph comment whose paragraph is gone stays outdated: there is no quote to look for
    placed = [r for r in rows if r.anchor_quote is None and r.placed_paragraph is not None]
    changes += _paragraph_changes(remap, placed)
    if changes:
        session.execute(_PLACE, changes)
    return len(changes)


def _edited_paragraphs(before, after) -> list[int] | None:
    """The paragraphs whose text changed in place, or None when paragraphs came or went."""
    if len(before) != len(after):
        return None
    return [index for index, (was, now) in enumerate(zip(before, after)) if was != now]


def _quoted_changes(remap: anchors.Remap, rows) -> list[dict]:
    items = [(_anchor(row), _placement(row)) for row in rows]
    placed = remap.placements(items) if items else []
    return [
        _placed_values(row.id, place)
        for row, (_, current), place in zip(rows, items, placed)
        if place != current
    ]


def _paragraph_changes(remap: anchors.Remap, rows) -> list[dict]:
    moved = remap.paragraphs([row.placed_paragraph for row in rows]) if rows else []
    return [
        _placed_values(row.id, anchors.Placement(index, None, None))
        for row, index in zip(rows, moved)
        if index != row.placed_paragraph
    ]


def _anchor(row) -> anchors.Anchor:
    return anchors.Anchor(
        paragraph=row.anchor_paragraph,
        start=row.anchor_start,
        end=row.anchor_end,
        quote=row.anchor_quote,
        prefix=row.anchor_prefix,
        suffix=row.anchor_suffix,
        position=row.anchor_position,
    )


def _placement(row) -> anchors.Placement:
    if row.placed_paragraph is None:
        return anchors.OUTDATED
    return anchors.Placement(row.placed_paragraph, row.placed_start, row.placed_end)


def _placed_values(comment_id: int, place: anchors.Placement) -> dict:
    return {
        "comment_id": comment_id,
        "paragraph": place.paragraph,
        "start": place.start,
        "end": place.end,
        "is_outdated": place.outdated,
    }

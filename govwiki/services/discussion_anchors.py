"""Keeping a page's comments pointed at their words as the page changes.

Each save re-anchors all of the page's anchored comments once, in the save's own transaction:
one diff of the old and new head's reading text (core.anchors), then one UPDATE batch for the
comments whose place changed. Reading a page never re-anchors anything: the `placed_*` columns
always describe the current head. A comment the new text no longer holds is marked outdated
rather than attached to other words.
"""

from __future__ import annotations

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from govwiki.core import anchors
from govwiki.core.markdown import render_cached
from govwiki.models import Comment, Revision

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


def reanchor_page(session: Session, page_id: int, old: Revision, new: Revision) -> int:
    """Move the page's anchored comments from `old` to `new` (the new head); return how many changed."""
    anchored = (Comment.page_id == page_id) & Comment.anchor_paragraph.is_not(None)
    if session.scalar(select(Comment.id).where(anchored).limit(1)) is None:
        return 0  # nothing to move: a page without comments pays one indexed look-up
    before = render_cached(old.sha256, old.body).paragraphs
    after = render_cached(new.sha256, new.body).paragraphs
    query = select(*_COLUMNS).where(anchored)
    edited = _edited_paragraphs(before, after)
    if edited is not None:
        # Same paragraphs in the same places but for `edited`: a comment on any other paragraph
        # points at text that did not change, where it is, so only these (and outdated ones,
        # whose text may have come back) need the diff.
        query = query.where(or_(Comment.placed_paragraph.in_(edited), Comment.placed_paragraph.is_(None)))
    rows = session.execute(query).all()
    if not rows:
        return 0
    remap = anchors.Remap(before, after)  # one diff for every comment of the page
    changes = _quoted_changes(remap, [r for r in rows if r.anchor_quote is not None])
    # a paragraph comment whose paragraph is gone stays outdated: there is no quote to look for
    placed = [r for r in rows if r.anchor_quote is None and r.placed_paragraph is not None]
    changes += _paragraph_changes(remap, placed)
    if changes:
        session.execute(update(Comment), changes)
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
        {"id": row.id, "placed_paragraph": index, "outdated": index is None}
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
        "id": comment_id,
        "placed_paragraph": place.paragraph,
        "placed_start": place.start,
        "placed_end": place.end,
        "outdated": place.outdated,
    }

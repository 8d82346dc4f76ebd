"""Comments on pages: threads, anchors to passages, edit history, supports, flags, inbox reads.

A comment records the page revision it was written on and, when it is about a passage, the
anchor as the W3C Web Annotation model has it (exact quote, 32 characters of prefix and suffix,
paragraph and offsets in that revision's reading text: see core.anchors). The `placed_*` columns
say where it points in the revision its page's `anchored_number` names: a save leaves them
there, and the first read of the new head moves them to it, once for every reader
(services.discussion_anchors).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govwiki.models.base import Base, UTCDateTime, utcnow
from govwiki.models.pages import Page
from govwiki.models.users import User

COMMENT_STATUSES = ("visible", "deleted", "hidden")


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (
        CheckConstraint("status IN ('visible', 'deleted', 'hidden')", name="status"),
        Index("ix_comments_page_id_created_at", "page_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: the comment this one is attached under (None for a thread's first comment)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), index=True)
    #: the comment the author answered, when nesting was capped and it attached higher up
    in_reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    #: 0 for a thread's first comment, at most threads.MAX_DEPTH
    depth: Mapped[int] = mapped_column(Integer, default=0)
    #: the page revision the author was reading when they wrote it
    revision_number: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="visible")
    #: written by an official of the consultation as its answer (shown with a badge)
    official: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: set when an official marks the comment answered
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the public reason a moderator gave for hiding it
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: kept equal to the number of comment_supports rows (changed in the same statement batch)
    supports: Mapped[int] = mapped_column(Integer, default=0)

    # The anchor as written (W3C TextQuote + TextPosition in revision `revision_number`).
    # No paragraph: about the whole page. A paragraph without a quote: about that paragraph.
    anchor_paragraph: Mapped[int | None] = mapped_column(Integer)
    anchor_quote: Mapped[str | None] = mapped_column(Text)
    anchor_prefix: Mapped[str] = mapped_column(String(200), default="")
    anchor_suffix: Mapped[str] = mapped_column(String(200), default="")
    #: offsets of the quote within its paragraph's reading text
    anchor_start: Mapped[int | None] = mapped_column(Integer)
    anchor_end: Mapped[int | None] = mapped_column(Integer)
    #: offset of the quote in the whole reading text (TextPositionSelector)
    anchor_position: Mapped[int | None] = mapped_column(Integer)

    # Where the anchor points in the revision `Page.anchored_number` names (the head, once read).
    placed_paragraph: Mapped[int | None] = mapped_column(Integer)
    placed_start: Mapped[int | None] = mapped_column(Integer)
    placed_end: Mapped[int | None] = mapped_column(Integer)
    #: the anchored text is gone from the head (shown with the original quote and revision)
    outdated: Mapped[bool] = mapped_column(default=False)

    page: Mapped[Page] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])

    @property
    def anchored(self) -> bool:
        return self.anchor_paragraph is not None

    def __repr__(self) -> str:
        return f"<Comment {self.id} on page {self.page_id} {self.status}>"


class CommentVersion(Base):
    """An earlier text of an edited comment (readable by the consultation's officials)."""

    __tablename__ = "comment_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    #: when this text was written (the comment's creation or its previous edit)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: when it was replaced
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CommentSupport(Base):
    """One "+1" per person per comment: the unique constraint, not a check, makes it once."""

    __tablename__ = "comment_supports"
    __table_args__ = (UniqueConstraint("comment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CommentFlag(Base):
    """One report of a comment per person; open until a moderator hides or dismisses."""

    __tablename__ = "comment_flags"
    __table_args__ = (UniqueConstraint("comment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when a moderator dealt with it (hid the comment or dismissed the flags)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class InboxRead(Base):
    """An official has read one item of a consultation's inbox (a comment or a proposal)."""

    __tablename__ = "inbox_reads"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "item_id"),
        CheckConstraint("kind IN ('comment', 'proposal')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[int] = mapped_column(Integer)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

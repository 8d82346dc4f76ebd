"""Draft pages and their immutable revisions.

A page points at its head by number; `(page, number)` is unique and the head moves only with a
guarded update (`WHERE head_number = <expected>`), so two concurrent saves can never both become
revision N. Each revision keeps its blame (who introduced each span) so that reading blame never
walks the history, and each page keeps a contributor tally so that listing contributors does not
either.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govwiki.models.base import Base, UTCDateTime, utcnow
from govwiki.models.consultations import Consultation
from govwiki.models.users import User


class Page(Base):
    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    #: unique across the site: pages are addressed as /pages/<slug>
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    #: order of the page within its consultation
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: number of the current revision; moves only by a guarded update
    head_number: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: comments that are not deleted (hidden ones included), kept by the discussion services
    comment_count: Mapped[int] = mapped_column(Integer, default=0)
    #: bumped by every change to the page's discussion: part of every cache key for the page
    discussion_version: Mapped[int] = mapped_column(Integer, default=0)
    #: the revision its comments' `placed_*` columns describe: saves leave it behind, and the
    #: first read of a new head brings the comments up to it (services.discussion_anchors)
    anchored_number: Mapped[int] = mapped_column(Integer, default=0)

    consultation: Mapped[Consultation] = relationship(back_populates="pages")

    def __repr__(self) -> str:
        return f"<Page {self.slug!r} at r{self.head_number}>"


class Revision(Base):
    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("page_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    #: 1, 2, 3… per page
    number: Mapped[int] = mapped_column(Integer)
    #: number of the revision this one replaced (None for the first)
    parent_number: Mapped[int | None] = mapped_column(Integer)
    #: whose words these are: the editor, or the proposer of a merged proposal
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: the official who merged a proposal into this revision
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the proposal merged into this revision (its author is this revision's author)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"), index=True)
    #: the revision this one restores, for reverts
    reverted_to: Mapped[int | None] = mapped_column(Integer)
    #: the editor's base revision when the save was merged over newer revisions
    merged_from_base: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(String(500), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    #: body length in UTF-8 bytes
    size: Mapped[int] = mapped_column(Integer)
    #: body length in characters (code points)
    chars: Mapped[int] = mapped_column(Integer)
    #: words in the body: each Latin word and each CJK letter is one (core.diff_views.count_words)
    words: Mapped[int] = mapped_column(Integer)
    #: words inserted and deleted since the parent revision (all of them for the first), counted
    #: like the diff's stats at save time, so listing history never diffs anything
    words_added: Mapped[int] = mapped_column(Integer)
    words_removed: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The long columns come last, the body (read by every page view) before the blame (read by
    # saves and blame views): SQLite keeps a row's columns in order and a long text spills
    # into overflow pages, so reading a column stored after a 100 KB body means reading the
    # body's pages, and a history listing that selects no body would read them all the same.
    #: the text (Markdown)
    body: Mapped[str] = mapped_column(Text)
    #: run-length attribution covering the body, (length, revision number) runs packed by
    #: core.blame.pack_blame; loaded only when asked for (page views never need it)
    blame: Mapped[str | list] = mapped_column(JSON, deferred=True)
    #: the diff from the text before it, as core.diff_shape packed it at save time (None for a
    #: page's first revision, and for revisions saved before it was kept): the first view of
    #: the change rebuilds the diff from it instead of diffing the two texts again
    diff_shape: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    merged_by: Mapped[User | None] = relationship(foreign_keys=[merged_by_id])

    def __repr__(self) -> str:
        return f"<Revision {self.page_id}#{self.number}>"


class PageContributor(Base):
    """How many revisions each person authored on a page (kept up to date on save)."""

    __tablename__ = "page_contributors"
    __table_args__ = (UniqueConstraint("page_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    revisions: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()

"""The search index's queue: searchable rows changed since the index last read them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from govwiki.models.base import Base, UTCDateTime, utcnow


class SearchChange(Base):
    """ "Index this again": written in the transaction that changed the row, deleted once the
    index has read the row's state after that commit (govwiki/services/search_queue.py)."""

    __tablename__ = "search_changes"
    # Ids are never handed out again: a drain deletes the rows it read by id once the index has
    # committed, and another drain may have deleted them already, so a reused id (SQLite's
    # default once the highest row is gone) would delete a newer change unindexed.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    #: a document key, e.g. "page:12" (govwiki/services/search_documents.py)
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

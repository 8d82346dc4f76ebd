"""Answers a database session keeps until it next writes, commits or rolls back.

A view asks some questions several times (the reader's membership: to read the page, for its
tabs, for its discussion; the number of open suggestions: for the cache key and the tabs), and
a page view can fetch several answers in one query. Kept in `session.info`, an answer lives no
longer than the transaction's view of the data; any flush forgets them all, so a change made in
the same transaction is always seen by the next question.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

T = TypeVar("T")
_KEY = "govwiki_memo"


def remembered(session: Session, key: Hashable, compute: Callable[[], T]) -> T:
    """The answer kept under `key`, computed (and kept) the first time it is asked for."""
    known = session.info.setdefault(_KEY, {})
    if key not in known:
        known[key] = compute()
    return known[key]


def remember(session: Session, key: Hashable, value) -> None:
    """Keep an answer found by a query that asked several things at once."""
    session.info.setdefault(_KEY, {})[key] = value


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget(session: Session, *_) -> None:
    session.info.pop(_KEY, None)

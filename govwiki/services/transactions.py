"""Running a use case as one transaction, and again from the start when it lost a race.

A use case that appends to something others append to at the same moment (a page's head) is
written as one attempt: read, write, commit. When another writer got there first, the attempt
raises `LostRace` (or the database refuses a duplicate or reports a lock), and `retrying` rolls
back and runs the whole attempt again on fresh state, a bounded number of times.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

T = TypeVar("T")

#: how many times a use case runs again over a state that moved under it before giving up
ATTEMPTS = 25


class LostRace(Exception):
    """Another transaction changed what this one was based on; run the attempt again."""


def retrying(session: Session, attempt: Callable[[], T], *, gave_up: Callable[[], Exception]) -> T:
    """Return what `attempt` (one whole transaction, ending in its commit) returns, running it
    again while it loses races; raise `gave_up()` after ATTEMPTS. Any error rolls back."""
    for _ in range(ATTEMPTS):
        try:
            return attempt()
        except (LostRace, IntegrityError, OperationalError) as error:
            session.rollback()
            if isinstance(error, OperationalError) and "locked" not in str(error):
                raise
        except BaseException:
            session.rollback()
            raise
    raise gave_up()

"""Helpers for the consultation-record tests: proposal rows written straight through the model
(so these tests do not depend on the proposals service), and a clock that ticks."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from govwiki.models import Proposal
from govwiki.services import clock


def add_proposal(
    session,
    page,
    author,
    *,
    status="open",
    decided_by=None,
    reason="",
    merged_revision=None,
    partial=False,
    declined=None,
    summary="A suggestion",
    body="Suggested text.\n",
    at=None,
):
    """Insert a proposal as the proposals service would leave it after its decision."""
    created = at or clock.now()
    decided = clock.now() if status != "open" else None
    proposal = Proposal(
        page_id=page.id,
        author_id=author.id,
        base_number=1,
        body=body,
        summary=summary,
        status=status,
        created_at=created,
        updated_at=decided or created,
        decided_by_id=decided_by.id if decided_by else None,
        decided_at=decided,
        reason=reason,
        merged_revision=merged_revision,
        partial=partial,
        declined=declined,
    )
    session.add(proposal)
    session.commit()
    return proposal


class TickingClock:
    """Each reading is one second after the one before, so every step of a test has its own time
    (the audit log keeps whole seconds)."""

    def __init__(self) -> None:
        self.moment = datetime(2030, 1, 1, 9, 0, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        self.moment += timedelta(seconds=1)
        return self.moment


def tick_clock(monkeypatch) -> TickingClock:
    """Make the server clock tick a second per reading, so events get distinct times."""
    ticking = TickingClock()
    monkeypatch.setattr(clock, "now", ticking)
    return ticking

"""Reading proposals: an official's review of one, the page's list, and how open ones stand.

Nothing here writes. The review diffs a proposal against its base and, while it is open, merges
it with the current head (a preview when clean, the passages marked when not); `open_states`
tells for each open proposal of a page whether it still merges and which others touch the same
passages.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govwiki.core import proposals as core
from govwiki.core.diff import DEFAULT_TIMEOUT, DiffOp, diff_texts
from govwiki.core.diff_views import diff_stats
from govwiki.core.merge import MergeResult, merge3
from govwiki.core.resolution import marked_merge
from govwiki.models import Page, Proposal, Revision
from govwiki.services.errors import Invalid
from govwiki.services.pages import get_revision, head_revision
from govwiki.services.validation import one_of
from govwiki.services.access import open_count
from govwiki.services.session_memo import remembered

#: what a proposal can be: open until merged, rejected or withdrawn
STATUSES = ("open", "merged", "rejected", "withdrawn")


@dataclass(frozen=True)
class OpenState:
    """How an open proposal stands against the current head."""

    mergeable: bool
    #: ids of the other open proposals of the page that change the same passages
    overlaps: list[int]


@dataclass(frozen=True)
class Review:
    """Everything an official needs to decide on a proposal."""

    proposal: Proposal
    base: Revision
    head: Revision
    changes: list[core.NumberedChange]
    #: base → proposal
    ops: list[DiffOp]
    stats: dict
    version: str
    #: merge3(base, proposal, head), for open proposals
    merge: MergeResult | None
    #: head → merged text when it merges cleanly
    preview_ops: list[DiffOp] | None
    #: the merge with conflicts marked, to resolve by hand, when it does not
    marked: str | None
    overlaps: list[int]

    @property
    def mergeable(self) -> bool | None:
        return None if self.merge is None else self.merge.clean


def review_proposal(
    session: Session,
    proposal: Proposal,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    mine_label: str = "suggestion",
    theirs_label: str = "current text",
) -> Review:
    """Diff the proposal against its base, and for an open one: merge it with the head."""
    page = proposal.page
    base = get_revision(session, page, proposal.base_number)
    head = head_revision(session, page)
    changes = core.numbered_changes(base.body, proposal.body)
    ops = diff_texts(base.body, proposal.body, timeout=timeout)
    merge = preview = marked = None
    overlaps: list[int] = []
    if proposal.status == "open":
        merge = merge3(base.body, proposal.body, head.body)
        if merge.clean:
            preview = diff_texts(head.body, merge.text, timeout=timeout)
        else:
            marked = marked_merge(
                base.body,
                proposal.body,
                head.body,
                mine_label=f"{mine_label} #{proposal.id}",
                theirs_label=f"{theirs_label} (r{head.number})",
            )
        overlaps = open_states(session, page).get(proposal.id, OpenState(merge.clean, [])).overlaps
    return Review(
        proposal,
        base,
        head,
        changes,
        ops,
        diff_stats(ops),
        core.version(proposal.base_number, proposal.body, changes),
        merge,
        preview,
        marked,
        overlaps,
    )


def list_proposals(
    session: Session, page: Page, *, status=None, page_no: int = 1, per_page: int = 50
) -> tuple[list[Proposal], int]:
    """One page of the page's proposals, newest first, optionally of one status, and the total."""
    if status is not None and status not in STATUSES:
        raise Invalid({"status": one_of(STATUSES)})
    query = select(Proposal).where(Proposal.page_id == page.id)
    if status is not None:
        query = query.where(Proposal.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    items = session.scalars(
        query.order_by(Proposal.id.desc()).offset((page_no - 1) * per_page).limit(per_page)
    )
    return list(items), total


def count_open(session: Session, page: Page) -> int:
    """The page's open suggestions (asked once per transaction: the page view asks twice)."""
    return remembered(
        session, ("open_proposals", page.id), lambda: session.scalar(select(open_count(page.id)))
    )


def open_states(session: Session, page: Page) -> dict[int, OpenState]:
    """For each open proposal of the page: does it merge cleanly with the head, and which other
    open proposals does it overlap (each rebased onto the head, compared in head coordinates)."""
    pending = list(
        session.scalars(
            select(Proposal)
            .where(Proposal.page_id == page.id, Proposal.status == "open")
            .order_by(Proposal.id)
        )
    )
    if not pending:
        return {}
    head = head_revision(session, page).body
    bases = dict(
        session.execute(
            select(Revision.number, Revision.body).where(
                Revision.page_id == page.id, Revision.number.in_({p.base_number for p in pending})
            )
        ).all()
    )
    clean: dict[int, bool] = {}
    footprints = {}
    for proposal in pending:
        merged = merge3(bases[proposal.base_number], proposal.body, head)
        clean[proposal.id] = merged.clean
        footprints[proposal.id] = core.rebased_hunks(bases[proposal.base_number], proposal.body, head, merged)
    groups = core.overlap_groups(footprints, head)
    return {key: OpenState(clean[key], groups[key]) for key in clean}

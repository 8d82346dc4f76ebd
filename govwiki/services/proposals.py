"""Proposals: suggested edits that officials merge (wholly or in part) or reject with a reason.

A proposal is a whole text written on a base revision. Merging it is a three-way merge over the
current head, appended through the pages service so that the head guard, blame, contributors,
notifications and the audit log work as for any save; the revision credits the proposer as
author and the official as `merged_by`. Every decision moves the proposal out of `open` with a
guarded update (`WHERE status = 'open'`, and for a merge: the text that was merged) in the same
transaction as its effects, so a proposal is decided once — two officials merging together get
one revision and one 409 `already_merged`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from govwiki.core import proposals as core
from govwiki.core.policy import Action, may_change_own
from govwiki.core.resolution import has_conflict_markers, marked_merge
from govwiki.core.messages import Message
from govwiki.models import Page, Proposal, Revision, User
from govwiki.services import audit, clock, notifications, search_queue
from govwiki.services.access import require, require_at_commit
from govwiki.services.errors import Conflict, EditConflict, Invalid, NotFound, TooLarge, refusal
from govwiki.services.pages import (
    DEFAULT_MAX_BYTES,
    SUMMARY_MAX as REVISION_SUMMARY_MAX,
    NewRevision,
    append_revision,
    get_revision,
    head_kept_moving,
    page_head_number,
)
from govwiki.services.transactions import retrying
from govwiki.services.search_documents import key
from govwiki.services.validation import check_body, check_text, raise_if

#: the proposer's rationale
SUMMARY_MAX = 2000
#: an official's public reason for a decision
REASON_MAX = 5000


@dataclass(frozen=True)
class MergeOutcome:
    proposal: Proposal
    revision: Revision
    partial: bool
    #: the page already had this text: the proposal is merged into the current revision
    unchanged: bool = False


def load_proposal(session: Session, actor: User | None, proposal_id) -> Proposal:
    """Return the proposal if the actor may read its page; 404 otherwise."""
    proposal = session.get(Proposal, proposal_id) if isinstance(proposal_id, int) else None
    if proposal is None:
        raise NotFound(Message("No such proposal."))
    require(session, actor, proposal.page.consultation, Action.READ)
    return proposal


def submit_proposal(
    session: Session,
    actor: User | None,
    page: Page,
    *,
    body,
    summary="",
    base_revision,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Proposal:
    """Propose `body` as the page's text, written on `base_revision`."""
    mine = body if isinstance(body, str) else None
    require(session, actor, page.consultation, Action.PROPOSE, your_body=mine)
    body, summary = _checked(session, page, body, summary, base_revision, max_bytes)
    at = clock.now()
    proposal = Proposal(
        page_id=page.id,
        author_id=actor.id,
        base_number=base_revision,
        body=body,
        summary=summary,
        status="open",
        created_at=at,
        updated_at=at,
    )
    session.add(proposal)
    session.flush()  # the first write: from here the consultation is decided as it commits
    require_at_commit(session, actor, page.consultation, Action.PROPOSE, your_body=body)
    notifications.proposal_submitted(session, proposal, actor)
    session.commit()
    return proposal


def update_proposal(
    session: Session,
    actor: User | None,
    proposal: Proposal,
    *,
    body=None,
    summary=None,
    base_revision=None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Proposal:
    """Let the author rewrite an open proposal (text, rationale, base); unset fields stay."""
    mine = body if isinstance(body, str) else None
    _require_author(actor, proposal, your_body=mine)
    require(session, actor, proposal.page.consultation, Action.PROPOSE, your_body=mine)
    _require_open(session, proposal, your_body=mine)
    body, summary = _checked(
        session,
        proposal.page,
        proposal.body if body is None else body,
        proposal.summary if summary is None else summary,
        proposal.base_number if base_revision is None else base_revision,
        max_bytes,
        mine=mine,
    )
    values = {
        "body": body,
        "summary": summary,
        "updated_at": clock.now(),
        "base_number": proposal.base_number if base_revision is None else base_revision,
    }
    _move(session, proposal, values, your_body=mine)
    require_at_commit(session, actor, proposal.page.consultation, Action.PROPOSE, your_body=mine)
    session.commit()
    return proposal


def check_editable(session: Session, actor: User | None, proposal: Proposal) -> None:
    """Raise what `update_proposal` would refuse with before any text is written (for forms)."""
    _require_author(actor, proposal)
    require(session, actor, proposal.page.consultation, Action.PROPOSE)
    _require_open(session, proposal)


def withdraw_proposal(session: Session, actor: User | None, proposal: Proposal) -> Proposal:
    """Let the author take back an open proposal."""
    _require_author(actor, proposal)
    _require_open(session, proposal)
    _move(session, proposal, {"status": "withdrawn", "updated_at": clock.now()})
    _record(session, actor, "proposal_withdrawn", proposal)
    session.commit()
    return proposal


def reason_problems(reason) -> dict[str, str]:
    """What is wrong with a rejection's public reason (nothing: an empty dict)."""
    fields: dict[str, str] = {}
    check_text(fields, "reason", reason, max_length=REASON_MAX, required=True)
    return fields


def reject_proposal(session: Session, actor: User | None, proposal: Proposal, *, reason) -> Proposal:
    """Decline an open proposal with a public reason."""
    require(session, actor, proposal.page.consultation, Action.REJECT)
    fields = reason_problems(reason)
    raise_if(fields)
    reason = reason.strip()
    _require_open(session, proposal)
    at = clock.now()
    _move(
        session,
        proposal,
        {
            "status": "rejected",
            "decided_by_id": actor.id,
            "decided_at": at,
            "reason": reason,
            "updated_at": at,
        },
    )
    _record(session, actor, "proposal_rejected", proposal, reason=reason)
    notifications.proposal_decided(session, proposal, "proposal_rejected")
    session.commit()
    return proposal


def merge_proposal(
    session: Session,
    actor: User | None,
    proposal: Proposal,
    *,
    body=None,
    accept=None,
    base_revision=None,
    version=None,
    reason="",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> MergeOutcome:
    """Merge the proposal (or only the hunks in `accept`) three-way over the current head.

    `body` is a text the official resolved by hand on revision `base_revision` (default: the
    head); it becomes the new revision. `version` (from the review) refuses a proposal that
    changed since it was reviewed.
    """
    page = proposal.page
    mine = body if isinstance(body, str) else None
    require(session, actor, page.consultation, Action.MERGE, your_body=mine)
    _require_open(session, proposal, your_body=mine)
    fields: dict[str, str] = {}
    reason = check_text(fields, "reason", reason, max_length=REASON_MAX)
    accept = _check_accept(fields, accept)
    if body is not None and base_revision is not None and not _is_int(base_revision):
        fields["base_revision"] = Message("required: the revision number the edit started from")
    raise_if(fields, your_body=mine)
    if body is not None:
        body = _check_resolution(body, max_bytes)
    plan = _plan_merge(
        session,
        actor,
        proposal,
        body=body,
        accept=accept,
        base_revision=base_revision,
        version=version,
        reason=reason,
        mine=mine,
    )
    try:
        return retrying(
            session,
            lambda: _merge(session, actor, proposal, plan),
            gave_up=lambda: head_kept_moving(session, page, plan.start, plan.new.body),
        )
    except EditConflict as conflict:
        raise _merge_conflict(session, page, proposal, conflict) from None


@dataclass(frozen=True)
class _MergePlan:
    """What a merge appends and decides, worked out once before its (retried) transaction."""

    new: NewRevision
    #: the revision the merged text is written on
    start: int
    kind: str
    partial: bool
    decision: dict
    audit_details: dict
    #: the proposal as reviewed (base, text): a proposal rewritten since is not merged
    reviewed: tuple[int, str]


def _plan_merge(
    session, actor, proposal, *, body, accept, base_revision, version, reason, mine
) -> _MergePlan:
    page = proposal.page
    base = get_revision(session, page, proposal.base_number)
    changes = core.numbered_changes(base.body, proposal.body)
    if version is not None and version != core.version(proposal.base_number, proposal.body, changes):
        raise Conflict(
            "proposal_changed",
            Message("The proposal changed since you reviewed it; review it again."),
            your_body=mine,
        )
    text, partial, declined = _accepted(base.body, changes, accept, mine)
    kind = "proposal_partly_merged" if partial else "proposal_merged"
    new = NewRevision(
        body if body is not None else text,
        proposal.author,
        _revision_summary(proposal),
        merged_by=actor,
        proposal_id=proposal.id,
        action=Action.MERGE,
        your_body=mine,
    )
    start = (
        proposal.base_number
        if body is None
        else (base_revision if base_revision is not None else page_head_number(session, page))
    )
    decision = {
        "status": "merged",
        "decided_by_id": actor.id,
        "reason": reason,
        "partial": partial,
        "declined": declined,
    }
    audit_details = {
        "proposal": proposal.id,
        "declined": [d["index"] for d in declined or []],
        "resolved_by_hand": body is not None,
    }
    return _MergePlan(
        new, start, kind, partial, decision, audit_details, reviewed=(proposal.base_number, proposal.body)
    )


def _merge(session: Session, actor: User, proposal: Proposal, plan: _MergePlan) -> MergeOutcome:
    """One attempt: append the revision, mark the proposal merged into it, record it, commit."""
    page = proposal.page
    result = append_revision(session, page, plan.start, plan.new)
    number = result.revision.number
    at = clock.now()
    _move(
        session,
        proposal,
        {**plan.decision, "merged_revision": number, "decided_at": at, "updated_at": at},
        expected=plan.reviewed,
    )
    if result.unchanged:  # nothing was appended: the proposal's own update was the first write
        require_at_commit(session, actor, page.consultation, Action.MERGE, your_body=plan.new.your_body)
    notifications.proposal_decided(session, proposal, plan.kind)
    details = {**plan.audit_details, "revision": number, **({"unchanged": True} if result.unchanged else {})}
    audit.record(
        session,
        actor,
        plan.kind,
        subject_type="page",
        subject_id=page.slug,
        consultation=page.consultation,
        details=details,
    )
    session.commit()
    return MergeOutcome(proposal, result.revision, plan.partial, unchanged=result.unchanged)


# --- helpers ---------------------------------------------------------------------------------


def _checked(session, page, body, summary, base_revision, max_bytes, *, mine=None) -> tuple[str, str]:
    """Validate a proposal's fields; every refusal carries the text back."""
    mine = mine if mine is not None else (body if isinstance(body, str) else None)
    fields: dict[str, str] = {}
    summary = check_text(fields, "summary", summary, max_length=SUMMARY_MAX)
    if not _is_int(base_revision):
        fields["base_revision"] = Message("required: the revision number the edit started from")
    raise_if(fields, your_body=mine)
    try:
        body = check_body(body, max_bytes=max_bytes, your_body=mine)
    except TooLarge as error:
        error.details["your_body"] = mine
        raise
    if not body.strip():  # an empty suggestion would blank the page if merged unread
        raise Invalid({"body": Message("empty: write the text as you would like it to read")}, your_body=mine)
    head = page_head_number(session, page)
    if not 1 <= base_revision <= head:
        raise Invalid(
            {"base_revision": Message("must be a revision of this page (1–%(head)d)", head=head)},
            your_body=mine,
        )
    if body == get_revision(session, page, base_revision).body:
        raise Invalid(
            {"body": Message("the same as the text it is based on: change something to suggest it")},
            your_body=mine,
        )
    return body, summary


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -(2**31) < value < 2**31


def _check_accept(fields: dict, accept) -> list[int] | None:
    if accept is None:
        return None
    if not isinstance(accept, list) or not all(_is_int(i) for i in accept):
        fields["accept"] = Message("a list of change numbers")
        return None
    if not accept:
        fields["accept"] = Message("choose at least one change to merge (or reject the proposal)")
    return sorted(set(accept))


def _check_resolution(body, max_bytes: int) -> str:
    body = check_body(body, max_bytes=max_bytes, your_body=body if isinstance(body, str) else None)
    if has_conflict_markers(body):
        raise Invalid(
            {
                "body": Message(
                    "still holds conflict markers (<<<<<<< and >>>>>>> lines): resolve every marked passage"
                )
            },
            your_body=body,
        )
    return body


def _accepted(base: str, changes, accept, mine) -> tuple[str, bool, list[dict] | None]:
    """The text to merge, whether only some changes are taken, and the declined ones."""
    if accept is None:
        return _apply_all(base, changes), False, None
    if any(index >= len(changes) or index < 0 for index in accept):
        raise Invalid(
            {"accept": Message("change numbers run from 0 to %(last)d", last=len(changes) - 1)},
            your_body=mine,
        )
    declined = core.declined(changes, accept)
    return core.accepted_text(base, changes, accept), bool(declined), declined or None


def _apply_all(base: str, changes) -> str:
    return core.accepted_text(base, changes, [h.index for h in changes])


def _require_author(actor: User | None, proposal: Proposal, **details) -> None:
    is_author = actor is not None and actor.id == proposal.author_id
    verdict = may_change_own(actor.role if actor is not None else None, is_author)
    if not verdict:
        message = "Only the author of a proposal may change or withdraw it."
        raise refusal(verdict.reason, message if verdict.reason == "forbidden" else None, **details)


def _require_open(session: Session, proposal: Proposal, **details) -> None:
    status, revision = session.execute(
        select(Proposal.status, Proposal.merged_revision).where(Proposal.id == proposal.id)
    ).one()
    if status != "open":
        raise _not_open(status, revision, **details)


def _not_open(status: str, revision: int | None, **details) -> Conflict:
    if status == "merged":
        return Conflict(
            "already_merged",
            Message("This proposal has already been merged."),
            status=status,
            merged_revision=revision,
            **details,
        )
    return Conflict("not_open", Message("This proposal is no longer open."), status=status, **details)


def _move(session: Session, proposal: Proposal, values: dict, *, expected=None, **details) -> None:
    """Update an open proposal, or raise 409 if it was decided (or rewritten) meanwhile."""
    query = update(Proposal).where(Proposal.id == proposal.id, Proposal.status == "open")
    if expected is not None:
        query = query.where(Proposal.base_number == expected[0], Proposal.body == expected[1])
    moved = session.execute(query.values(**values).execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        status, revision = session.execute(
            select(Proposal.status, Proposal.merged_revision).where(Proposal.id == proposal.id)
        ).one()
        if status == "open":
            raise Conflict(
                "proposal_changed",
                Message("The proposal changed since you reviewed it; review it again."),
                **details,
            )
        raise _not_open(status, revision, **details)
    search_queue.changed(session, key("proposal", proposal.id))  # a bulk UPDATE: no flush saw it
    session.expire(proposal)  # read the stored values back (in this transaction) when next used


def _record(session: Session, actor: User, action: str, proposal: Proposal, **details) -> None:
    page = proposal.page
    audit.record(
        session,
        actor,
        action,
        subject_type="proposal",
        subject_id=proposal.id,
        consultation=page.consultation,
        details={"page": page.slug, **details},
    )


def _revision_summary(proposal: Proposal) -> str:
    text = f"Merged suggestion #{proposal.id}"
    if proposal.summary:
        text += f": {proposal.summary}"
    return text if len(text) <= REVISION_SUMMARY_MAX else text[: REVISION_SUMMARY_MAX - 1] + "…"


def _merge_conflict(session: Session, page: Page, proposal: Proposal, conflict: EditConflict) -> EditConflict:
    """The 409 of a merge that overlaps newer changes: both texts, the conflicts, and a text with
    the conflicting passages marked for resolving by hand."""
    details = dict(conflict.details)
    if details.get("conflicts"):
        base = get_revision(session, page, details["base_revision"])
        details["marked_body"] = marked_merge(
            base.body,
            details["your_body"],
            details["head_body"],
            mine_label=f"suggestion #{proposal.id}",
            theirs_label=f"current text (r{details['head_revision']})",
        )
    session.rollback()
    return EditConflict(
        Message(
            "The proposal changes passages that were changed since it was written. Nothing was "
            "merged: resolve the conflicting passages by hand and merge the resolved text."
        ),
        proposal=proposal.id,
        **details,
    )

"""The outcome report of a consultation: "we asked, you said, we did".

We asked: the text as opened for consultation. You said: who took part, and what they proposed.
We did: each proposal's fate (merged, with the revision where it landed and any parts declined;
rejected, with the public reason and the official who decided; withdrawn; still open), and per
page the diff from the text as opened to the text as adopted (or the current text, before
adoption). The report is plain data, shared by the web page, the API and `to_markdown`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from functools import partial

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session, defer, selectinload

from govwiki.core import moments
from govwiki.core.diff import DEFAULT_TIMEOUT, EQUAL, DiffOp, diff_texts
from govwiki.core.diff_views import diff_stats
from govwiki.models import Consultation, Page, Proposal, Revision, User
from govwiki.services import clock, snapshots

#: unchanged lines kept around each change in the Markdown diff
MARKDOWN_CONTEXT = 2


@dataclass(frozen=True)
class Counts:
    """Participation and proposals; merged, partly merged, rejected, withdrawn and open add up
    to received."""

    participants: int
    revisions: int
    received: int
    merged: int
    partly_merged: int
    rejected: int
    withdrawn: int
    open: int


@dataclass(frozen=True)
class Participant:
    user: User
    revisions: int
    proposals: int


@dataclass(frozen=True)
class PageChange:
    """A page's text as opened (its first revision if it was added after opening; None: the
    consultation has not opened) against its text as
    adopted (`final_kind` "adopted") or its current text ("current")."""

    page: Page
    opened: Revision | None
    final: Revision
    final_kind: str
    ops: list[DiffOp]
    stats: dict
    #: the page was added after the consultation opened: its first revision is the opened text
    added_later: bool = False

    @property
    def changed(self) -> bool:
        return any(op.op != EQUAL for op in self.ops)


@dataclass(frozen=True)
class Report:
    consultation: Consultation
    generated_at: datetime
    counts: Counts
    participants: list[Participant]
    merged: list[Proposal]
    rejected: list[Proposal]
    withdrawn: list[Proposal]
    pending: list[Proposal]
    changes: list[PageChange]


def consultation_report(session: Session, consultation: Consultation, *, timeout: float = DEFAULT_TIMEOUT) -> Report:
    """Build the outcome report (the caller has checked that the reader may read it)."""
    proposals = _proposals(session, consultation)
    by_status = {s: [p for p in proposals if p.status == s] for s in ("merged", "rejected", "withdrawn", "open")}
    participants = _participants(session, consultation)
    counts = Counts(
        participants=len(participants), revisions=sum(p.revisions for p in participants),
        received=len(proposals), merged=sum(not p.partial for p in by_status["merged"]),
        partly_merged=sum(bool(p.partial) for p in by_status["merged"]),
        rejected=len(by_status["rejected"]), withdrawn=len(by_status["withdrawn"]), open=len(by_status["open"]),
    )
    return Report(
        consultation, clock.now(), counts, participants, by_status["merged"], by_status["rejected"],
        by_status["withdrawn"], by_status["open"], page_changes(session, consultation, timeout=timeout),
    )


def _proposals(session: Session, consultation: Consultation) -> list[Proposal]:
    return list(session.scalars(
        select(Proposal).join(Page, Page.id == Proposal.page_id)
        .where(Page.consultation_id == consultation.id)
        .options(selectinload(Proposal.author), selectinload(Proposal.decided_by), selectinload(Proposal.page),
                 defer(Proposal.body))
        .order_by(func.coalesce(Proposal.decided_at, Proposal.created_at), Proposal.id)
    ))


def _participants(session: Session, consultation: Consultation) -> list[Participant]:
    """Everyone who wrote a revision or a proposal, most contributions first."""
    revisions = _tally(session, Revision.author_id, Revision.page_id, consultation)
    proposals = _tally(session, Proposal.author_id, Proposal.page_id, consultation)
    ids = set(revisions) | set(proposals)
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    people = [Participant(users[i], revisions.get(i, 0), proposals.get(i, 0)) for i in ids]
    return sorted(people, key=lambda p: (-(p.revisions + p.proposals), p.user.display_name.casefold(), p.user.id))


def _tally(session: Session, author, page_id, consultation: Consultation) -> dict[int, int]:
    rows = session.execute(
        select(author, func.count()).join(Page, Page.id == page_id)
        .where(Page.consultation_id == consultation.id).group_by(author)
    )
    return dict(rows.all())


def page_changes(session: Session, consultation: Consultation, *, timeout: float = DEFAULT_TIMEOUT) -> list[PageChange]:
    """Per page: the diff from the text as opened to the text as adopted, or the current text."""
    opened, added_later = snapshots.opened(session, consultation)
    adopted = snapshots.revisions(session, consultation, "adopted")
    pages = list(session.scalars(
        select(Page).where(Page.consultation_id == consultation.id).order_by(Page.position, Page.id)
    ))
    wanted = {(p.id, n) for p in pages for n in (opened.get(p.id), adopted.get(p.id, p.head_number)) if n}
    revisions = _revisions(session, wanted)
    changes = []
    for page in pages:
        final_number = adopted.get(page.id, page.head_number)
        start = revisions.get((page.id, opened.get(page.id)))
        final = revisions[(page.id, final_number)]
        ops = diff_texts(start.body if start else "", final.body, timeout=timeout)
        kind = "adopted" if page.id in adopted else "current"
        changes.append(PageChange(page, start, final, kind, ops, diff_stats(ops), page.id in added_later))
    return changes


def _revisions(session: Session, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], Revision]:
    if not wanted:
        return {}
    query = (
        select(Revision).where(tuple_(Revision.page_id, Revision.number).in_(sorted(wanted)))
        .options(selectinload(Revision.author))
    )
    return {(r.page_id, r.number): r for r in session.scalars(query)}


# --- Markdown ----------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = "\\`*_[]<>#|~!"


def to_markdown(report: Report, *, zone: tzinfo = timezone.utc) -> str:
    """The report as a Markdown document (English), for download and archiving; times in `zone`."""
    c = report.consultation
    when = partial(_when, zone=zone)
    lines = [f"# Outcome report: {_inline(c.title)}", ""]
    lines += [(f"Status: {c.status}. Opened: {when(c.opens_at)}. Deadline: {when(c.closes_at)}. "
               f"Report generated {when(report.generated_at)}."), ""]
    lines += _asked(report) + _said(report) + _did(report, when) + _changes_md(report.changes)
    return "\n".join(lines).rstrip("\n") + "\n"


def _asked(report: Report) -> list[str]:
    lines = ["## We asked", ""]
    if report.consultation.summary:
        lines += _quote(report.consultation.summary) + [""]
    for change in report.changes:
        opened = f"revision {change.opened.number}" if change.opened else "not opened yet"
        opened += ", added after opening" if change.added_later else ""
        lines.append(f"- {_inline(change.page.title)} (as opened: {opened})")
    return lines + [""] if report.changes else lines


def _said(report: Report) -> list[str]:
    n = report.counts
    lines = ["## You said", "",
             f"- People who took part: {n.participants}", f"- Revisions: {n.revisions}",
             f"- Proposals received: {n.received}", f"  - merged: {n.merged}",
             f"  - partly merged: {n.partly_merged}", f"  - rejected: {n.rejected}",
             f"  - withdrawn: {n.withdrawn}", f"  - awaiting a decision: {n.open}", ""]
    if report.participants:
        lines += ["### Participants", ""]
        lines += [f"- {_person(p.user)}: {_count(p.revisions, 'revision')}, {_count(p.proposals, 'proposal')}"
                  for p in report.participants]
        lines.append("")
    return lines


def _did(report: Report, when) -> list[str]:
    lines = ["## We did", ""]
    if report.merged:
        lines += ["### Merged proposals", ""]
        for p in report.merged:
            how = "Partly merged" if p.partial else "Merged"
            lines.append(f"- Proposal #{p.id} on “{_inline(p.page.title)}” by {_person(p.author)}: "
                         f"{_inline(p.summary) or '(no summary)'}. {how} by {_person(p.decided_by)} on "
                         f"{when(p.decided_at)} into revision {p.merged_revision}.")
            lines += ["  " + line for line in _quote(p.reason)] if p.reason else []
            for part in p.declined or []:
                lines.append(f"  - Declined: “{_inline(str(part.get('base', '')))}” → "
                             f"“{_inline(str(part.get('text', '')))}”")
        lines.append("")
    if report.rejected:
        lines += ["### Rejected proposals", ""]
        for p in report.rejected:
            lines.append(f"- Proposal #{p.id} on “{_inline(p.page.title)}” by {_person(p.author)}: "
                         f"{_inline(p.summary) or '(no summary)'}. Rejected by {_person(p.decided_by)} "
                         f"on {when(p.decided_at)}. Reason:")
            lines += ["  " + line for line in _quote(p.reason or "(none given)")]
        lines.append("")
    for title, items in (("Withdrawn proposals", report.withdrawn), ("Awaiting a decision", report.pending)):
        if items:
            lines += [f"### {title}", ""]
            lines += [f"- Proposal #{p.id} on “{_inline(p.page.title)}” by {_person(p.author)}: "
                      f"{_inline(p.summary) or '(no summary)'}" for p in items]
            lines.append("")
    return lines


def _changes_md(changes: list[PageChange]) -> list[str]:
    lines = ["## The text: as opened and as adopted", ""]
    for change in changes:
        start = f"revision {change.opened.number}" if change.opened else "nothing (not opened yet)"
        final = f"{'adopted' if change.final_kind == 'adopted' else 'current'} text, revision {change.final.number}"
        stats = change.stats
        lines += [f"### {_inline(change.page.title)}", "",
                  (f"From {start} to the {final}: {_count(stats['inserted'], 'word')} inserted, "
                   f"{_count(stats['deleted'], 'word')} deleted."), ""]
        if change.changed:
            lines += _fenced(_word_diff(change.ops)) + [""]
    if not changes:
        lines += ["This consultation has no pages.", ""]
    return lines


def _word_diff(ops: list[DiffOp]) -> str:
    """The diff in git's word-diff notation, long unchanged stretches folded."""
    out = []
    for index, op in enumerate(ops):
        if op.op == EQUAL:
            out.append(_fold(op.text, index > 0, index < len(ops) - 1))
        else:
            out.append(("{+%s+}" if op.op == "insert" else "[-%s-]") % op.text)
    return "".join(out)


def _fold(text: str, after_change: bool, before_change: bool) -> str:
    lines = text.splitlines(keepends=True)
    head = MARKDOWN_CONTEXT if after_change else 0
    tail = MARKDOWN_CONTEXT if before_change else 0
    hidden = len(lines) - head - tail
    if hidden <= 2:
        return text
    return "".join(lines[:head]) + f"[… {hidden} unchanged lines …]\n" + "".join(lines[len(lines) - tail:])


def _fenced(text: str) -> list[str]:
    longest = max((len(run) for run in _backtick_runs(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence, text.rstrip("\n"), fence]


def _backtick_runs(text: str) -> list[str]:
    runs, current = [], ""
    for char in text:
        if char == "`":
            current += char
        elif current:
            runs.append(current)
            current = ""
    return runs + ([current] if current else [])


def _inline(text: str) -> str:
    """Text safe inside a Markdown line: one line, special characters escaped."""
    return _escape(" ".join((text or "").split()))


def _quote(text: str) -> list[str]:
    """Text as a Markdown block quote, line by line, special characters escaped."""
    return ["> " + _escape(line) for line in text.splitlines() or [""]]


def _escape(text: str) -> str:
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)


def _person(user: User | None) -> str:
    return f"{_inline(user.display_name)} (@{_inline(user.username)})" if user else "(unknown)"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _when(moment: datetime | None, zone: tzinfo) -> str:
    return moments.shown(moment, zone) if moment else "not set"

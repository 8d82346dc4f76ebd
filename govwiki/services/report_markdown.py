"""The outcome report as a Markdown document (English), for download and archiving.

It reads only the report's plain data (`services.report.Report`), so the web page, the API and
this document always tell the same story.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone, tzinfo
from functools import partial

from govwiki.core import moments
from govwiki.core.diff import EQUAL, DiffOp
from govwiki.models import Comment, User
from govwiki.services.people import Roles
from govwiki.services.report import MARKDOWN_CONTEXT, PageChange, Report, Response

_MARKDOWN_SPECIAL = "\\`*_[]<>#|~!"


def to_markdown(
    report: Report, *, zone: tzinfo = timezone.utc, link: Callable[[Comment], str] | None = None
) -> str:
    """The report as a Markdown document (English), for download and archiving; times in `zone`,
    comments linked where `link` gives their address."""
    c = report.consultation
    when = partial(_when, zone=zone)
    lines = [f"# Outcome report: {_inline(c.title)}", ""]
    lines += [
        (
            f"Status: {c.status}. Opened: {when(c.opens_at)}. Deadline: {when(c.closes_at)}. "
            f"Report generated {when(report.generated_at)}."
        ),
        "",
    ]
    lines += _asked(report) + _said(report) + _did(report, when)
    lines += _responses_md(report.responses, when, link, report.roles) + _changes_md(report.changes)
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
    lines = [
        "## You said",
        "",
        f"- People who took part: {n.participants}",
        f"- Revisions: {n.revisions}",
        f"- Proposals received: {n.received}",
        f"  - merged: {n.merged}",
        f"  - partly merged: {n.partly_merged}",
        f"  - rejected: {n.rejected}",
        f"  - withdrawn: {n.withdrawn}",
        f"  - awaiting a decision: {n.open}",
        f"- Comments received: {report.comments.received}",
        f"  - answered: {report.comments.answered}",
        f"  - hidden by moderators: {report.comments.hidden}",
        f"- Official responses to comments: {report.comments.responses}",
        "",
    ]
    if report.participants:
        lines += ["### Participants", ""]
        lines += [
            f"- {_person(p.user, report.roles)}: {_count(p.revisions, 'revision')}, {_count(p.proposals, 'proposal')}, "
            f"{_count(p.comments, 'comment')}"
            for p in report.participants
        ]
        lines.append("")
    return lines


def _did(report: Report, when) -> list[str]:
    lines = ["## We did", ""]
    if report.merged:
        lines += ["### Merged proposals", ""]
        for p in report.merged:
            how = "Partly merged" if p.partial else "Merged"
            lines.append(
                f"- Proposal #{p.id} on “{_inline(p.page.title)}” by {_person(p.author, report.roles)}: "
                f"{_inline(p.summary) or '(no summary)'}. {how} by {_person(p.decided_by, report.roles)} on "
                f"{when(p.decided_at)} into revision {p.merged_revision}."
            )
            lines += ["  " + line for line in _quote(p.reason)] if p.reason else []
            for part in p.declined or []:
                lines.append(
                    f"  - Declined: “{_inline(str(part.get('base', '')))}” → "
                    f"“{_inline(str(part.get('text', '')))}”"
                )
        lines.append("")
    if report.rejected:
        lines += ["### Rejected proposals", ""]
        for p in report.rejected:
            lines.append(
                f"- Proposal #{p.id} on “{_inline(p.page.title)}” by {_person(p.author, report.roles)}: "
                f"{_inline(p.summary) or '(no summary)'}. Rejected by {_person(p.decided_by, report.roles)} "
                f"on {when(p.decided_at)}. Reason:"
            )
            lines += ["  " + line for line in _quote(p.reason or "(none given)")]
        lines.append("")
    for title, items in (("Withdrawn proposals", report.withdrawn), ("Awaiting a decision", report.pending)):
        if items:
            lines += [f"### {title}", ""]
            lines += [
                f"- Proposal #{p.id} on “{_inline(p.page.title)}” by {_person(p.author, report.roles)}: "
                f"{_inline(p.summary) or '(no summary)'}"
                for p in items
            ]
            lines.append("")
    return lines


def _responses_md(responses: list[Response], when, link, roles: Roles) -> list[str]:
    """The official responses, quoted, each after the comment it answers (if the public may read it)."""
    if not responses:
        return []
    lines = ["### Official responses to comments", ""]
    for response in responses:
        reply, question = response.reply, response.answered
        lines.append(
            f"- {_comment_ref(reply, link, 'Response')} on “{_inline(reply.page.title)}” by "
            f"{_person(reply.author, roles)} on {when(reply.created_at)}"
            + (
                f", answering {_comment_ref(question, link, 'comment')}{_by(question, roles)}:"
                if question
                else ":"
            )
        )
        if response.answered_text is not None:
            lines += ["  " + line for line in _quote(response.answered_text)] + [""]
        elif question is not None and question.status == "hidden":
            lines += [f"  (That comment was hidden by a moderator: {_inline(question.hidden_reason)}.)", ""]
        lines += ["  **Answer:**", ""] + ["  " + line for line in _quote(response.text)]
    return lines + [""]


def _comment_ref(comment: Comment, link, noun: str) -> str:
    label = f"{noun} #{comment.id}"
    return f"[{label}](<{link(comment)}>)" if link is not None else label


def _by(comment: Comment, roles: Roles) -> str:
    return f" by {_person(comment.author, roles)}" if comment.status != "deleted" else " (deleted)"


def _changes_md(changes: list[PageChange]) -> list[str]:
    lines = ["## The text: as opened and as adopted", ""]
    for change in changes:
        start = f"revision {change.opened.number}" if change.opened else "nothing (not opened yet)"
        final = f"{'adopted' if change.final_kind == 'adopted' else 'current'} text, revision {change.final.number}"
        stats = change.stats
        lines += [
            f"### {_inline(change.page.title)}",
            "",
            (
                f"From {start} to the {final}: {_count(stats['inserted'], 'word')} inserted, "
                f"{_count(stats['deleted'], 'word')} deleted."
            ),
            "",
        ]
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
    return "".join(lines[:head]) + f"[… {hidden} unchanged lines …]\n" + "".join(lines[len(lines) - tail :])


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


#: how a role in the consultation reads beside a name (the web pages' badge)
ROLE_NAMES = {"official": "official", "expert": "invited expert"}


def _person(user: User | None, roles: Roles) -> str:
    """A name, its handle and, for a member of the consultation, their role and affiliation."""
    if user is None:
        return "(unknown)"
    badge = roles.of(user)
    role = f", {ROLE_NAMES[badge.role]}" if badge else ""
    role += f", {_inline(badge.affiliation)}" if badge and badge.affiliation else ""
    return f"{_inline(user.display_name)} (@{_inline(user.username)}{role})"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _when(moment: datetime | None, zone: tzinfo) -> str:
    return moments.shown(moment, zone) if moment else "not set"

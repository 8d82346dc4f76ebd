"""The outcome report of a consultation: "we asked, you said, we did".

We asked: the text as opened for consultation. You said: who took part, what they proposed, and
how many comments they wrote (and how many of those were answered). We did: each proposal's fate
(merged, with the revision where it landed and any parts declined; rejected, with the public
reason and the official who decided; withdrawn; still open), the consultation's official
responses to comments, quoted, and per page the diff from the text as opened to the text as
adopted (or the current text, before adoption). Hidden comments are counted, never quoted
(`services.discussion_record`). The report is plain data, shared by the web page, the API and the Markdown document
(`services.report_markdown`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select, tuple_
from sqlalchemy.orm import Session, defer, selectinload

from govwiki.core.diff import DEFAULT_TIMEOUT, EQUAL, DiffOp
from govwiki.core.diff_cache import EMPTY_SHA256, diff_once
from govwiki.models import Comment, Consultation, Page, Proposal, Revision, User
from govwiki.services import clock, comment_views, discussion_record, inbox, people, snapshots

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
class CommentCounts:
    """Comments received from the public (not the officials' own, not deleted): how many, how many
    an official marked answered, how many a moderator hid; and the official responses posted."""

    received: int
    answered: int
    hidden: int
    responses: int


@dataclass(frozen=True)
class Participant:
    user: User
    revisions: int
    proposals: int
    comments: int = 0


@dataclass(frozen=True)
class Response:
    """An official response, quoted, with the comment it answers (whose text only if quotable)."""

    reply: Comment
    text: str
    #: the text rendered with the pages' Markdown and sanitizer
    html: str
    answered: Comment | None
    answered_text: str | None


@dataclass(frozen=True)
class PageChange:
    """A page's text as opened (its first revision if it was added after opening; None: the
    consultation has not opened) against its text as
    adopted (`final_kind` "adopted") or its current text ("current")."""

    page: Page
    opened: Revision | None
    final: Revision
    final_kind: str
    ops: tuple[DiffOp, ...]  # shared through the diff cache: read-only
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
    comments: CommentCounts
    #: the official responses that may be quoted, oldest first
    responses: list[Response]
    #: who holds which role in the consultation: the badges beside the names
    roles: people.Roles = people.NO_ROLES


def consultation_report(
    session: Session, consultation: Consultation, *, timeout: float = DEFAULT_TIMEOUT
) -> Report:
    """Build the outcome report (the caller has checked that the reader may read it)."""
    proposals = _proposals(session, consultation)
    by_status = {
        s: [p for p in proposals if p.status == s] for s in ("merged", "rejected", "withdrawn", "open")
    }
    participants = _participants(session, consultation)
    counts = Counts(
        participants=len(participants),
        revisions=sum(p.revisions for p in participants),
        received=len(proposals),
        merged=sum(not p.partial for p in by_status["merged"]),
        partly_merged=sum(bool(p.partial) for p in by_status["merged"]),
        rejected=len(by_status["rejected"]),
        withdrawn=len(by_status["withdrawn"]),
        open=len(by_status["open"]),
    )
    return Report(
        consultation,
        clock.now(),
        counts,
        participants,
        by_status["merged"],
        by_status["rejected"],
        by_status["withdrawn"],
        by_status["open"],
        page_changes(session, consultation, timeout=timeout),
        comment_counts(session, consultation),
        official_responses(session, consultation),
        people.roles_in(session, consultation),
    )


def comment_counts(session: Session, consultation: Consultation) -> CommentCounts:
    """How many comments the consultation received, answered and hid, and its responses."""
    received = (
        select(Comment.answered_at, Comment.status)
        .join(Page, Page.id == Comment.page_id)
        .where(inbox.received_comments(consultation))
        .subquery()
    )
    row = session.execute(
        select(
            func.count(),
            func.count(received.c.answered_at),
            func.count(case((received.c.status == "hidden", 1))),
        ).select_from(received)
    ).one()
    responses = session.scalar(
        select(func.count())
        .select_from(Comment)
        .join(Page, Page.id == Comment.page_id)
        .where(
            Page.consultation_id == consultation.id, Comment.official.is_(True), discussion_record.IN_RECORD
        )
    )
    return CommentCounts(received=row[0], answered=row[1], hidden=row[2], responses=responses)


def official_responses(session: Session, consultation: Consultation) -> list[Response]:
    """The consultation's answers that the record may quote, each with the comment it answers."""
    replies = list(
        session.scalars(
            select(Comment)
            .join(Page, Page.id == Comment.page_id)
            .where(
                Page.consultation_id == consultation.id,
                Comment.official.is_(True),
                Comment.status == "visible",
            )
            .options(selectinload(Comment.author), selectinload(Comment.page))
            .order_by(Comment.created_at, Comment.id)
        )
    )
    answered = discussion_record.load(session, [discussion_record.answered_id(r) for r in replies])
    responses = []
    for reply in replies:
        question = answered.get(discussion_record.answered_id(reply))
        text = discussion_record.quotable(reply)
        html = comment_views.comment_html(text)
        responses.append(Response(reply, text, html, question, discussion_record.quotable(question)))
    return responses


def _proposals(session: Session, consultation: Consultation) -> list[Proposal]:
    return list(
        session.scalars(
            select(Proposal)
            .join(Page, Page.id == Proposal.page_id)
            .where(Page.consultation_id == consultation.id)
            .options(
                selectinload(Proposal.author),
                selectinload(Proposal.decided_by),
                selectinload(Proposal.page),
                defer(Proposal.body),
            )
            .order_by(func.coalesce(Proposal.decided_at, Proposal.created_at), Proposal.id)
        )
    )


def _participants(session: Session, consultation: Consultation) -> list[Participant]:
    """Everyone who wrote a revision, a proposal or a comment (not the consultation's official
    responses), most contributions first."""
    revisions = _tally(session, Revision.author_id, Revision.page_id, consultation)
    proposals = _tally(session, Proposal.author_id, Proposal.page_id, consultation)
    comments = _tally(
        session,
        Comment.author_id,
        Comment.page_id,
        consultation,
        discussion_record.IN_RECORD,
        Comment.official.is_(False),
    )
    ids = set(revisions) | set(proposals) | set(comments)
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    people = [
        Participant(users[i], revisions.get(i, 0), proposals.get(i, 0), comments.get(i, 0)) for i in ids
    ]
    return sorted(
        people,
        key=lambda p: (-(p.revisions + p.proposals + p.comments), p.user.display_name.casefold(), p.user.id),
    )


def _tally(session: Session, author, page_id, consultation: Consultation, *conditions) -> dict[int, int]:
    rows = session.execute(
        select(author, func.count())
        .join(Page, Page.id == page_id)
        .where(Page.consultation_id == consultation.id, *conditions)
        .group_by(author)
    )
    return dict(rows.all())


def page_changes(
    session: Session, consultation: Consultation, *, timeout: float = DEFAULT_TIMEOUT
) -> list[PageChange]:
    """Per page: the diff from the text as opened to the text as adopted, or the current text."""
    opened, added_later = snapshots.opened(session, consultation)
    adopted = snapshots.revisions(session, consultation, "adopted")
    pages = list(
        session.scalars(
            select(Page).where(Page.consultation_id == consultation.id).order_by(Page.position, Page.id)
        )
    )
    wanted = {(p.id, n) for p in pages for n in (opened.get(p.id), adopted.get(p.id, p.head_number)) if n}
    revisions = _revisions(session, wanted)
    changes = []
    for page in pages:
        final_number = adopted.get(page.id, page.head_number)
        start = revisions.get((page.id, opened.get(page.id)))
        final = revisions[(page.id, final_number)]
        found = diff_once(
            start.sha256 if start else EMPTY_SHA256,
            final.sha256,
            lambda: (start.body if start else "", final.body),
            timeout=timeout,
        )
        kind = "adopted" if page.id in adopted else "current"
        changes.append(
            PageChange(page, start, final, kind, found.ops, dict(found.stats), page.id in added_later)
        )
    return changes


def _revisions(session: Session, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], Revision]:
    if not wanted:
        return {}
    query = (
        select(Revision)
        .where(tuple_(Revision.page_id, Revision.number).in_(sorted(wanted)))
        .options(selectinload(Revision.author), defer(Revision.body))  # read only for a new diff
    )
    return {(r.page_id, r.number): r for r in session.scalars(query)}

"""Watchlists and in-app notifications, grouped so that a busy consultation buries nobody.

Edits of one page reach each watcher as one entry per page per day (UTC, by the server clock),
whose count grows with each edit and which remembers the day's first and latest revisions, so
that it can link to the diff of the whole day. Status changes and decisions on someone's
proposal are entries of their own, and so is each new proposal, which reaches the consultation's
officials (whether or not they watch) and the page's and consultation's watchers. An entry bumped
after it was read is unread again.

Comments have entries of their own kinds (services.comment_notifications, whose hooks are
`comment_posted` and `comment_answered` here): replies and official responses to one's comment,
and new comments on a watched page, one entry per page per day.

People watch by default the pages they edit, suggest changes to or comment on, unless they
already watch the consultation or once stopped watching that page (an opt-out row remembers that
choice; watching the page again removes it).

Notifying joins the caller's transaction. Entries are written whatever the watcher may read at
that moment; what they may read is decided when the entries are listed or counted (by the same
condition as every other consultation list), so a consultation that turns private, or an expert
who loses membership, takes its entries out of sight — and back, if access returns.

Every event also queues its mail in the same transaction (services.notification_mail: at once
and grouped, in a digest, or not, by each reader's choice).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, func, or_, select, union, update
from sqlalchemy.orm import Session, selectinload

from govwiki.core.policy import Action
from govwiki.models import (
    Consultation,
    Membership,
    Notification,
    Page,
    Proposal,
    Revision,
    User,
    Watch,
    WatchOptOut,
)
from govwiki.services import clock
from govwiki.services.access import reader_kind, readable_condition, readable_filter, require
from govwiki.services.comment_notifications import comment_answered, comment_posted  # noqa: F401 - hooks
from govwiki.services.notification_groups import add_entries as _add_entries
from govwiki.services.notification_groups import merged_details, notify_group, one_person, watch_by_default
from govwiki.services.notification_groups import watchers as _watchers
from govwiki.services.errors import Invalid, NotFound, Unauthenticated
from govwiki.services.session_memo import remember, remembered
from govwiki.services.notification_mail import mail_group
from govwiki.services.upsert import insert_or_ignore, insert_or_update
from govwiki.core.messages import Message

#: the kinds of decision a proposer hears about
DECISIONS = ("proposal_merged", "proposal_partly_merged", "proposal_rejected")
#: editors named on a day's entry; later newcomers only set `more_editors`
NAMED_EDITORS = 20
#: the most entries one request may mark read by id
MAX_IDS = 500


@dataclass(frozen=True)
class Watched:
    """One line of a watchlist: a consultation, or a page with its consultation."""

    consultation: Consultation
    page: Page | None
    since: datetime

    @property
    def kind(self) -> str:
        return "page" if self.page is not None else "consultation"


def watch(
    session: Session, user: User | None, *, consultation: Consultation | None = None, page: Page | None = None
) -> None:
    """Start watching a consultation or a page the user may read (watching twice is harmless)."""
    _signed_in(user)
    require(session, user, _consultation_of(consultation, page), Action.READ)
    insert_or_ignore(
        session,
        Watch.__table__,
        {
            "user_id": user.id,
            "consultation_id": consultation.id if consultation else None,
            "page_id": page.id if page else None,
            "created_at": clock.now(),
        },
    )
    if page is not None:
        session.execute(
            delete(WatchOptOut).where(WatchOptOut.user_id == user.id, WatchOptOut.page_id == page.id)
        )
    session.commit()


def unwatch(
    session: Session, user: User | None, *, consultation: Consultation | None = None, page: Page | None = None
) -> None:
    """Stop watching a consultation or a page (dropping one's own watch reveals nothing)."""
    _signed_in(user)
    session.execute(delete(Watch).where(Watch.user_id == user.id, _target(consultation, page)))
    if page is not None:  # remembered, so that the next edit does not watch it again by default
        insert_or_ignore(
            session,
            WatchOptOut.__table__,
            {"user_id": user.id, "page_id": page.id, "created_at": clock.now()},
        )
    session.commit()


def is_watching(
    session: Session, user: User | None, *, consultation: Consultation | None = None, page: Page | None = None
) -> bool:
    """Whether the user watches exactly this consultation or page."""
    if user is None:
        return False
    return (
        session.scalar(select(Watch.id).where(Watch.user_id == user.id, _target(consultation, page)))
        is not None
    )


def _signed_in(user: User | None) -> None:
    if user is None:
        raise Unauthenticated(Message("Sign in to do this."))


def _consultation_of(consultation: Consultation | None, page: Page | None) -> Consultation:
    if (consultation is None) == (page is None):
        raise ValueError("name exactly one of a consultation or a page")
    return consultation if consultation is not None else page.consultation


def _target(consultation: Consultation | None, page: Page | None):
    _consultation_of(consultation, page)
    return Watch.consultation_id == consultation.id if consultation else Watch.page_id == page.id


def list_watches(
    session: Session, user: User, *, page: int = 1, per_page: int = 50
) -> tuple[list[Watched], int]:
    """One page of what the user watches and may still read, newest first, and the total."""
    query = (
        select(Watch.created_at, Consultation, Page)
        .select_from(Watch)
        .outerjoin(Page, Page.id == Watch.page_id)
        .join(Consultation, Consultation.id == func.coalesce(Watch.consultation_id, Page.consultation_id))
        .where(Watch.user_id == user.id, readable_filter(user))
    )
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.execute(
        query.order_by(Watch.created_at.desc(), Watch.id.desc()).offset((page - 1) * per_page).limit(per_page)
    )
    return [Watched(consultation, watched_page, since) for since, consultation, watched_page in rows], total


def _notify(session: Session, user_id: int, kind: str, group_key: str, details: dict, **subject) -> None:
    """Add an entry, or bump the user's entry with the same group key (and make it unread)."""
    at = clock.now()
    insert_or_update(
        session,
        Notification.__table__,
        {
            "user_id": user_id,
            "kind": kind,
            "group_key": group_key,
            "details": details,
            **subject,
            "count": 1,
            "created_at": at,
            "updated_at": at,
            "read_at": None,
        },
        ["user_id", "group_key"],
        lambda new: {
            "count": Notification.__table__.c.count + 1,
            "details": new.details,
            "updated_at": new.updated_at,
            "read_at": None,
        },
    )


def revision_saved(session: Session, page: Page, revision: Revision, actor: User) -> None:
    """Tell the page's and consultation's watchers (not the editor) of a new revision; an
    editor writing their own text starts watching the page by default.

    The fan-out is done by the database (see services.notification_groups): a save costs a few
    statements however many people watch the page and however their day entries differ."""
    if actor.id == revision.author_id:  # an official merging a proposal is not its author
        watch_by_default(session, actor, page)
    day = clock.now().date().isoformat()
    # Saves of one page are serialised by the guarded head update, so the held entries are current.
    notify_group(
        session,
        _watchers(page.consultation, page, skip={actor.id, revision.author_id}),
        f"page_edited:{page.id}:{day}",
        {
            "kind": "page_edited",
            "consultation_id": page.consultation_id,
            "page_id": page.id,
            "details": _day_of_edits(None, page, revision, actor, day),
        },
        merged_details(
            session,
            {"last_revision": revision.number, "revision": revision.number, "by": actor.display_name,
             "page_title": page.title},
            people="editors", who=actor, most=NAMED_EDITORS,
        ),
    )  # fmt: skip


def _day_of_edits(earlier: dict | None, page: Page, revision: Revision, actor: User, day: str) -> dict:
    """The details of a day's entry after one more revision: first and latest, and who edited."""
    earlier = earlier if isinstance(earlier, dict) else {}
    first = earlier.get("first_revision", revision.number)
    base = earlier.get("base_revision") if "first_revision" in earlier else revision.parent_number
    editors = [e for e in earlier.get("editors", []) if isinstance(e, dict)]
    more = bool(earlier.get("more_editors"))
    if all(e.get("username") != actor.username for e in editors):
        if len(editors) < NAMED_EDITORS:
            editors.append({"username": actor.username, "display_name": actor.display_name})
        else:
            more = True
    return {
        "day": day,
        "page_title": page.title,
        "first_revision": first,
        "base_revision": base,
        "last_revision": revision.number,
        "revision": revision.number,
        "by": actor.display_name,
        "editors": editors,
        "more_editors": more,
    }


def status_changed(
    session: Session, consultation: Consultation, actor: User | None, old: str, new: str
) -> None:
    """Tell the consultation's watchers, and watchers of its pages, that its status changed."""
    at = clock.now()
    stamp = at.isoformat()
    details = {
        "from": old,
        "to": new,
        "title": consultation.title,
        "by": actor.display_name if actor else None,
    }
    watchers = _watchers(consultation, None, skip={actor.id} if actor else set())
    group_key = f"status:{consultation.id}:{new}:{stamp}"
    _add_entries(
        session,
        watchers,
        group_key,
        {"kind": "status_changed", "details": details, "consultation_id": consultation.id},
        at,
    )
    mail_group(session, watchers, group_key, "status_changed")


def proposal_submitted(session: Session, proposal: Proposal, author: User) -> None:
    """Tell the consultation's officials and the page's and consultation's watchers (not the
    author) of a new proposal; the author starts watching the page by default."""
    page = proposal.page
    watch_by_default(session, author, page)
    officials = select(Membership.user_id).where(
        Membership.consultation_id == page.consultation_id,
        Membership.role == "official",
        Membership.user_id != author.id,
    )
    readers = union(_watchers(page.consultation, page, skip={author.id}), officials)
    group_key = f"proposal:{proposal.id}:submitted"
    _add_entries(
        session,
        readers,
        group_key,
        {
            "kind": "proposal_submitted",
            "consultation_id": page.consultation_id,
            "page_id": page.id,
            "proposal_id": proposal.id,
            "details": {
                "page_title": page.title,
                "summary": proposal.summary or "",
                "by": author.display_name,
                "base_revision": proposal.base_number,
            },
        },
        clock.now(),
    )
    mail_group(session, readers, group_key, "proposal_submitted")


def proposal_decided(session: Session, proposal: Proposal, kind: str) -> None:
    """Tell a proposer what became of their proposal (merged, partly merged, rejected)."""
    kind = _decision_kind(proposal, kind)
    if proposal.decided_by_id is not None and proposal.decided_by_id == proposal.author_id:
        return  # an official deciding their own proposal needs no news of it
    page = proposal.page
    decider = proposal.decided_by
    details = {
        "page_title": page.title,
        "reason": proposal.reason or "",
        "revision": proposal.merged_revision,
        "summary": proposal.summary or "",
        "base_revision": proposal.base_number,
        "by": decider.display_name if decider is not None else None,
    }
    group_key = f"proposal:{proposal.id}:{kind}"
    _notify(
        session,
        proposal.author_id,
        kind,
        group_key,
        details,
        consultation_id=page.consultation_id,
        page_id=page.id,
        proposal_id=proposal.id,
    )
    mail_group(session, one_person(proposal.author_id), group_key, kind)


def _decision_kind(proposal: Proposal, kind: str) -> str:
    """Accept "merged" or "proposal_merged"; a merge of only some changes is a partial merge."""
    kind = kind if kind.startswith("proposal_") else f"proposal_{kind}"
    if kind == "proposal_merged" and proposal.partial:
        kind = "proposal_partly_merged"
    if kind not in DECISIONS:
        raise ValueError(f"not a decision on a proposal: {kind}")
    return kind


def _visible(user: User):
    """Entries about consultations the user may read now (the policy's condition, in SQL)."""
    return _visible_to(reader_kind(user), user.id)


def _visible_to(kind: str, reader_id):
    return or_(Notification.consultation_id.is_(None), readable_condition(kind, reader_id))


def _mine(user: User):
    return (
        select(Notification)
        .outerjoin(Consultation, Consultation.id == Notification.consultation_id)
        .where(Notification.user_id == user.id, _visible(user))
    )


def unread_count(session: Session, user: User) -> int:
    """How many of the user's visible entries are unread (one COUNT query)."""
    return session.scalar(_unread_query(reader_kind(user)), {"reader_id": user.id})


def header_facts(session: Session, user: User, page: Page) -> tuple[int, bool]:
    """The user's unread count and whether they watch `page`, in one query unless the page
    view's own query has asked already (`remember_header_facts`): the personal parts of a page
    view (the header's badge, the watch button) ask for nothing else."""

    def ask() -> tuple[int, bool]:
        values = {"reader_id": user.id, "page_id": page.id}
        unread, watches = session.execute(_header_facts_query(reader_kind(user)), values).one()
        return unread, bool(watches)

    return remembered(session, ("header_facts", user.id, page.id), ask)


def remember_header_facts(session: Session, user: User, page: Page, unread: int, watches) -> None:
    """Keep the header's facts read by a query that asked `header_columns` along."""
    remember(session, ("header_facts", user.id, page.id), (unread, bool(watches)))


def header_columns(kind: str) -> tuple:
    """The header's facts as two columns of a query about a page (`Page.id`, reader
    `:reader_id`): the unread count and whether the reader watches the page."""
    watching = select(Watch.id).where(Watch.user_id == bindparam("reader_id"), Watch.page_id == Page.id)
    return _unread_query(kind).correlate(None).scalar_subquery(), watching.exists()


# Every signed-in page asks one of these two, so each is built once per kind of reader (building
# a statement cost more than SQLite's answer to it); the reader and page are bound parameters.


@functools.cache
def _unread_query(kind: str):
    reader = bindparam("reader_id")
    return (
        select(func.count(Notification.id))
        .select_from(Notification)
        .outerjoin(Consultation, Consultation.id == Notification.consultation_id)
        .where(Notification.user_id == reader, Notification.read_at.is_(None), _visible_to(kind, reader))
    )


@functools.cache
def _header_facts_query(kind: str):
    return select(*header_columns(kind)).select_from(Page).where(Page.id == bindparam("page_id"))


def list_notifications(
    session: Session, user: User, *, page: int = 1, per_page: int = 50
) -> tuple[list[Notification], int]:
    """One page of the user's visible notifications, most recently updated first, and the total."""
    query = _mine(user)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    items = session.scalars(
        query.options(
            selectinload(Notification.consultation),
            selectinload(Notification.page),
            selectinload(Notification.proposal),
        )
        .order_by(Notification.updated_at.desc(), Notification.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return list(items), total


def entries_for_mail(
    session: Session, user: User, *, ids: list[int] | None = None, group_key: str | None = None
) -> list[Notification]:
    """The user's entries with these ids (or this group key) that they may read now, oldest
    first: what a mail about them may show."""
    query = _mine(user)
    if ids is not None:
        query = query.where(Notification.id.in_(ids))
    if group_key is not None:
        query = query.where(Notification.group_key == group_key)
    query = query.options(
        selectinload(Notification.consultation),
        selectinload(Notification.page),
        selectinload(Notification.proposal),
    )
    return list(session.scalars(query.order_by(Notification.id)))


def get_notification(session: Session, user: User | None, notification_id: int) -> Notification:
    """Return one of the user's visible entries, unchanged; NotFound for anyone else's."""
    _signed_in(user)
    notification = session.scalar(_mine(user).where(Notification.id == notification_id))
    if notification is None:
        raise NotFound(Message("No such notification."))
    return notification


def open_notification(session: Session, user: User | None, notification_id: int) -> Notification:
    """Return one of the user's visible entries, marked read; NotFound for anyone else's."""
    notification = get_notification(session, user, notification_id)
    if notification.read_at is None:
        notification.read_at = clock.now()
        session.commit()
    return notification


def _valid_ids(ids) -> bool:
    return (
        isinstance(ids, list)
        and len(ids) <= MAX_IDS
        and all(isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**31 for i in ids)
    )


def mark_read(session: Session, user: User, ids: list[int] | None = None) -> int:
    """Mark some (or all) of the user's notifications read; return how many changed."""
    if ids is not None and not _valid_ids(ids):
        raise Invalid({"ids": Message("a list of notification ids")})
    statement = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if ids is not None:
        statement = statement.where(Notification.id.in_(ids))
    changed = session.execute(
        statement.values(read_at=clock.now()).execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    return changed

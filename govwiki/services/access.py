"""Loading things on behalf of someone, and asking the one policy about them."""

from __future__ import annotations

import functools

from sqlalchemy import bindparam, exists, func, or_, select, true
from sqlalchemy.orm import Session, joinedload

from govwiki.core import policy
from govwiki.core.policy import Action, Decision, decide
from govwiki.models import Consultation, Membership, Page, Proposal, User
from govwiki.services import clock
from govwiki.services.session_memo import remember, remembered
from govwiki.services.errors import NotFound, refusal
from govwiki.core.messages import Message


def member_role(session: Session, actor: User | None, consultation: Consultation) -> str | None:
    """Return the actor's role in the consultation ('official', 'expert') or None (asked once per
    transaction: a view asks several times, and a change of membership is seen at once)."""
    if actor is None:
        return None
    return remembered(
        session, ("member", consultation.id, actor.id), lambda: _member_query(session, actor, consultation)
    )


def _member_query(session: Session, actor: User, consultation: Consultation) -> str | None:
    return session.scalar(
        select(Membership.role).where(
            Membership.consultation_id == consultation.id, Membership.user_id == actor.id
        )
    )


def readable_filter(actor: User | None):
    """A SQL condition selecting the consultations `actor` may read: the policy's read rule
    (`policy.may_read`) built from the same facts, for lists, timelines, search and exports."""
    return readable_condition(reader_kind(actor), actor.id if actor is not None else None)


def reader_kind(actor: User | None) -> str:
    """Which shape of the read rule applies to `actor`: "public" (signed out), "all" (a site
    role that reads everything) or "member" (public ones and those they are a member of)."""
    if actor is None:
        return "public"
    return "all" if actor.role in policy.READ_ALL_SITE_ROLES else "member"


def readable_condition(kind: str, reader_id):
    """`readable_filter` for a reader of `kind` whose id is `reader_id`: a value, or a bound
    parameter in a statement built once for every reader of that kind."""
    public = Consultation.status.in_(policy.PUBLIC_STATUSES) & Consultation.visibility.in_(
        policy.PUBLIC_VISIBILITIES
    )
    if kind == "public":
        return public
    if kind == "all":
        return true()
    member = exists().where(
        Membership.consultation_id == Consultation.id,
        Membership.user_id == reader_id,
        Membership.role.in_(policy.READ_MEMBER_ROLES),
    )
    return or_(public, member)


def decision(session: Session, actor: User | None, consultation: Consultation, action: Action) -> Decision:
    """Ask the policy whether `actor` may do `action` on `consultation` now."""
    role = actor.role if actor is not None else None
    return decide(
        role, member_role(session, actor, consultation), action, consultation.situation(clock.now())
    )


class Verdicts:
    """The policy's answers for one person on one consultation, looking up their membership
    once for every action asked (a page view asks about half a dozen)."""

    def __init__(self, session: Session, actor: User | None, consultation: Consultation) -> None:
        self._signed_in = actor is not None
        self._role = actor.role if actor is not None else None
        self._member = member_role(session, actor, consultation)
        self._situation = consultation.situation(clock.now())

    @classmethod
    def of_stranger(cls, situation: policy.Situation) -> Verdicts:
        """A signed-out visitor's verdicts on a consultation in `situation` (as `Verdicts(session,
        None, consultation)`, from facts read without the consultation's object)."""
        verdicts = cls.__new__(cls)
        verdicts._signed_in, verdicts._role, verdicts._member = False, None, None
        verdicts._situation = situation
        return verdicts

    def __call__(self, action: Action) -> Decision:
        return decide(self._role, self._member, action, self._situation)

    @property
    def kind(self) -> tuple[bool, str | None, str | None]:
        """Everything the answers depend on besides the consultation's situation: two visitors
        of one kind get the same answer to every question (signed in, site role, membership)."""
        return (self._signed_in, self._role, self._member)


def require(
    session: Session, actor: User | None, consultation: Consultation, action: Action, **details
) -> None:
    """Raise the matching error unless the policy allows the action; `details` ride along."""
    verdict = decision(session, actor, consultation, action)
    if not verdict:
        raise refusal(verdict.reason, **details)


def load_consultation(session: Session, actor: User | None, slug: str) -> Consultation:
    """Return the consultation if the actor may read it; 404 otherwise, whether or not it exists."""
    consultation = session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        raise NotFound(Message("No such consultation."))
    require(session, actor, consultation, Action.READ)
    return consultation


def load_page(session: Session, actor: User | None, slug: str) -> Page:
    """Return the page if the actor may read its consultation; 404 otherwise."""
    page = session.scalar(_page_query(), {"slug": slug})
    if page is None:
        raise NotFound(Message("No such page."))
    require(session, actor, page.consultation, Action.READ)
    return page


def load_page_to_show(session: Session, actor: User | None, slug: str) -> Page:
    """`load_page` for the page view, which also needs the number of open suggestions and, for
    a signed-in reader, their membership and the header's facts (unread count, watch state):
    all in one query, each kept for the rest of the transaction."""
    kind = None if actor is None else reader_kind(actor)
    values = {"slug": slug} if actor is None else {"slug": slug, "reader_id": actor.id}
    row = session.execute(_page_to_show_query(kind), values).first()
    if row is None:
        raise NotFound(Message("No such page."))
    page, count, *reader = row
    remember(session, ("open_proposals", page.id), count)
    if actor is not None:
        role, unread, watches = reader
        remember(session, ("member", page.consultation_id, actor.id), role)
        _notifications().remember_header_facts(session, actor, page, unread, watches)
    require(session, actor, page.consultation, Action.READ)
    return page


def _notifications():
    # services.notifications reads this module's read rule, so it is imported when first used
    from govwiki.services import notifications

    return notifications


@functools.cache
def _page_query():
    """`load_page`'s query, built once (history, diffs and the API ask it for every read)."""
    return select(Page).options(joinedload(Page.consultation)).where(Page.slug == bindparam("slug"))


@functools.cache
def _page_to_show_query(kind: str | None):
    """`load_page_to_show`'s query, built once per kind of reader (None: signed out; every page
    view asks it, and building it cost more than the database's answer); the slug and reader
    are parameters."""
    if kind is None:
        return (
            select(Page, open_count(Page.id))
            .options(joinedload(Page.consultation))
            .where(Page.slug == bindparam("slug"))
        )
    member = (
        select(Membership.role)
        .where(
            Membership.consultation_id == Page.consultation_id, Membership.user_id == bindparam("reader_id")
        )
        .scalar_subquery()
    )
    return (
        select(Page, open_count(Page.id), member, *_notifications().header_columns(kind))
        .options(joinedload(Page.consultation))
        .where(Page.slug == bindparam("slug"))
    )


def open_count(page_id):
    """The number of open suggestions on the page `page_id` (a column or a value), as SQL: of
    the table's plain columns, so that a Core statement holding it stays out of the ORM's
    compilation (services/shown_pages.py)."""
    proposals = Proposal.__table__
    return (
        select(func.count(proposals.c.id))
        .where(proposals.c.page_id == page_id, proposals.c.status == "open")
        .scalar_subquery()
    )


def require_at_commit(
    session: Session, actor: User | None, consultation: Consultation, action: Action, **details
) -> None:
    """Decide again on the consultation row as this write transaction will commit against it.

    Call it right after the transaction's first write; a refusal rolls the transaction back.
    On PostgreSQL the row is then locked FOR SHARE, so a status change (which takes it FOR NO
    KEY UPDATE, see `lock_consultation`) waits for this commit, or this sees the new status.
    SQLite (pysqlite) begins the transaction at the first write and holds the database write
    lock from then on, so no status change can commit in between and this read sees the latest.
    """
    _refresh(session, consultation, select(Consultation).with_for_update(read=True))
    verdict = decision(session, actor, consultation, action)
    if not verdict:
        session.rollback()  # nothing this transaction wrote may land
        raise refusal(verdict.reason, **details)


def lock_consultation(session: Session, consultation: Consultation) -> None:
    """Lock the consultation row for a change of its own and read it fresh (PostgreSQL).

    FOR NO KEY UPDATE queues behind every write holding it FOR SHARE and lets foreign-key
    checks (KEY SHARE) through, so inserting a row that refers to it never waits on it.
    """
    _refresh(session, consultation, select(Consultation).with_for_update(key_share=True))


def _refresh(session: Session, consultation: Consultation, query) -> None:
    session.execute(
        query.where(Consultation.id == consultation.id).execution_options(populate_existing=True)
    ).one()

"""Loading things on behalf of someone, and asking the one policy about them."""

from __future__ import annotations

from sqlalchemy import event, exists, or_, select, true
from sqlalchemy.orm import Session, joinedload

from govwiki.core import policy
from govwiki.core.policy import Action, Decision, decide
from govwiki.models import Consultation, Membership, Page, User
from govwiki.services import clock
from govwiki.services.errors import NotFound, refusal
from govwiki.core.messages import Message


#: where a session keeps the memberships it looked up (session.info), until its next write
_MEMBERSHIPS = "govwiki_member_roles"


def member_role(session: Session, actor: User | None, consultation: Consultation) -> str | None:
    """Return the actor's role in the consultation ('official', 'expert') or None.

    A view asks several times (reading the page, its tabs, its discussion): the answer is kept in
    the session until it writes anything, commits or rolls back, so a change of membership is
    always seen by the next question."""
    if actor is None:
        return None
    known = session.info.setdefault(_MEMBERSHIPS, {})
    key = (consultation.id, actor.id)
    if key not in known:
        known[key] = session.scalar(
            select(Membership.role).where(
                Membership.consultation_id == consultation.id, Membership.user_id == actor.id
            )
        )
    return known[key]


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_memberships(session: Session, *_) -> None:
    session.info.pop(_MEMBERSHIPS, None)


def readable_filter(actor: User | None):
    """A SQL condition selecting the consultations `actor` may read: the policy's read rule
    (`policy.may_read`) built from the same facts, for lists, timelines, search and exports."""
    public = Consultation.status.in_(policy.PUBLIC_STATUSES) & Consultation.visibility.in_(
        policy.PUBLIC_VISIBILITIES
    )
    if actor is None:
        return public
    if actor.role in policy.READ_ALL_SITE_ROLES:
        return true()
    member = exists().where(
        Membership.consultation_id == Consultation.id,
        Membership.user_id == actor.id,
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
    page = session.scalar(select(Page).options(joinedload(Page.consultation)).where(Page.slug == slug))
    if page is None:
        raise NotFound(Message("No such page."))
    require(session, actor, page.consultation, Action.READ)
    return page


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

"""Consultations: create one, change it, move it through its lifecycle, list what people may see."""

from __future__ import annotations

import functools

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from govwiki.core.messages import Message
from govwiki.core.policy import (
    EDIT_POLICIES,
    STATUSES,
    VISIBILITIES,
    Action,
    can_create_consultation,
    may_transition,
)
from govwiki.models import Consultation, Membership, User, Watch
from govwiki.services import audit, clock, notifications, snapshots
from govwiki.services.addresses import claim_slug
from govwiki.services.access import (
    lock_consultation,
    member_role,
    readable_condition,
    readable_filter,
    reader_kind,
    require,
)
from govwiki.services.errors import Conflict, Invalid, refusal
from govwiki.services.validation import (
    check_choice,
    check_datetime,
    check_display,
    check_slug,
    check_text,
    one_of,
    raise_if,
)

SUMMARY_MAX = 20_000


def create_consultation(
    session: Session,
    actor: User | None,
    *,
    title,
    summary="",
    edit_policy="suggest",
    visibility="public",
    slug=None,
    closes_at=None,
) -> Consultation:
    """Create a consultation in `draft`, with its creator as its first official."""
    verdict = can_create_consultation(actor.role if actor else None)
    if not verdict:
        raise refusal(verdict.reason, Message("Only officials can open consultations."))
    fields: dict[str, str] = {}
    title = check_display(fields, "title", title, max_length=200)
    summary = check_text(fields, "summary", summary, max_length=SUMMARY_MAX)
    check_choice(fields, "edit_policy", edit_policy, EDIT_POLICIES)
    check_choice(fields, "visibility", visibility, VISIBILITIES)
    slug = check_slug(fields, "slug", slug)
    closes_at = check_datetime(fields, "closes_at", closes_at)
    raise_if(fields)
    slug = _claim_slug(session, slug, title)
    consultation = Consultation(
        slug=slug,
        title=title,
        summary=summary,
        edit_policy=edit_policy,
        visibility=visibility,
        closes_at=closes_at,
        created_by_id=actor.id,
        status="draft",
    )
    session.add(consultation)
    session.flush()
    session.add(Membership(consultation_id=consultation.id, user_id=actor.id, role="official"))
    session.add(Watch(user_id=actor.id, consultation_id=consultation.id))
    audit.record(
        session,
        actor,
        "consultation_created",
        subject_type="consultation",
        subject_id=slug,
        consultation=consultation,
        details={"title": title},
    )
    session.commit()
    return consultation


def _claim_slug(session: Session, wanted: str | None, title: str) -> str:
    return claim_slug(session, Consultation.slug, wanted, title, fallback="consultation")


def update_consultation(
    session: Session, actor: User | None, consultation: Consultation, changes: dict
) -> Consultation:
    """Apply `changes` (status, title, summary, edit_policy, closes_at, visibility)."""
    require(session, actor, consultation, Action.MANAGE)
    unknown = set(changes) - {"status", "title", "summary", "edit_policy", "closes_at", "visibility"}
    fields = {name: "not a field that can be changed" for name in unknown}
    values = _checked_changes(fields, changes)
    raise_if(fields)
    # Writes in flight hold the row FOR SHARE and decide on it as they commit: this waits for
    # them, and every write after it sees the change (see access.require_at_commit).
    lock_consultation(session, consultation)
    if "status" in values:
        _change_status(session, actor, consultation, values.pop("status"))
    changed = {name: value for name, value in values.items() if getattr(consultation, name) != value}
    for name, value in changed.items():
        setattr(consultation, name, value)
    if changed:
        audit.record(
            session,
            actor,
            "consultation_updated",
            subject_type="consultation",
            subject_id=consultation.slug,
            consultation=consultation,
            details={"fields": sorted(changed)},
        )
    consultation.updated_at = clock.now()
    session.commit()
    return consultation


def _checked_changes(fields: dict, changes: dict) -> dict:
    checks = {
        "title": lambda v: check_display(fields, "title", v, max_length=200),
        "summary": lambda v: check_text(fields, "summary", v, max_length=SUMMARY_MAX),
        "edit_policy": lambda v: check_choice(fields, "edit_policy", v, EDIT_POLICIES),
        "visibility": lambda v: check_choice(fields, "visibility", v, VISIBILITIES),
        "status": lambda v: check_choice(fields, "status", v, STATUSES),
        "closes_at": lambda v: check_datetime(fields, "closes_at", v),
    }
    return {name: checks[name](value) for name, value in changes.items() if name in checks}


def _change_status(session: Session, actor: User | None, consultation: Consultation, target: str) -> None:
    old = consultation.status
    if target == old:
        return
    if not may_transition(old, target):
        raise Conflict(
            "invalid_transition",
            Message("A consultation cannot go from %(old)s to %(new)s.", old=old, new=target),
            status=old,
        )
    consultation.status = target
    if target == "open" and consultation.opens_at is None:
        consultation.opens_at = clock.now()
    if target in ("open", "adopted"):
        snapshots.take(session, consultation, "opened" if target == "open" else "adopted")
    audit.record(
        session,
        actor,
        "status_changed",
        subject_type="consultation",
        subject_id=consultation.slug,
        consultation=consultation,
        details={"from": old, "to": target},
    )
    notifications.status_changed(session, consultation, actor, old, target)


def add_member(
    session: Session, actor: User | None, consultation: Consultation, user: User, role: str
) -> Membership:
    """Make `user` an official or expert of the consultation (officials of it and admins may)."""
    require(session, actor, consultation, Action.MANAGE)
    if role not in ("official", "expert"):
        raise Invalid({"role": Message("must be official or expert")})
    membership = session.scalar(
        select(Membership).where(Membership.consultation_id == consultation.id, Membership.user_id == user.id)
    )
    if membership is None:
        membership = Membership(consultation_id=consultation.id, user_id=user.id, role=role)
        session.add(membership)
    membership.role = role
    consultation.updated_at = clock.now()  # names there now carry the new badge
    audit.record(
        session,
        actor,
        "member_added",
        subject_type="user",
        subject_id=user.username,
        consultation=consultation,
        details={"role": role},
    )
    session.commit()
    return membership


def list_consultations(
    session: Session, actor: User | None, *, status: str | None = None, page: int = 1, per_page: int = 50
) -> tuple[list[Consultation], int]:
    """Return one page of the consultations `actor` may read, newest first, and the total."""
    query = _listed(select(Consultation), actor, status)
    total = _count(session, actor, status)
    items = session.scalars(_one_page(query, page, per_page))
    return list(items), total


def listing_stamp(
    session: Session, actor: User | None, *, status: str | None = None, page: int = 1, per_page: int = 50
) -> tuple:
    """What that page of `list_consultations` shows, in a few numbers: the total and each row's
    id and last change, read along the listing index. Every change to a consultation moves
    its `updated_at`, so an equal stamp means an equal page, and its HTML can be kept by it.
    One statement, built once per kind of reader (the front page asks it at every view)."""
    _check_status(status)
    values = {
        "reader_id": actor.id if actor is not None else None,
        "status": status,
        "skip": (page - 1) * per_page,
        "per_page": per_page,
    }
    rows = session.execute(_stamp_query(reader_kind(actor), bool(status)), values).all()
    total = rows[0].total if rows else _count(session, actor, status)
    return total, tuple((row.id, row.updated_at) for row in rows)


@functools.cache
def _stamp_query(kind: str, by_status: bool):
    readable = readable_condition(kind, bindparam("reader_id"))
    if by_status:
        readable = readable & (Consultation.status == bindparam("status"))
    total = select(func.count()).select_from(Consultation).where(readable).scalar_subquery()
    return (
        select(Consultation.id, Consultation.updated_at, total.label("total"))
        .where(readable)
        .order_by(*_NEWEST_FIRST)
        .offset(bindparam("skip"))
        .limit(bindparam("per_page"))
    )


def _listed(query, actor: User | None, status: str | None):
    """`query` narrowed to what `actor` may read, and to one status when given."""
    query = query.where(readable_filter(actor))
    _check_status(status)
    if status:
        query = query.where(Consultation.status == status)
    return query


def _check_status(status: str | None) -> None:
    """A listing's status filter must name a status (None or empty: every status)."""
    if status and status not in STATUSES:
        raise Invalid({"status": one_of(STATUSES)})


def _count(session: Session, actor: User | None, status: str | None) -> int:
    return session.scalar(_listed(select(func.count()).select_from(Consultation), actor, status))


def _one_page(query, page: int, per_page: int):
    """Newest first, along the listing index (created_at, id)."""
    return query.order_by(*_NEWEST_FIRST).offset((page - 1) * per_page).limit(per_page)


_NEWEST_FIRST = (Consultation.created_at.desc(), Consultation.id.desc())


def role_in(session: Session, actor: User | None, consultation: Consultation) -> str | None:
    """The actor's role in the consultation, for display."""
    return member_role(session, actor, consultation)

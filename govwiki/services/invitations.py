"""Expert invitations: an official invites someone by e-mail to co-author one consultation.

The link's token is random and kept only as its sha256. It works once, until it expires, unless
revoked; after that it is gone (410) for good, whatever else happens to the account it was sent
to. Accepting is one conditional UPDATE (still pending, not expired, not revoked), so two
accounts racing for one link cannot both have it. An invitation is bound to the address it was
sent to: only the account whose e-mail address is that address, verified, may accept it (a link
passed on, or an account that only claims the address, gets 403). Accepting grants the expert role in that one
consultation; an official of it stays official. Creating, accepting and revoking go into the
audit log; the mail goes into the outbox in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from govwiki.core.messages import Message
from govwiki.core.tokens import new_token, token_hash
from govwiki.core.policy import Action
from govwiki.core.text import text_problems
from govwiki.models import Consultation, Invitation, Membership, User
from govwiki.services import audit, clock, outbox
from govwiki.services.access import require
from govwiki.services.accounts import email_problem
from govwiki.services.errors import (
    Conflict,
    Forbidden,
    Gone,
    Invalid,
    NotFound,
    ServiceError,
    Unauthenticated,
)
from govwiki.services.upsert import insert_or_ignore

DEFAULT_DAYS = 14
MAX_DAYS = 90
MAX_NOTE_CHARS = 2000
STATUSES = ("pending", "accepted", "expired", "revoked")

#: makes the link of a token (the web layer's, with the site's address)
Link = Callable[[str], str]


def invite(
    session: Session,
    actor: User | None,
    consultation: Consultation,
    *,
    email,
    note="",
    expires_in_days=None,
    locale: str = "en",
    link: Link,
) -> tuple[Invitation, str]:
    """Invite `email` as an expert; return the invitation and its link (shown once, and mailed)."""
    require(session, actor, consultation, Action.INVITE)
    fields: dict = {}
    email = _checked_email(fields, email)
    note = _checked_note(fields, note)
    days = _checked_days(fields, expires_in_days)
    if fields:
        raise Invalid(fields)
    token = new_token()
    now = clock.now()
    invitation = Invitation(
        consultation_id=consultation.id,
        email=email,
        note=note,
        token_hash=token_hash(token),
        invited_by_id=actor.id,
        created_at=now,
        valid_days=days,
        expires_at=now + timedelta(days=days),
        sent_at=now,
    )
    session.add(invitation)
    session.flush()
    audit.record(
        session,
        actor,
        "invitation_created",
        subject_type="invitation",
        subject_id=invitation.id,
        consultation=consultation,
        details={"expires_at": invitation.expires_at.isoformat()},
    )
    url = link(token)
    _mail(session, invitation, actor, consultation, url, locale)
    session.commit()
    return invitation, url


def resend(
    session: Session, actor: User | None, invitation: Invitation, *, locale: str = "en", link: Link
) -> tuple[Invitation, str]:
    """Send a pending or expired invitation again with a new link, valid for its number of days
    from now; the old link stops working."""
    consultation = invitation.consultation
    require(session, actor, consultation, Action.INVITE)
    status = invitation.status_at(clock.now())
    if status in ("accepted", "revoked"):
        raise Conflict(
            "invitation_accepted" if status == "accepted" else "invitation_revoked",
            Message("This invitation was accepted or revoked: it cannot be sent again."),
        )
    token, now = new_token(), clock.now()
    invitation.token_hash = token_hash(token)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=invitation.valid_days)
    url = link(token)
    _mail(session, invitation, actor, consultation, url, locale)
    session.commit()
    return invitation, url


def revoke(session: Session, actor: User | None, invitation: Invitation) -> Invitation:
    """Revoke a pending (or expired) invitation; revoking again changes nothing."""
    require(session, actor, invitation.consultation, Action.MANAGE)
    if invitation.accepted_at is not None:
        raise Conflict("invitation_accepted", Message("This invitation was accepted already."))
    if invitation.revoked_at is None:
        invitation.revoked_at, invitation.revoked_by_id = clock.now(), actor.id
        audit.record(
            session,
            actor,
            "invitation_revoked",
            subject_type="invitation",
            subject_id=invitation.id,
            consultation=invitation.consultation,
        )
        session.commit()
    return invitation


class ForAnotherAddress(Forbidden):
    """The invitation was sent to an address that is not the accepting account's."""

    code = "invitation_for_another_address"


class AddressNotVerified(Forbidden):
    """The account has the invited address but has not proved it yet."""

    code = "email_not_verified"


def acceptance_problem(actor: User, invitation: Invitation) -> Forbidden | None:
    """Why `actor` may not accept `invitation` (its address binding), or None."""
    if actor.email.lower() != invitation.email.lower():
        return ForAnotherAddress(
            Message(
                "This invitation was sent to another e-mail address. Sign in with the account of that"
                " address, or make it your account's address in your settings, then open the link again."
            )
        )
    if not actor.is_verified:
        return AddressNotVerified(
            Message(
                "Confirm your e-mail address first: open the link we mailed to it (or ask for a new one"
                " in your settings), then open the invitation again."
            )
        )
    return None


def accept(session: Session, actor: User | None, token) -> Invitation:
    """Accept the invitation of `token` as `actor`, the verified owner of the invited address:
    the expert role in its consultation."""
    if actor is None:
        raise Unauthenticated(Message("Sign in or register to accept the invitation."))
    invitation = by_token(session, token)
    problem = acceptance_problem(actor, invitation)
    if problem is not None:
        raise problem
    now = clock.now()
    taken = session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(accepted_at=now, accepted_by_id=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        session.rollback()
        raise _gone()
    insert_or_ignore(
        session,
        Membership.__table__,
        {
            "consultation_id": invitation.consultation_id,
            "user_id": actor.id,
            "role": "expert",
            "created_at": now,
        },
        ["consultation_id", "user_id"],
    )
    invitation.consultation.updated_at = now  # names there now carry the expert's badge
    audit.record(
        session,
        actor,
        "invitation_accepted",
        subject_type="invitation",
        subject_id=invitation.id,
        consultation=invitation.consultation,
        details={"user": actor.username},
    )
    session.commit()
    session.refresh(invitation)
    return invitation


def granted_role(session: Session, invitation: Invitation) -> str:
    """The role the accepting person holds now in the invitation's consultation: "expert", or
    "official" for an official who accepted (accepting never lowers a role)."""
    return session.scalar(
        select(Membership.role).where(
            Membership.consultation_id == invitation.consultation_id,
            Membership.user_id == invitation.accepted_by_id,
        )
    )


def by_token(session: Session, token) -> Invitation:
    """The invitation of a link's token: 404 for an unknown token, 410 for one used, expired
    or revoked (checked again, atomically, when it is accepted)."""
    if not isinstance(token, str) or not token or len(token) > 200:
        raise NotFound(Message("No such invitation."))
    invitation = session.scalar(
        select(Invitation)
        .options(joinedload(Invitation.consultation), joinedload(Invitation.invited_by))
        .where(Invitation.token_hash == token_hash(token))
    )
    if invitation is None:
        raise NotFound(Message("No such invitation."))
    if invitation.status_at(clock.now()) != "pending":
        raise _gone()
    return invitation


def get(session: Session, actor: User | None, invitation_id: int) -> Invitation:
    """An invitation, for the officials of its consultation (404 for anyone else)."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound(Message("No such invitation."))
    try:
        require(session, actor, invitation.consultation, Action.MANAGE)
    except ServiceError:
        raise NotFound(Message("No such invitation.")) from None
    return invitation


def list_invitations(
    session: Session, actor: User | None, consultation: Consultation, *, page_no: int = 1, per_page: int = 50
) -> tuple[list[Invitation], int]:
    """The consultation's invitations, newest first, for its officials."""
    require(session, actor, consultation, Action.MANAGE)
    where = Invitation.consultation_id == consultation.id
    total = session.scalar(select(func.count()).select_from(Invitation).where(where))
    items = session.scalars(
        select(Invitation)
        .options(
            joinedload(Invitation.invited_by),
            joinedload(Invitation.accepted_by),
            joinedload(Invitation.revoked_by),
        )
        .where(where)
        .order_by(Invitation.id.desc())
        .offset((page_no - 1) * per_page)
        .limit(per_page)
    )
    return list(items), total


def _mail(session, invitation, actor, consultation, url, locale) -> None:
    outbox.enqueue(
        session,
        "invitation",
        invitation.email,
        locale=locale,
        params={
            "inviter": actor.display_name,
            "consultation": consultation.title,
            "note": invitation.note,
            "expires_at": invitation.expires_at.isoformat(),
            "secret_url": url,
        },
    )


def _gone() -> Gone:
    return Gone(Message("This invitation was used, has expired or was revoked. Ask for a new one."))


def _checked_email(fields: dict, email) -> str:
    email = email.strip().lower() if isinstance(email, str) else ""
    if email_problem(email):
        fields["email"] = email_problem(email)
    return email


def _checked_note(fields: dict, note) -> str:
    if note is None:
        return ""
    if not isinstance(note, str):
        fields["note"] = Message("must be text")
        return ""
    if len(note) > MAX_NOTE_CHARS or text_problems(note):
        fields["note"] = Message("at most %(count)d characters of text", count=MAX_NOTE_CHARS)
    return note.strip()


def _checked_days(fields: dict, days) -> int:
    if days is None or days == "":
        return DEFAULT_DAYS
    if isinstance(days, str) and days.strip().isdigit():
        days = int(days)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        fields["expires_in_days"] = Message("a whole number of days from 1 to %(most)d", most=MAX_DAYS)
        return DEFAULT_DAYS
    return days

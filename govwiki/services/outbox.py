"""The outbox: mail written in the transaction of the event it tells about, sent by a worker.

No request ever talks to a mail server. A use case `enqueue`s a row beside its own writes, so the
mail exists exactly when the event does; `flask --app app govwiki send-mail` claims due rows,
sends them (govwiki/mail/) and marks each sent, or failed with a growing delay before the next
try. Claiming takes rows with FOR UPDATE SKIP LOCKED on PostgreSQL, and on every database sets a
lease (`claimed_until`, `claimed_by`) with an UPDATE that only matches unleased rows, so two
workers never hold one mail: each is sent once. A worker that dies after sending but before
marking leaves the lease to run out and the mail is sent again: at least once, never twice by
two workers at the same time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, or_, select, true, update
from sqlalchemy.orm import Session

from govwiki.core.messages import Message
from govwiki.core.policy import may_suspend
from govwiki.models import OutgoingMail, User
from govwiki.services import clock
from govwiki.services.errors import Conflict, Forbidden, NotFound

#: a mail is given up after this many failed tries (an admin may send it again)
MAX_ATTEMPTS = 8
#: the first retry waits this long; each one after waits twice as long as the one before
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
#: how long a worker holds the mails it claimed before another may take them
LEASE = timedelta(minutes=5)
STATUSES = ("queued", "retrying", "sent", "failed")


def enqueue(
    session: Session, kind: str, to_address: str, *, locale: str, params: dict, user: User | None = None
) -> OutgoingMail:
    """Add a mail to the caller's transaction (the caller commits)."""
    mail = OutgoingMail(
        kind=kind,
        to_address=to_address,
        user_id=user.id if user else None,
        locale=locale,
        params=params,
        send_after=clock.now(),
    )
    session.add(mail)
    return mail


def claim(session: Session, worker: str, limit: int = 20) -> list[OutgoingMail]:
    """Take up to `limit` due mails for `worker` (committed: others see them taken). Empty only
    when nothing is due: a worker that lost every row it saw to another one looks again."""
    while True:
        now = clock.now()
        free = or_(OutgoingMail.claimed_until.is_(None), OutgoingMail.claimed_until < now)
        due = (
            OutgoingMail.sent_at.is_(None),
            OutgoingMail.failed_at.is_(None),
            OutgoingMail.send_after <= now,
        )
        ids = session.scalars(
            select(OutgoingMail.id)
            .where(*due, free)
            .order_by(OutgoingMail.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        if not ids:
            session.commit()
            return []
        session.execute(
            update(OutgoingMail)
            .where(OutgoingMail.id.in_(ids), *due, free)
            .values(claimed_until=now + LEASE, claimed_by=worker)
            .execution_options(synchronize_session=False)
        )
        session.commit()
        mine = list(
            session.scalars(
                select(OutgoingMail)
                .where(
                    OutgoingMail.id.in_(ids),
                    OutgoingMail.claimed_by == worker,
                    OutgoingMail.claimed_until > now,
                )
                .order_by(OutgoingMail.id)
            )
        )
        if mine:
            return mine


def mark_sent(session: Session, mail: OutgoingMail, worker: str, subject: str, body: str) -> None:
    """Record the mail as sent, keeping what it said (`body` with any secret taken out)."""
    session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == mail.id, OutgoingMail.claimed_by == worker)
        .values(
            sent_at=clock.now(),
            subject=subject[:255],
            body=body,
            params=_without_secrets(mail.params),
            claimed_until=None,
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()


def mark_failed(session: Session, mail: OutgoingMail, worker: str, error: str) -> None:
    """Count a failed try: wait longer before the next one, or give up after MAX_ATTEMPTS."""
    now, attempts = clock.now(), mail.attempts + 1
    given_up = attempts >= MAX_ATTEMPTS
    session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == mail.id, OutgoingMail.claimed_by == worker)
        .values(
            attempts=attempts,
            last_error=error[:2000],
            send_after=now + retry_delay(attempts),
            failed_at=now if given_up else None,
            claimed_until=None,
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


@dataclass(frozen=True)
class Delivery:
    sent: int
    failed: int
    #: mails that had nothing left to say when their turn came (see NothingToSend)
    dropped: int = 0


class NothingToSend(Exception):
    """Raised by a sender when a mail has become pointless before it left (its reader was
    suspended, or read it in the app, or may no longer read what it is about): the mail is
    taken out of the outbox instead of being sent."""


def deliver_due(
    session: Session, worker: str, send: Callable[[OutgoingMail], tuple[str, str]], limit: int = 20
) -> Delivery:
    """Claim due mails and send each with `send` (which returns what it sent: the subject and
    the body to keep); a failure is counted against that mail alone."""
    sent = failed = dropped = 0
    for mail in claim(session, worker, limit):
        try:
            subject, body = send(mail)
        except NothingToSend:
            drop(session, mail, worker)
            dropped += 1
        except Exception as error:  # a refused address, a server away: retried later
            mark_failed(session, mail, worker, f"{type(error).__name__}: {error}")
            failed += 1
        else:
            mark_sent(session, mail, worker, subject, body)
            sent += 1
    return Delivery(sent, failed, dropped)


def drop(session: Session, mail: OutgoingMail, worker: str) -> None:
    """Take a claimed mail with nothing left to say out of the outbox."""
    session.rollback()  # whatever the sender read is not kept
    session.execute(
        delete(OutgoingMail)
        .where(OutgoingMail.id == mail.id, OutgoingMail.claimed_by == worker)
        .execution_options(synchronize_session=False)
    )
    session.commit()


#: parameters that carry a secret (an invitation link): in the mail only, never kept once sent
SECRET_PARAMS = ("secret_url",)


def _without_secrets(params: dict) -> dict:
    return {name: value for name, value in (params or {}).items() if name not in SECRET_PARAMS}


# --- for admins


def _require_admin(actor: User | None) -> None:
    if actor is None or not may_suspend(actor.role):
        raise Forbidden(Message("Only administrators can see the mail that is sent."))


#: each status (OutgoingMail.status) as SQL, for counting and listing
_WAITING = OutgoingMail.sent_at.is_(None) & OutgoingMail.failed_at.is_(None)
_STATUS_WHERE = {
    "queued": _WAITING & (OutgoingMail.attempts == 0),
    "retrying": _WAITING & (OutgoingMail.attempts > 0),
    "sent": OutgoingMail.sent_at.is_not(None),
    "failed": OutgoingMail.failed_at.is_not(None),
}


def counts(session: Session, actor: User | None) -> dict[str, int]:
    """How many mails are in each status."""
    _require_admin(actor)
    row = session.execute(select(*(func.count().filter(_STATUS_WHERE[status]) for status in STATUSES))).one()
    return dict(zip(STATUSES, row))


def list_mail(
    session: Session, actor: User | None, status: str | None, *, page_no: int = 1, per_page: int = 50
) -> tuple[list[OutgoingMail], int]:
    """Mails, newest first, optionally of one status, and their total."""
    _require_admin(actor)
    condition = _STATUS_WHERE.get(status, true())
    total = session.scalar(select(func.count()).select_from(OutgoingMail).where(condition))
    items = session.scalars(
        select(OutgoingMail)
        .where(condition)
        .order_by(OutgoingMail.id.desc())
        .offset((page_no - 1) * per_page)
        .limit(per_page)
    )
    return list(items), total


def send_again(session: Session, actor: User | None, mail_id: int) -> OutgoingMail:
    """Put a mail that was given up back in the queue, due now."""
    _require_admin(actor)
    mail = session.get(OutgoingMail, mail_id)
    if mail is None:
        raise NotFound(Message("No such mail."))
    if mail.failed_at is None:
        raise Conflict("not_failed", Message("Only a mail that was given up can be sent again."))
    mail.failed_at, mail.attempts, mail.send_after = None, 0, clock.now()
    session.commit()
    return mail

"""Mail about notifications: at once, grouped like the entries, or gathered into a digest.

Every event that writes in-app entries (services.notifications, comment_notifications) calls
`mail_group` in the same transaction, with the same readers and group key. Per reader, by the
group's mode (services.mail_preferences), and only for accounts that may be mailed (verified
address, not suspended):

- **immediate**: one mail per group, not one per event. The first event of a group queues a
  mail due at once. While that mail is unsent (queued, or waiting to be retried), later events
  of the group join it: it is composed when it leaves, from the entry as it is then ("3 replies
  to your comment… by A, B, C"). Once it has left (or a worker is sending it), the next event
  queues one more mail, due WINDOW after that event if the group was mailed within the last
  WINDOW, so that a busy group mails each reader at most about once per WINDOW. A mail whose
  entry was read in the app before it left is not sent.
- **digest**: the entry is put on the reader's digest list (once, however often it is bumped);
  `queue_digests` (`flask --app app govwiki send-digests`, daily) turns each person's list into
  one digest mail and empties it in one transaction, so two runs at once, or one after the
  other, send each digest once.
- **none**: nothing.

What a mail may say is decided when it leaves (govwiki/mail/letters.py): only entries of
consultations its reader may read then, a comment's text only while it is visible, and nothing
at all for an account that was suspended or lost its verified address meanwhile.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, exists, literal, or_, select
from sqlalchemy.orm import Session

from govwiki.core.mail_choices import CATEGORIES, DIGEST, IMMEDIATE, category_of
from govwiki.models import DigestItem, Notification, OutgoingMail, User
from govwiki.services import clock, outbox
from govwiki.services.mail_preferences import mailable, mailable_sql, mode_sql
from govwiki.services.upsert import insert_select_or_ignore

#: a group mailed at once is mailed again at the soonest this long after its previous mail
WINDOW = timedelta(hours=1)
NOTIFICATION, DIGEST_MAIL = "notification", "digest"


def mail_group(session: Session, user_ids, group_key: str, kind: str) -> None:
    """Queue mail for the readers (a query of user ids) of an event of `kind` whose entries
    have `group_key`, each by their choice for it (the caller commits)."""
    category = category_of(kind)
    if category is None:
        return
    readers = user_ids.subquery()
    now = clock.now()
    wanted = (User.id.in_(select(readers.c.user_id)), mailable_sql())
    _queue_at_once(session, wanted, mode_sql(User.id, category) == IMMEDIATE, group_key, now)
    _put_on_digests(session, wanted, mode_sql(User.id, category) == DIGEST, group_key, now)


def _queue_at_once(session: Session, wanted, chosen, group_key: str, now) -> None:
    mails = OutgoingMail.__table__.c
    of_group = (OutgoingMail.user_id == User.id, OutgoingMail.group_key == group_key)
    waiting = exists().where(
        *of_group,
        OutgoingMail.sent_at.is_(None),
        OutgoingMail.failed_at.is_(None),
        or_(OutgoingMail.claimed_until.is_(None), OutgoingMail.claimed_until < now),
    )
    recent = exists().where(*of_group, OutgoingMail.send_after > now - WINDOW)
    # first the readers not mailed lately (due now), then the others (due after the window);
    # the second statement sees the first one's rows as waiting and leaves those readers alone
    for due, lately in ((now, ~recent), (now + WINDOW, recent)):
        row = {
            "kind": NOTIFICATION,
            "locale": "",
            "params": {},
            "group_key": group_key,
            "created_at": now,
            "send_after": due,
            "attempts": 0,
            "last_error": "",
            "claimed_by": "",
            "subject": "",
            "body": "",
        }
        rows = select(
            User.email, User.id, *(literal(value, mails[name].type) for name, value in row.items())
        ).where(*wanted, chosen, ~waiting, lately)
        insert_select_or_ignore(session, OutgoingMail.__table__, ["to_address", "user_id", *row], rows)


def _put_on_digests(session: Session, wanted, chosen, group_key: str, now) -> None:
    rows = (
        select(Notification.user_id, Notification.id, literal(now, DigestItem.__table__.c.created_at.type))
        .join(User, User.id == Notification.user_id)
        .where(Notification.group_key == group_key, *wanted, chosen)
        .where(~exists().where(DigestItem.notification_id == Notification.id))
    )
    insert_select_or_ignore(session, DigestItem.__table__, ["user_id", "notification_id", "created_at"], rows)


def onto_the_digest(session: Session, user_id: int, categories) -> None:
    """Someone switched `categories` from immediate mail to the digest: each of their waiting
    notification mails about those (queued, retrying, or being sent right now) goes onto the
    digest instead of being dropped when its turn comes (letters.py sends only what is still
    chosen immediate). Its group's unread entries join the digest list and the mail leaves the
    outbox; one that a worker was sending at that moment may also arrive: twice, never not at
    all. The caller commits."""
    kinds = [kind for category in categories for kind in CATEGORIES[category]]
    waiting = (
        (OutgoingMail.user_id == user_id)
        & (OutgoingMail.kind == NOTIFICATION)
        & OutgoingMail.sent_at.is_(None)
        & OutgoingMail.failed_at.is_(None)
    )
    entries = (
        select(
            Notification.user_id,
            Notification.id,
            literal(clock.now(), DigestItem.__table__.c.created_at.type),
        )
        .where(
            Notification.user_id == user_id,
            Notification.kind.in_(kinds),
            Notification.read_at.is_(None),
            Notification.group_key.in_(select(OutgoingMail.group_key).where(waiting)),
        )
        .where(~exists().where(DigestItem.notification_id == Notification.id))
    )
    insert_select_or_ignore(
        session, DigestItem.__table__, ["user_id", "notification_id", "created_at"], entries
    )
    moved = select(Notification.group_key).where(
        Notification.user_id == user_id, Notification.kind.in_(kinds)
    )
    session.execute(
        delete(OutgoingMail)
        .where(waiting, OutgoingMail.group_key.in_(moved))
        .execution_options(synchronize_session=False)
    )


def queue_digests(session: Session) -> int:
    """Queue one digest mail for each person with entries waiting for it; return how many."""
    people = session.scalars(select(DigestItem.user_id).distinct().order_by(DigestItem.user_id)).all()
    session.commit()
    return sum(_queue_digest(session, user_id) for user_id in people)


def _queue_digest(session: Session, user_id: int) -> int:
    """Take the person's waiting entries and queue their digest, in one transaction; 0 when
    another run took (some of) them first (what it left waits for the next digest)."""
    items = session.execute(
        select(DigestItem.id, DigestItem.notification_id)
        .where(DigestItem.user_id == user_id)
        .order_by(DigestItem.id)
    ).all()
    if not items:
        session.commit()
        return 0
    taken = session.execute(
        delete(DigestItem)
        .where(DigestItem.id.in_([item.id for item in items]))
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != len(items):
        session.rollback()
        return 0
    user = session.get(User, user_id)
    if not mailable(user):  # suspended or unverified since: the list is emptied, nothing sent
        session.commit()
        return 0
    entries = [item.notification_id for item in items]
    outbox.enqueue(session, DIGEST_MAIL, user.email, user=user, locale="", params={"entries": entries})
    session.commit()
    return 1

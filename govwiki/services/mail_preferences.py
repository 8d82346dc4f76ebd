"""What each person wants to hear by mail, and the one-click unsubscribe links of the mail.

A choice is made per group of notification kinds (core.mail_choices): at once, in the daily
digest, or not at all; without a stored choice the group's default applies. Every notification
or digest mail carries a link that unsubscribes its reader from that group (or, for a digest,
from every group on the digest) without signing in. The link's token is signed with the site's
secret (itsdangerous) and names the account and the group: nothing is stored, it cannot be forged
or pointed at anyone else, and changing the secret key turns old links into a "cannot be used".
"""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govwiki.core.mail_choices import ALL_DIGESTS, CATEGORIES, DEFAULTS, DIGEST, IMMEDIATE, MODES, NONE
from govwiki.core.messages import Message
from govwiki.models import MailPreference, User
from govwiki.services import clock
from govwiki.services.errors import Invalid, NotFound, Unauthenticated
from govwiki.services.upsert import insert_or_update

_SALT = "govwiki-mail-unsubscribe"


def preferences(session: Session, user: User) -> dict[str, str]:
    """Every group's mode for `user`: their choice, or the default."""
    chosen = dict(
        session.execute(
            select(MailPreference.category, MailPreference.mode).where(MailPreference.user_id == user.id)
        ).all()
    )
    return {category: chosen.get(category, DEFAULTS[category]) for category in CATEGORIES}


def set_preferences(session: Session, user: User | None, changes) -> dict[str, str]:
    """Change some of the user's choices ({group: mode}); the others stay. Returns them all."""
    if user is None:
        raise Unauthenticated(Message("Sign in to do this."))
    _check(changes)
    before = preferences(session, user)
    _store(session, user.id, changes)
    to_digest = [c for c, mode in changes.items() if mode == DIGEST and before[c] == IMMEDIATE]
    if to_digest:
        # here, not at the top: notification_mail asks this module who may be mailed
        from govwiki.services.notification_mail import onto_the_digest

        onto_the_digest(session, user.id, to_digest)
    session.commit()
    return preferences(session, user)


def _check(changes) -> None:
    if not isinstance(changes, dict):
        raise Invalid({"preferences": Message("an object of choices")})
    fields = {}
    for category, mode in changes.items():
        if category not in CATEGORIES:
            fields[str(category)[:40]] = Message("not a kind of mail")
        elif mode not in MODES:
            fields[category] = Message("one of immediate, digest or none")
    if fields:
        raise Invalid(fields)


def _store(session: Session, user_id: int, changes: dict) -> None:
    if not changes:
        return
    at = clock.now()
    insert_or_update(
        session,
        MailPreference.__table__,
        [{"user_id": user_id, "category": c, "mode": m, "updated_at": at} for c, m in changes.items()],
        ["user_id", "category"],
        lambda new: {"mode": new.mode, "updated_at": new.updated_at},
    )


def mode_sql(user_id, category: str):
    """The mode of `category` for the user whose id is the SQL `user_id` (choice or default)."""
    chosen = (
        select(MailPreference.mode)
        .where(MailPreference.user_id == user_id, MailPreference.category == category)
        .scalar_subquery()
    )
    return func.coalesce(chosen, DEFAULTS[category])


def mailable(user: User | None) -> bool:
    """Whether mail about notifications may go to this account: a verified address, not
    suspended (nor deactivated)."""
    return user is not None and user.is_active and user.email_verified_at is not None and bool(user.email)


def mailable_sql():
    """`mailable` as SQL over the users table."""
    return User.active.is_(True) & User.suspended_at.is_(None) & User.email_verified_at.is_not(None)


# --- unsubscribing by link


def unsubscribe_token(secret: str, user: User, kind: str) -> str:
    """The token of the link that unsubscribes `user` from `kind` (a group, or ALL_DIGESTS)."""
    return URLSafeSerializer(secret, salt=_SALT).dumps([user.id, kind])


def read_token(session: Session, secret: str, token) -> tuple[User, str]:
    """The account and kind a link's token unsubscribes; NotFound for any other text."""
    try:
        user_id, kind = URLSafeSerializer(secret, salt=_SALT).loads(token if isinstance(token, str) else "")
    except (BadSignature, ValueError, TypeError):
        raise _no_link() from None
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or (kind not in CATEGORIES and kind != ALL_DIGESTS):
        raise _no_link()
    return user, kind


def covered(session: Session, user: User, kind: str) -> list[str]:
    """The groups a link for `kind` switches off: the group itself, or for a digest every group
    now on the digest."""
    if kind != ALL_DIGESTS:
        return [kind]
    return [category for category, mode in preferences(session, user).items() if mode == DIGEST]


def unsubscribe(session: Session, secret: str, token) -> tuple[User, list[str]]:
    """Stop the mail a link's token names (no sign-in: the token is the proof); return the
    account and the groups switched off. Doing it twice is harmless."""
    user, kind = read_token(session, secret, token)
    categories = covered(session, user, kind)
    _store(session, user.id, {category: NONE for category in categories})
    session.commit()
    return user, categories


def _no_link() -> NotFound:
    return NotFound(Message("No such unsubscribe link."))

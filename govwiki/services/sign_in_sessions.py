"""Signed-in sessions and remembered devices: started at sign-in, checked at every request,
ended by signing out, from the device list, by "sign out everywhere", a password reset or a
suspension.

A session is a random id in the signed session cookie; the database keeps its sha256. A request
is signed in only while the row is open and its person may sign in, which the one query that
loads the person checks (`session_user`), so a copied cookie is worth nothing once the row is
ended. `last_seen_at` is written at most every few minutes, not at every request.

A remembered device is a cookie `<series>.<secret>`: the series names the device for its whole
life, the secret changes every time the cookie signs someone in. A secret that was already
replaced coming back means two browsers hold copies of the cookie, one of them a thief's: the
device is ended with all its sessions (theft detection). The secret replaced a moment ago stays
good for a few seconds, for the browser's parallel requests that left with it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from govwiki.core.messages import Message
from govwiki.core.tokens import new_token, token_hash
from govwiki.core.user_agents import summary
from govwiki.models import ApiToken, RememberedDevice, User, UserSession
from govwiki.services import clock, passwords
from govwiki.services.errors import Invalid, NotFound

#: how stale `last_seen_at` may get before a request refreshes it (avoids a write per request)
TOUCH_INTERVAL = timedelta(minutes=5)
#: a session nobody used for this long has ended (its browser is long closed)
IDLE_LIMIT = timedelta(days=30)
#: a remembered device nobody used for this long is forgotten (its cookie lasts as long)
REMEMBER_FOR = timedelta(days=30)
#: how long the secret a device's cookie just replaced still signs in (parallel requests)
ROTATION_GRACE = timedelta(seconds=30)
#: longest cookie value looked up
MAX_COOKIE = 200


@dataclass
class SignIn:
    """What the browser is to hold after a sign-in: the session id, and a remember cookie to set
    (None: leave the browser's remember cookie as it is)."""

    user: User
    session_token: str
    session_id: int | None = None
    remember_cookie: str | None = None


def start_session(session: Session, user: User, *, user_agent: str = "", remember: bool = False) -> SignIn:
    """Open a session for `user` (just authenticated), remembering the device when asked."""
    device, cookie = _new_device(session, user, summary(user_agent)) if remember else (None, None)
    token, session_id = _open_session(session, user, user_agent, device)
    session.commit()
    return SignIn(user, token, session_id, cookie)


def session_user(session: Session, user_id, token) -> tuple[User, int] | None:
    """The person and session id of an open session `token` of `user_id` who may sign in, in one
    query; None for an ended, idle, unknown or someone else's session."""
    if not isinstance(token, str) or not token or len(token) > MAX_COOKIE:
        return None
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    now = clock.now()
    row = session.execute(
        _open_session_query(),
        {"token_hash": token_hash(token), "user_id": user_id, "seen_after": now - IDLE_LIMIT},
    ).first()
    if row is None:
        return None
    user, session_id, last_seen = row
    if now - last_seen > TOUCH_INTERVAL:
        session.execute(
            update(UserSession)
            .where(UserSession.id == session_id)
            .values(last_seen_at=now)
            .execution_options(synchronize_session=False)
        )
        session.commit()
    return user, session_id


@functools.cache
def _open_session_query():
    """`session_user`'s query, built once: every signed-in request asks it, and building the
    statement cost more than SQLite's answer to it. The values are bound parameters."""
    return (
        select(User, UserSession.id, UserSession.last_seen_at)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.token_hash == bindparam("token_hash"),
            UserSession.user_id == bindparam("user_id"),
            UserSession.ended_at.is_(None),
            UserSession.last_seen_at > bindparam("seen_after"),
            User.active.is_(True),
            User.suspended_at.is_(None),
        )
    )


def resume_remembered(session: Session, cookie, *, user_agent: str = "") -> SignIn | None:
    """Sign in again from a remember cookie: a new session, and the cookie's secret replaced.
    None when the cookie is unknown, ended, expired or a replaced secret (which ends the device)."""
    series, secret = _parts(cookie)
    if not series:
        return None
    device = session.scalar(
        select(RememberedDevice).where(RememberedDevice.series_hash == token_hash(series))
    )
    if device is None or device.ended_at is not None:
        return None
    now = clock.now()
    if now - device.last_used_at > REMEMBER_FOR:
        return _refuse(session, device, "expired")
    user = session.get(User, device.user_id)
    if user is None or not user.is_active:
        return _refuse(session, device, "suspended")
    new_cookie = _rotate(session, device, series, secret, now)
    if new_cookie is False:
        return _refuse(session, device, "reused")
    device.last_used_at = now
    token, session_id = _open_session(session, user, user_agent, device)
    session.commit()
    return SignIn(user, token, session_id, new_cookie)


def sign_out(session: Session, token, remember_cookie=None) -> None:
    """End this browser's session, the device it was remembered as, and the device its remember
    cookie names (the same one, unless something odd happened)."""
    now = clock.now()
    record = session.scalar(select(UserSession).where(UserSession.token_hash == token_hash(str(token or ""))))
    devices = []
    if record is not None:
        _end_sessions(session, [UserSession.id == record.id], "signed_out", now)
        devices.append(record.device_id)
    series, _ = _parts(remember_cookie)
    if series:
        devices.append(
            session.scalar(
                select(RememberedDevice.id).where(RememberedDevice.series_hash == token_hash(series))
            )
        )
    for device_id in {d for d in devices if d is not None}:
        _end_device(session, device_id, "signed_out", now)
    session.commit()


def end_session(session: Session, user: User, session_id: int) -> None:
    """End one of `user`'s own open sessions (from the device list)."""
    record = session.get(UserSession, session_id)
    if record is None or record.user_id != user.id or record.ended_at is not None:
        raise NotFound(Message("This session has already ended."))
    _end_sessions(session, [UserSession.id == record.id], "ended", clock.now())
    session.commit()


def forget_device(session: Session, user: User, device_id: int, *, current_session_id=None) -> bool:
    """End one of `user`'s remembered devices and the sessions resumed from it; True when the
    session `current_session_id` was one of them (the browser asking is signed out too)."""
    device = session.get(RememberedDevice, device_id)
    if device is None or device.user_id != user.id or device.ended_at is not None:
        raise NotFound(Message("This device is no longer remembered."))
    here = current_session_id is not None and device.id == session.scalar(
        select(UserSession.device_id).where(UserSession.id == current_session_id)
    )
    _end_device(session, device.id, "ended", clock.now())
    session.commit()
    return here


def sign_out_everywhere(
    session: Session, user: User, current_session_id: int | None, *, password
) -> SignIn | None:
    """End every session but the current one, every remembered device, and revoke every API
    token; the password is asked again (a stolen session must not lock its owner out). When this
    browser was remembered it is remembered again under a new series: the returned SignIn holds
    its cookie."""
    if not passwords.verify(user.password_hash, password):
        raise Invalid({"password": Message("this is not your password")})
    current = session.get(UserSession, current_session_id) if current_session_id else None
    remembered = current is not None and current.device_id is not None
    now = clock.now()
    keep = [UserSession.id != current.id] if current is not None else []
    end_everything(session, user, "everywhere", keep=keep, now=now)
    cookie = None
    if remembered:
        device, cookie = _new_device(session, user, current.user_agent)
        current.device_id = device.id
    session.commit()
    return SignIn(user, "", current.id, cookie) if cookie else None


def end_everything(
    session: Session,
    user: User,
    reason: str,
    *,
    keep=(),
    keep_device: int | None = None,
    revoke_tokens: bool = True,
    now=None,
) -> None:
    """End all of `user`'s sessions (but those `keep` selects) and remembered devices (but
    `keep_device`), and revoke their API tokens unless told not to, inside the caller's
    transaction: "sign out everywhere", a password reset or change, a suspension (whose tokens
    only pause: User.is_active)."""
    now = now or clock.now()
    _end_sessions(session, [UserSession.user_id == user.id, *keep], reason, now)
    devices = [RememberedDevice.id != keep_device] if keep_device is not None else []
    session.execute(
        update(RememberedDevice)
        .where(RememberedDevice.user_id == user.id, RememberedDevice.ended_at.is_(None), *devices)
        .values(ended_at=now, end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    if not revoke_tokens:
        return
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )


def end_other_browsers(session: Session, user: User, current_session_id: int | None, reason: str) -> None:
    """End every session and remembered device of `user` but this browser's own (its session,
    and the device it was remembered as), inside the caller's transaction; API tokens stay."""
    current = session.get(UserSession, current_session_id) if current_session_id else None
    if current is not None and current.user_id != user.id:
        current = None
    keep = [UserSession.id != current.id] if current is not None else []
    device = current.device_id if current is not None else None
    end_everything(session, user, reason, keep=keep, keep_device=device, revoke_tokens=False)


def list_signed_in(session: Session, user: User) -> tuple[list[UserSession], list[RememberedDevice]]:
    """`user`'s open sessions and remembered devices, most recently used first."""
    now = clock.now()
    sessions = session.scalars(
        select(UserSession)
        .where(
            UserSession.user_id == user.id,
            UserSession.ended_at.is_(None),
            UserSession.last_seen_at > now - IDLE_LIMIT,
        )
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    devices = session.scalars(
        select(RememberedDevice)
        .where(
            RememberedDevice.user_id == user.id,
            RememberedDevice.ended_at.is_(None),
            RememberedDevice.last_used_at > now - REMEMBER_FOR,
        )
        .order_by(RememberedDevice.last_used_at.desc(), RememberedDevice.id.desc())
    )
    return list(sessions), list(devices)


# --- inside ------------------------------------------------------------------------------------


def _open_session(
    session: Session, user: User, user_agent: str, device: RememberedDevice | None
) -> tuple[str, int]:
    """A new open session of `user` and its id: (the token for the cookie, the row's id)."""
    token, now = new_token(), clock.now()
    record = UserSession(
        user_id=user.id,
        token_hash=token_hash(token),
        device_id=device.id if device is not None else None,
        user_agent=summary(user_agent),
        created_at=now,
        last_seen_at=now,
    )
    session.add(record)
    session.flush()
    return token, record.id


def _new_device(session: Session, user: User, browser: str) -> tuple[RememberedDevice, str]:
    """A new remembered device (`browser` is the summary of its User-Agent) and its cookie."""
    series, secret, now = new_token(), new_token(), clock.now()
    device = RememberedDevice(
        user_id=user.id,
        series_hash=token_hash(series),
        secret_hash=token_hash(secret),
        user_agent=browser,
        created_at=now,
        last_used_at=now,
    )
    session.add(device)
    session.flush()
    return device, f"{series}.{secret}"


def _parts(cookie) -> tuple[str, str]:
    if not isinstance(cookie, str) or len(cookie) > MAX_COOKIE:
        return "", ""
    series, dot, secret = cookie.partition(".")
    return (series, secret) if dot and series and secret else ("", "")


def _rotate(session: Session, device: RememberedDevice, series: str, secret: str, now):
    """The device's next cookie; None when the secret was replaced a moment ago (the browser has
    its successor already); False when it is a secret replaced earlier: a copy's second use."""
    presented = token_hash(secret)
    if presented == device.secret_hash:
        successor = new_token()
        replaced = session.execute(
            update(RememberedDevice)
            .where(RememberedDevice.id == device.id, RememberedDevice.secret_hash == presented)
            .values(previous_secret_hash=presented, secret_hash=token_hash(successor), rotated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if replaced:
            return f"{series}.{successor}"
        session.refresh(device)  # a parallel request replaced it first: it is the previous one now
    recent = device.rotated_at is not None and now - device.rotated_at <= ROTATION_GRACE
    if presented == device.previous_secret_hash and recent:
        return None
    return False


def _refuse(session: Session, device: RememberedDevice, reason: str) -> None:
    _end_device(session, device.id, reason, clock.now())
    session.commit()
    return None


def _end_device(session: Session, device_id: int, reason: str, now) -> None:
    """End a remembered device and every session resumed from it."""
    session.execute(
        update(RememberedDevice)
        .where(RememberedDevice.id == device_id, RememberedDevice.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    _end_sessions(session, [UserSession.device_id == device_id], reason, now)


def _end_sessions(session: Session, where: list, reason: str, now) -> None:
    session.execute(
        update(UserSession)
        .where(*where, UserSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
        .execution_options(synchronize_session=False)
    )

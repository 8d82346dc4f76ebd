"""The browser's side of signed-in sessions (govwiki/services/sign_in_sessions.py): which key of
the signed Flask session holds the server session's id, the remember-me cookie, and the
Flask-Login loaders that check both.

Flask-Login's own "remember me" cookie is never set: it holds the same value at every sign-in,
lasts a year and cannot be revoked. Ours names a remembered device, changes at every use and ends
with signing out. A cookie of the old kind still held by a browser is deleted on sight.
"""

from __future__ import annotations

from flask import current_app, g, request
from flask import session as flask_session
from flask_login import login_user, logout_user

from govwiki.extensions import db
from govwiki.models import User
from govwiki.services import sign_in_sessions

#: the key of the signed Flask session that holds the server session's random id
SESSION_KEY = "_session"
#: the remember-me cookie: `<series>.<secret>` of a remembered device
REMEMBER_COOKIE = "govwiki_remember"
#: Flask-Login's cookie, set by GovWiki before it kept sessions on the server
LEGACY_REMEMBER_COOKIE = "remember_token"


def begin(user: User, *, remember: bool = False) -> None:
    """Sign `user` (just authenticated) in: a fresh Flask session (its CSRF secret included, so
    nothing planted before signing in survives it) naming a new server session. Whatever this
    browser was signed in or remembered as before ends: a remember cookie left behind would
    bring the earlier person back when the browser restarts."""
    earlier, cookie = flask_session.get(SESSION_KEY), request.cookies.get(REMEMBER_COOKIE)
    if earlier or cookie:
        sign_in_sessions.sign_out(db.session, earlier, cookie)
        g.remember_cookie = ""
    user_agent = request.user_agent.string
    _hold(sign_in_sessions.start_session(db.session, user, user_agent=user_agent, remember=remember))


def end() -> None:
    """Sign this browser out: its server session and remembered device end, its cookies go."""
    sign_in_sessions.sign_out(
        db.session, flask_session.get(SESSION_KEY), request.cookies.get(REMEMBER_COOKIE)
    )
    logout_user()
    flask_session.clear()
    g.remember_cookie = ""


def current_session_id() -> int | None:
    """The id of the server session this request is signed in with (None: by an API token)."""
    return g.get("user_session_id")


def remember_again(signed: sign_in_sessions.SignIn | None) -> None:
    """Give this browser the new remember cookie a service issued, if any."""
    if signed is not None and signed.remember_cookie:
        g.remember_cookie = signed.remember_cookie


def load_session_user(user_id) -> User | None:
    """Flask-Login's user loader: the person of the open server session the Flask session names,
    checked in the same query that loads them."""
    found = sign_in_sessions.session_user(db.session, user_id, flask_session.get(SESSION_KEY))
    if found is None:
        return None
    user, g.user_session_id = found
    return user


def load_remembered_user(req) -> User | None:
    """Sign in again from the remember cookie when the session has none (the browser was closed)."""
    cookie = req.cookies.get(REMEMBER_COOKIE)
    if not cookie:
        return None
    signed = sign_in_sessions.resume_remembered(db.session, cookie, user_agent=req.user_agent.string)
    if signed is None:
        g.remember_cookie = ""  # unknown, ended or stolen: the browser forgets it
        return None
    _hold(signed)
    return signed.user


def _hold(signed: sign_in_sessions.SignIn) -> None:
    flask_session.clear()
    login_user(signed.user)
    flask_session[SESSION_KEY] = signed.session_token
    g.user_session_id = signed.session_id
    remember_again(signed)


def set_cookies(response):
    """After each request: set or delete the remember cookie as the request decided."""
    value = g.get("remember_cookie")
    if LEGACY_REMEMBER_COOKIE in request.cookies:
        response.delete_cookie(LEGACY_REMEMBER_COOKIE, **_attributes())
    if value == "":
        response.delete_cookie(REMEMBER_COOKIE, **_attributes())
    elif value:
        seconds = int(sign_in_sessions.REMEMBER_FOR.total_seconds())
        response.set_cookie(REMEMBER_COOKIE, value, max_age=seconds, **_attributes())
    return response


def _attributes() -> dict:
    config = current_app.config
    return {"secure": config["SECURE_COOKIES"], "httponly": True, "samesite": "Lax", "path": "/"}

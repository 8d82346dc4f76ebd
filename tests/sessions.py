"""Signing a test client in without the sign-in form: a real server session (as signing in makes
one, govwiki/services/sign_in_sessions.py) named by the client's Flask session."""

from __future__ import annotations

from govwiki.browser_sessions import SESSION_KEY
from govwiki.extensions import db
from govwiki.models import User
from govwiki.services import sign_in_sessions


def plant_session(client, user_id: int) -> str:
    """Sign `client` in as the user with `user_id`; return the session's token."""
    user = db.session.get(User, user_id)
    token = sign_in_sessions.start_session(db.session, user, user_agent="test").session_token
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = str(user_id)
        flask_session["_fresh"] = True
        flask_session[SESSION_KEY] = token
    return token

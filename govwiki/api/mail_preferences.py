"""API: the signed-in caller's mail choices (an extension of API.md): GET and PUT
/me/mail-preferences. Signed out is a 401."""

from __future__ import annotations

from flask import jsonify

from govwiki.api.helpers import db, json_body, signed_in_caller
from govwiki.models import User
from govwiki.routing import Routes
from govwiki.services import mail_preferences

routes = Routes()


@routes.get("/me/mail-preferences")
def get_mail_preferences():
    me = signed_in_caller()
    return _answer(me, mail_preferences.preferences(db.session, me))


@routes.put("/me/mail-preferences")
def put_mail_preferences():
    me = signed_in_caller()
    return _answer(me, mail_preferences.set_preferences(db.session, me, json_body()))


def _answer(me: User, choices: dict):
    return jsonify({"preferences": choices, "verified": me.email_verified_at is not None})

"""The JSON API, /api/v1 (see shared/API.md): thin handlers over the same services as the web.

Bearer tokens authenticate without CSRF; a browser session cookie authenticates too, and then
writes must carry the CSRF token header, as forms do. Each area's module declares its routes
(`routes`, see govwiki.routing); they are added to the blueprint below, in plain sight.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, request
from flask_login import current_user

from govwiki.api import (
    comments,
    consultations,
    inbox,
    invitations,
    mail_preferences,
    moderation,
    notifications,
    openapi,
    pages,
    people,
    proposals,
    records,
    search,
    web_annotations,
)
from govwiki.extensions import csrf
from govwiki.rate_limits import limit
from govwiki.security import bearer_attempted
from govwiki.services.errors import Unauthenticated

api = Blueprint("api", __name__)
csrf.exempt(api)

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@api.before_request
def _check_credentials() -> None:
    """A bad token is an error even on reads; cookie-authenticated writes need the CSRF header."""
    if bearer_attempted() and not current_user.is_authenticated:
        raise Unauthenticated("The API token is unknown or revoked, or its account is suspended.")
    if request.method in WRITE_METHODS and current_user.is_authenticated:
        if not g.get("token_authenticated") and current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()


# Every write of the API counts here too, beside its own kind's limit (rate_limits.py).
limit("writes")(api)

for area in (
    comments,
    consultations,
    inbox,
    invitations,
    mail_preferences,
    moderation,
    notifications,
    openapi,
    pages,
    people,
    proposals,
    records,
    search,
    web_annotations,
):
    area.routes.register_on(api)

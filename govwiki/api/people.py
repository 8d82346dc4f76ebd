"""API: a person's public profile (their roles in the consultations the caller may read)."""

from __future__ import annotations

from flask import jsonify, url_for

from govwiki.api.helpers import actor, db
from govwiki.api.serialize import user_ref
from govwiki.routing import Routes
from govwiki.services import people

routes = Routes()


@routes.get("/users/<name>")
def user_profile(name: str):
    found = people.profile(db.session, actor(), name)
    user = found.user
    return jsonify(
        {
            **user_ref(user),
            "affiliation": user.affiliation,
            "suspended": user.suspended_at is not None,
            "roles": [
                {
                    "consultation": standing.consultation.slug,
                    "title": standing.consultation.title,
                    "role": standing.role,
                    "url": url_for("api.get_consultation", slug=standing.consultation.slug, _external=True),
                }
                for standing in found.roles
            ],
            "contributions_url": url_for("api.user_contributions", name=user.username, _external=True),
            "html_url": url_for("people.profile", name=user.username, _external=True),
        }
    )

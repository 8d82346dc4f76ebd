"""People on the web: a person's public profile (name, affiliation, roles, recent work).

The roles shown are those in consultations the reader may read, and the contributions those
in what the reader may read; the full list of contributions is `records.contributions`.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from govwiki.security import actor
from govwiki.services import people, timeline
from govwiki.web import templating
from govwiki.web.comment_links import comment_url
from govwiki.web.records import ENTRY, PROPOSAL_STATUS
from govwiki.web.views import session

people_pages = Blueprint("people", __name__)
people_pages.record_once(templating.install)

#: contributions shown on the profile; the rest are on the contributions page
RECENT = 10


@people_pages.get("/users/<name>")
def profile(name: str):
    found = people.profile(session(), actor(), name)
    items, total = timeline.user_contributions(session(), actor(), found.user, 1, RECENT)
    return render_template(
        "people/profile.html",
        person=found.user,
        standings=found.roles,
        items=items,
        total=total,
        roles=people.roles_on_timeline(session(), items),
        entry=ENTRY,
        proposal_status=PROPOSAL_STATUS,
        comment_url=comment_url,
    )

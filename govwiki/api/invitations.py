"""API: expert invitations (create, list, resend, revoke, accept)."""

from __future__ import annotations

from flask import jsonify

from govwiki.api.helpers import actor, db, json_body, listing, pagination, reject_unknown
from govwiki.api.serialize import iso, user_ref
from govwiki.i18n import current_locale
from govwiki.routing import Routes
from govwiki.services import clock
from govwiki.services import invitations as service
from govwiki.services.access import load_consultation
from govwiki.web.invitation_links import invitation_link

routes = Routes()

CREATE_FIELDS = ("email", "note", "expires_in_days")


def invitation_dict(invitation, url: str | None = None) -> dict:
    data = {
        "id": invitation.id,
        "consultation": invitation.consultation.slug,
        "email": invitation.email,
        "note": invitation.note,
        "status": invitation.status_at(clock.now()),
        "invited_by": user_ref(invitation.invited_by),
        "created_at": iso(invitation.created_at),
        "sent_at": iso(invitation.sent_at),
        "expires_at": iso(invitation.expires_at),
        "accepted_by": user_ref(invitation.accepted_by),
        "accepted_at": iso(invitation.accepted_at),
        "revoked_at": iso(invitation.revoked_at),
    }
    if url is not None:  # only in the answer that made the link: it is never stored
        data["url"] = url
    return data


@routes.post("/consultations/<slug>/invitations")
def create(slug: str):
    consultation = load_consultation(db.session, actor(), slug)
    data = json_body()
    reject_unknown(data, CREATE_FIELDS)
    invitation, url = service.invite(
        db.session,
        actor(),
        consultation,
        email=data.get("email"),
        note=data.get("note", ""),
        expires_in_days=data.get("expires_in_days"),
        locale=current_locale(),
        link=invitation_link,
    )
    return jsonify(invitation_dict(invitation, url)), 201


@routes.get("/consultations/<slug>/invitations")
def list_all(slug: str):
    consultation = load_consultation(db.session, actor(), slug)
    number, per_page = pagination()
    items, total = service.list_invitations(
        db.session, actor(), consultation, page_no=number, per_page=per_page
    )
    return listing([invitation_dict(item) for item in items], number, per_page, total)


@routes.post("/invitations/<int(max=2147483647):invitation_id>/resend")
def resend(invitation_id: int):
    invitation = service.get(db.session, actor(), invitation_id)
    invitation, url = service.resend(
        db.session, actor(), invitation, locale=current_locale(), link=invitation_link
    )
    return jsonify(invitation_dict(invitation, url))


@routes.delete("/invitations/<int(max=2147483647):invitation_id>")
def revoke(invitation_id: int):
    invitation = service.get(db.session, actor(), invitation_id)
    return jsonify(invitation_dict(service.revoke(db.session, actor(), invitation)))


@routes.post("/invitations/accept")
def accept():
    data = json_body()
    reject_unknown(data, ("token",))
    invitation = service.accept(db.session, actor(), data.get("token"))
    role = service.granted_role(db.session, invitation)
    return jsonify({"consultation": invitation.consultation.slug, "role": role, "invitation": invitation.id})

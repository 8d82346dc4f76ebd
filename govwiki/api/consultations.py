"""API: consultations."""

from __future__ import annotations

from flask import current_app, jsonify, request

from govwiki.api.helpers import actor, db, json_body, listing, pagination, reject_unknown
from govwiki.api.serialize import consultation_dict, page_dict
from govwiki.routing import Routes
from govwiki.services import consultations, pages
from govwiki.services.access import load_consultation

routes = Routes()

CREATE_FIELDS = ("title", "summary", "slug", "edit_policy", "visibility", "closes_at")


@routes.get("/consultations")
def list_consultations():
    page, per_page = pagination()
    items, total = consultations.list_consultations(
        db.session, actor(), status=request.args.get("status") or None, page=page, per_page=per_page
    )
    return listing([consultation_dict(c, with_pages=False) for c in items], page, per_page, total)


@routes.post("/consultations")
def create_consultation():
    data = json_body()
    reject_unknown(data, CREATE_FIELDS)
    fields = {name: data[name] for name in CREATE_FIELDS if name in data}
    fields.setdefault("title", None)
    consultation = consultations.create_consultation(db.session, actor(), **fields)
    return jsonify(consultation_dict(consultation)), 201


@routes.get("/consultations/<slug>")
def get_consultation(slug: str):
    return jsonify(consultation_dict(load_consultation(db.session, actor(), slug)))


@routes.patch("/consultations/<slug>")
def update_consultation(slug: str):
    consultation = load_consultation(db.session, actor(), slug)
    consultation = consultations.update_consultation(db.session, actor(), consultation, json_body())
    return jsonify(consultation_dict(consultation))


@routes.post("/consultations/<slug>/pages")
def create_page(slug: str):
    consultation = load_consultation(db.session, actor(), slug)
    data = json_body()
    reject_unknown(data, ("title", "body", "slug", "summary"))
    page = pages.create_page(
        db.session,
        actor(),
        consultation,
        title=data.get("title"),
        body=data.get("body"),
        slug=data.get("slug"),
        summary=data.get("summary", ""),
        max_bytes=_max_bytes(),
    )
    head = pages.head_revision(db.session, page)
    return jsonify(page_dict(page, head, pages.contributors(db.session, page))), 201


def _max_bytes() -> int:
    return current_app.config["MAX_PAGE_BYTES"]

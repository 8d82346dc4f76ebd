"""API: comments — threads of a page, post, reply, edit, delete, support, earlier versions."""

from __future__ import annotations

from flask import current_app, jsonify, url_for

from govwiki.api.helpers import actor, db, int_arg, json_body, reject_unknown
from govwiki.api.serialize import iso, user_ref
from govwiki.models import Comment
from govwiki.rate_limits import limit
from govwiki.routing import Routes
from govwiki.services import comment_views as views
from govwiki.services import comments as service
from govwiki.services import people
from govwiki.services.people import Roles
from govwiki.services.access import load_page
from govwiki.services.errors import Invalid
from govwiki.core.messages import Message

routes = Routes()

ID = "int(max=2147483647)"
ANCHOR_FIELDS = ("quote", "paragraph", "near")


def anchor_dict(comment: Comment) -> dict | None:
    """The anchor as API.md names it, plus where it points in the head now."""
    if not comment.anchored:
        return None
    return {
        "quote": comment.anchor_quote,
        "prefix": comment.anchor_prefix,
        "suffix": comment.anchor_suffix,
        "paragraph": comment.anchor_paragraph,
        "start": comment.anchor_start,
        "end": comment.anchor_end,
        "position": comment.anchor_position,
        "outdated": comment.outdated,
        "current": None
        if comment.outdated
        else {
            "paragraph": comment.placed_paragraph,
            "start": comment.placed_start,
            "end": comment.placed_end,
        },
    }


def comment_dict(view: views.CommentView, roles: Roles | None = None) -> dict:
    """One comment (and its replies) as the caller may see it; `roles` those held in its
    consultation (looked up when not given)."""
    c = view.comment
    roles = roles or people.roles_in(db.session, c.page.consultation)
    data = {
        "id": c.id,
        "page": c.page.slug,
        "author": user_ref(c.author, roles) if c.status != "deleted" else None,
        "parent_id": c.parent_id,
        "in_reply_to": c.in_reply_to_id,
        "depth": c.depth,
        "revision": c.revision_number,
        "anchor": anchor_dict(c),
        "status": c.status,
        "official": c.official,
        "created_at": iso(c.created_at),
        "edited_at": iso(c.edited_at),
        "supports": c.supports,
        "supported": view.supported,
        "answered": c.answered_at is not None,
        "answered_at": iso(c.answered_at),
        "answered_by": user_ref(c.answered_by, roles),
        "url": url_for("api.get_comment", comment_id=c.id, _external=True),
        "replies": [comment_dict(reply, roles) for reply in view.replies],
    }
    if view.body is not None:
        data.update(body=view.body, html=view.html)
    if c.status == "hidden":
        data["hidden_reason"] = c.hidden_reason
    return data


@routes.get("/pages/<slug>/comments")
def list_comments(slug: str):
    page = load_page(db.session, actor(), slug)
    threads = views.page_threads(db.session, actor(), page, paragraph=int_arg("paragraph"))
    items = [comment_dict(view) for view in threads]
    return jsonify({"items": items, "total": page.comment_count, "threads": len(items)})


@routes.post("/pages/<slug>/comments")
@limit("comments")
def post_comment(slug: str):
    page = load_page(db.session, actor(), slug)
    data = json_body()
    reject_unknown(data, ("body", "parent_id", "anchor"))
    comment = service.post_comment(
        db.session,
        actor(),
        page,
        body=data.get("body"),
        parent_id=data.get("parent_id"),
        target=_target(data.get("anchor"), data.get("body")),
        max_bytes=current_app.config["MAX_COMMENT_BYTES"],
    )
    return jsonify(_one(comment)), 201


@routes.get(f"/comments/<{ID}:comment_id>")
def get_comment(comment_id: int):
    comment = service.load_comment(db.session, actor(), comment_id)
    return jsonify(_one(comment))


@routes.patch(f"/comments/<{ID}:comment_id>")
@limit("comments")
def edit_comment(comment_id: int):
    comment = service.load_comment(db.session, actor(), comment_id)
    data = json_body()
    reject_unknown(data, ("body",))
    service.edit_comment(
        db.session, actor(), comment, body=data.get("body"), max_bytes=current_app.config["MAX_COMMENT_BYTES"]
    )
    return jsonify(_one(comment))


@routes.delete(f"/comments/<{ID}:comment_id>")
def delete_comment(comment_id: int):
    comment = service.load_comment(db.session, actor(), comment_id)
    service.delete_comment(db.session, actor(), comment)
    return jsonify(_one(comment))


@routes.post(f"/comments/<{ID}:comment_id>/support")
@limit("supports")
def support_comment(comment_id: int):
    return _support(comment_id, True)


@routes.delete(f"/comments/<{ID}:comment_id>/support")
@limit("supports")
def unsupport_comment(comment_id: int):
    return _support(comment_id, False)


@routes.get(f"/comments/<{ID}:comment_id>/versions")
def comment_versions(comment_id: int):
    comment = service.load_comment(db.session, actor(), comment_id)
    items = [
        {"body": v.body, "written_at": iso(v.written_at), "replaced_at": iso(v.replaced_at)}
        for v in service.versions(db.session, actor(), comment)
    ]
    return jsonify({"items": items, "total": len(items)})


def _support(comment_id: int, supported: bool):
    comment = service.load_comment(db.session, actor(), comment_id)
    count = service.support_comment(db.session, actor(), comment, supported=supported)
    return jsonify({"id": comment.id, "supports": count, "supported": supported})


def _one(comment: Comment) -> dict:
    moderator = service.may_moderate(db.session, actor(), comment.page)
    supported = comment.id in service.supported_by(db.session, actor(), [comment.id])
    data = comment_dict(views.view_of(comment, moderator, supported))
    del data["replies"]
    return data


def _target(anchor, body) -> service.Target:
    """The API's `anchor` object as a service Target; 422 for a malformed one."""
    if anchor is None:
        return service.Target()
    mine = body if isinstance(body, str) else None
    if not isinstance(anchor, dict):
        raise Invalid({"anchor": Message("must be an object with a quote")}, your_body=mine)
    unknown = sorted(set(anchor) - set(ANCHOR_FIELDS))
    if unknown:
        raise Invalid({f"anchor.{name}": Message("unknown field") for name in unknown}, your_body=mine)
    quote, paragraph, near = (anchor.get(name) for name in ANCHOR_FIELDS)
    fields = {}
    if quote is not None and not isinstance(quote, str):
        fields["anchor.quote"] = Message("must be text")
    for name, value in (("paragraph", paragraph), ("near", near)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            fields[f"anchor.{name}"] = Message("must be a whole number from 0")
    if quote is None and paragraph is None:
        fields["anchor"] = Message("needs a quote or a paragraph")
    if fields:
        raise Invalid(fields, your_body=mine)
    return service.Target(paragraph=paragraph, quote=quote, near=near)

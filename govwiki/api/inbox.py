"""API: official responses to comments, and the consultation's feedback inbox for its officials."""

from __future__ import annotations

from flask import current_app, jsonify, request, url_for

from govwiki.api.comments import comment_dict
from govwiki.api.helpers import actor, db, json_body, listing, pagination, reject_unknown
from govwiki.api.serialize import iso, proposal_fields, user_ref
from govwiki.core.messages import Message
from govwiki.models import Comment
from govwiki.routing import Routes
from govwiki.services import answers, inbox
from govwiki.services import comment_views as views
from govwiki.services import comments as comment_service
from govwiki.services.access import load_consultation
from govwiki.services.errors import Invalid

routes = Routes()

ID = "int(max=2147483647)"


@routes.post(f"/comments/<{ID}:comment_id>/answer")
def answer_comment(comment_id: int):
    comment = comment_service.load_comment(db.session, actor(), comment_id)
    data = json_body()
    reject_unknown(data, ("body",))
    reply = answers.answer_comment(
        db.session, actor(), comment, body=data.get("body"), max_bytes=current_app.config["MAX_COMMENT_BYTES"]
    )
    data = {"comment": _one(comment)}
    if reply is not None:
        data["reply"] = _one(reply)
    return jsonify(data)


@routes.get("/consultations/<slug>/inbox")
def consultation_inbox(slug: str):
    consultation = load_consultation(db.session, actor(), slug)
    page, per_page = pagination()
    filters = inbox.check_filters(
        db.session,
        consultation,
        page_slug=request.args.get("page_slug"),
        status=request.args.get("status"),
        kind=request.args.get("kind"),
    )
    items, total = inbox.inbox(db.session, actor(), consultation, filters, page, per_page)
    unread = inbox.unread_count(db.session, actor(), consultation)
    return listing([inbox_item_dict(item) for item in items], page, per_page, total, unread=unread)


@routes.post("/consultations/<slug>/inbox/read")
def mark_inbox_read(slug: str):
    consultation = load_consultation(db.session, actor(), slug)
    data = json_body()
    reject_unknown(data, ("items", "read"))
    read = data.get("read", True)
    if not isinstance(read, bool):
        raise Invalid({"read": Message("must be true or false")})
    changed = inbox.mark_read(db.session, actor(), consultation, _items(data.get("items")), read=read)
    return jsonify({"changed": changed, "unread": inbox.unread_count(db.session, actor(), consultation)})


def inbox_item_dict(item: inbox.InboxItem) -> dict:
    """One received item: what is common to both kinds, and the comment or proposal itself."""
    data = {
        "kind": item.kind,
        "id": item.id,
        "at": iso(item.at),
        "page": {
            "slug": item.page.slug,
            "title": item.page.title,
            "url": url_for("api.get_page", slug=item.page.slug, _external=True),
        },
        "author": user_ref(item.author),
        "read": item.read,
        "answered": item.answered,
    }
    if item.comment is not None:
        data["url"] = url_for("api.get_comment", comment_id=item.id, _external=True)
        data["comment"] = _one(item.comment, moderator=True)
    else:
        data["url"] = url_for("api.get_proposal", proposal_id=item.id, _external=True)
        data["proposal"] = {**proposal_fields(item.proposal), "page": item.page.slug}
    return data


def _one(comment: Comment, *, moderator: bool | None = None) -> dict:
    """A comment as the caller may see it (the inbox is for officials, who see hidden text)."""
    if moderator is None:
        moderator = comment_service.may_moderate(db.session, actor(), comment.page)
    data = comment_dict(views.view_of(comment, moderator))
    del data["replies"]
    return data


def _items(raw) -> list[tuple[str, int]]:
    """The `items` field as (kind, id) pairs; 422 naming each malformed entry."""
    if not isinstance(raw, list) or not raw:
        raise Invalid({"items": Message("must be a list of {kind, id} objects")})
    if len(raw) > inbox.MAX_MARKED:
        raise Invalid({"items": Message("at most %(count)d items at a time", count=inbox.MAX_MARKED)})
    pairs, fields = [], {}
    for index, entry in enumerate(raw):
        kind = entry.get("kind") if isinstance(entry, dict) else None
        item_id = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or set(entry) != {"kind", "id"}:
            fields[f"items[{index}]"] = Message("must be an object with exactly kind and id")
        elif kind not in inbox.KINDS:
            fields[f"items[{index}].kind"] = Message("must be comment or proposal")
        elif not isinstance(item_id, int) or isinstance(item_id, bool) or item_id < 1:
            fields[f"items[{index}].id"] = Message("must be a whole number from 1")
        else:
            pairs.append((kind, item_id))
    if fields:
        raise Invalid(fields)
    return pairs

"""API: moderation — report a comment, the consultation's queue of reported comments, and its
officials hiding, showing again or dismissing the reports of a comment."""

from __future__ import annotations

from flask import jsonify

from govwiki.api.comments import ID, comment_dict
from govwiki.api.helpers import actor, db, json_body, listing, pagination, reject_unknown
from govwiki.api.serialize import iso, user_ref
from govwiki.models import Comment, CommentFlag
from govwiki.rate_limits import limit
from govwiki.routing import Routes
from govwiki.services import comment_views as views
from govwiki.services import comments as comment_service
from govwiki.services import moderation as service
from govwiki.services.access import load_consultation

routes = Routes()


@routes.post(f"/comments/<{ID}:comment_id>/flag")
@limit("flags")
def flag_comment(comment_id: int):
    comment = comment_service.load_comment(db.session, actor(), comment_id)
    data = json_body()
    reject_unknown(data, ("reason",))
    flag = service.flag_comment(db.session, actor(), comment, reason=data.get("reason"))
    return jsonify(_flag(flag, with_user=False)), 201


@routes.post(f"/comments/<{ID}:comment_id>/hide")
def hide_comment(comment_id: int):
    comment = comment_service.load_comment(db.session, actor(), comment_id)
    data = json_body()
    reject_unknown(data, ("reason",))
    service.hide_comment(db.session, actor(), comment, reason=data.get("reason"))
    return jsonify(_moderated(comment))


@routes.post(f"/comments/<{ID}:comment_id>/unhide")
def unhide_comment(comment_id: int):
    comment = comment_service.load_comment(db.session, actor(), comment_id)
    reject_unknown(json_body(), ())
    service.unhide_comment(db.session, actor(), comment)
    return jsonify(_moderated(comment))


@routes.post(f"/comments/<{ID}:comment_id>/dismiss-flags")
def dismiss_flags(comment_id: int):
    comment = comment_service.load_comment(db.session, actor(), comment_id)
    reject_unknown(json_body(), ())
    dismissed = service.dismiss_flags(db.session, actor(), comment)
    return jsonify({"id": comment.id, "dismissed": dismissed, "open_flags": 0})


@routes.get("/consultations/<slug>/moderation")
def moderation_queue(slug: str):
    consultation = load_consultation(db.session, actor(), slug)
    page, per_page = pagination()
    items, total = service.moderation_queue(db.session, actor(), consultation, page=page, per_page=per_page)
    return listing([_item(item) for item in items], page, per_page, total)


def _moderated(comment: Comment) -> dict:
    """The comment as its moderators see it (the text, marked hidden when it is)."""
    data = comment_dict(views.view_of(comment, moderator=True))
    del data["replies"]
    return data


def _item(item: service.QueueItem) -> dict:
    data = _moderated(item.comment)
    return {
        "comment": data,
        "open_flags": len(item.flags),
        "last_flagged_at": iso(item.latest),
        "flags": [_flag(flag) for flag in item.flags],
    }


def _flag(flag: CommentFlag, *, with_user: bool = True) -> dict:
    data = {
        "id": flag.id,
        "comment": flag.comment_id,
        "reason": flag.reason,
        "created_at": iso(flag.created_at),
    }
    if with_user:
        data["by"] = user_ref(flag.user)
    return data

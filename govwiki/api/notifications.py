"""API: the signed-in user's notifications and watchlist (an extension of API.md).

Routes: GET /notifications, POST /notifications/read, PUT/DELETE /consultations/{c}/watch and
/pages/{p}/watch, GET /watchlist. Everything here is about the caller: signed out is a 401, and
watching something the caller may not read is a 404 like every other private thing.
"""

from __future__ import annotations

from flask import jsonify, url_for

from govwiki.api.helpers import actor, db, json_body, listing, pagination, reject_unknown, signed_in_caller
from govwiki.api.serialize import iso
from govwiki.models import Notification
from govwiki.routing import Routes
from govwiki.services import notifications
from govwiki.services.access import load_consultation, load_page
from govwiki.services.notifications import Watched
from govwiki.web.notification_entries import comment_id, sentence, target_url
from govwiki.web.comment_links import comment_url

routes = Routes()


@routes.get("/notifications")
def list_notifications():
    me = signed_in_caller()
    page, per_page = pagination()
    items, total = notifications.list_notifications(db.session, me, page=page, per_page=per_page)
    unread = notifications.unread_count(db.session, me)
    return listing([notification_dict(n) for n in items], page, per_page, total, unread=unread)


@routes.post("/notifications/read")
def mark_read():
    me = signed_in_caller()
    data = json_body()
    reject_unknown(data, ("ids",))
    changed = notifications.mark_read(db.session, me, data.get("ids"))
    return jsonify({"marked": changed, "unread": notifications.unread_count(db.session, me)})


@routes.put("/consultations/<slug>/watch")
def watch_consultation(slug: str):
    consultation = load_consultation(db.session, actor(), slug)
    notifications.watch(db.session, signed_in_caller(), consultation=consultation)
    return jsonify({"watching": True, "consultation": consultation.slug})


@routes.delete("/consultations/<slug>/watch")
def unwatch_consultation(slug: str):
    consultation = load_consultation(db.session, actor(), slug)
    notifications.unwatch(db.session, signed_in_caller(), consultation=consultation)
    return jsonify({"watching": False, "consultation": consultation.slug})


@routes.put("/pages/<slug>/watch")
def watch_page(slug: str):
    page = load_page(db.session, actor(), slug)
    notifications.watch(db.session, signed_in_caller(), page=page)
    return jsonify({"watching": True, "page": page.slug})


@routes.delete("/pages/<slug>/watch")
def unwatch_page(slug: str):
    page = load_page(db.session, actor(), slug)
    notifications.unwatch(db.session, signed_in_caller(), page=page)
    return jsonify({"watching": False, "page": page.slug})


@routes.get("/watchlist")
def watchlist():
    me = signed_in_caller()
    page, per_page = pagination()
    items, total = notifications.list_watches(db.session, me, page=page, per_page=per_page)
    return listing([watched_dict(w) for w in items], page, per_page, total)


def notification_dict(n: Notification) -> dict:
    """An entry as data: what happened, how often, to what, and the facts behind it; `text` says
    it in the caller's language (?lang=, else Accept-Language), `html_url` is where it leads on
    the web."""
    return {
        "id": n.id,
        "kind": n.kind,
        "count": n.count,
        "unread": n.read_at is None,
        "read_at": iso(n.read_at),
        "created_at": iso(n.created_at),
        "updated_at": iso(n.updated_at),
        "consultation": _ref(n.consultation, "api.get_consultation"),
        "page": _ref(n.page, "api.get_page"),
        "proposal": n.proposal_id,
        "details": n.details if isinstance(n.details, dict) else {},
        "diff_url": _day_diff_url(n),
        "comment": _comment_ref(n),
        "text": sentence(n),
        "html_url": target_url(n, external=True),
    }


def _comment_ref(n: Notification) -> dict | None:
    """For an entry about comments: the comment it leads to, in the API and on its page."""
    comment = comment_id(n)
    if comment is None or n.page is None:
        return None
    return {
        "id": comment,
        "url": url_for("api.get_comment", comment_id=comment, _external=True),
        "html_url": comment_url(comment, _external=True),
    }


def _day_diff_url(n: Notification) -> str | None:
    """For a day of edits: the diff from before the day's first edit to its latest revision."""
    details = n.details if isinstance(n.details, dict) else {}
    base, last = details.get("base_revision"), details.get("last_revision")
    if n.kind != "page_edited" or n.page is None or not isinstance(base, int) or not isinstance(last, int):
        return None
    return url_for("api.diff", slug=n.page.slug, _external=True, **{"from": base, "to": last})


def watched_dict(w: Watched) -> dict:
    return {
        "type": w.kind,
        "since": iso(w.since),
        "consultation": _ref(w.consultation, "api.get_consultation"),
        "page": _ref(w.page, "api.get_page"),
    }


def _ref(thing, endpoint: str) -> dict | None:
    if thing is None:
        return None
    return {
        "slug": thing.slug,
        "title": thing.title,
        "url": url_for(endpoint, slug=thing.slug, _external=True),
    }

"""API: pages, revisions, diffs, blame, search of the history and reverts."""

from __future__ import annotations

from flask import current_app, jsonify, request

from govwiki import http_cache
from govwiki.api.helpers import actor, db, int_arg, json_body, listing, pagination
from govwiki.api.serialize import ops_list, page_dict, revision_dict, user_ref
from govwiki.rate_limits import limit
from govwiki.routing import Routes
from govwiki.services import history, pages, people, revision_list
from govwiki.services.access import load_page

routes = Routes()


def _roles(page):
    """The roles held in the page's consultation (one query per request): author badges."""
    return people.roles_in(db.session, page.consultation)


def _page_response(page, revision, **extra):
    body = page_dict(page, revision, pages.contributors(db.session, page), _roles(page))
    return jsonify({**body, **extra})


@routes.get("/pages/<slug>")
def get_page(slug: str):
    page = load_page(db.session, actor(), slug)
    number = int_arg("revision")
    revision = (
        pages.get_revision(db.session, page, number)
        if number is not None
        else pages.head_revision(db.session, page)
    )
    return _page_response(page, revision)


@routes.put("/pages/<slug>")
@limit("edits")
def save_page(slug: str):
    page = load_page(db.session, actor(), slug)
    data = json_body()
    result = pages.save_page(
        db.session,
        actor(),
        page,
        body=data.get("body"),
        summary=data.get("summary", ""),
        base_revision=data.get("base_revision"),
        max_bytes=current_app.config["MAX_PAGE_BYTES"],
    )
    return _page_response(page, result.revision, merged=result.merged, unchanged=result.unchanged)


@routes.get("/pages/<slug>/revisions")
def list_revisions(slug: str):
    page = load_page(db.session, actor(), slug)
    number, per_page = pagination()
    items, total = revision_list.list_revisions(db.session, page, page_no=number, per_page=per_page)
    roles = _roles(page)
    return listing([revision_dict(r, roles=roles) for r in items], number, per_page, total)


@routes.get("/pages/<slug>/revisions/<int(max=2147483647):number>")
def get_revision(slug: str, number: int):
    page = load_page(db.session, actor(), slug)
    revision = pages.get_revision(db.session, page, number)
    return jsonify(revision_dict(revision, with_body=True, roles=_roles(page)))


@routes.get("/pages/<slug>/diff")
def diff(slug: str):
    page = load_page(db.session, actor(), slug)
    old, new = int_arg("from"), int_arg("to")
    result = history.diff_revisions(db.session, page, old, new, timeout=current_app.config["DIFF_TIMEOUT"])
    if old is not None and new is not None:  # two fixed revisions: this answer never changes
        http_cache.last_modified(max(result.old.created_at, result.new.created_at))
    return jsonify(
        {
            "from": result.old.number,
            "to": result.new.number,
            "ops": ops_list(result.ops),
            "stats": result.stats,
        }
    )


@routes.get("/pages/<slug>/blame")
def blame(slug: str):
    page = load_page(db.session, actor(), slug)
    revision, spans = history.blame_revision(db.session, page, int_arg("revision"))
    roles = _roles(page)
    return jsonify(
        {
            "revision": revision.number,
            "spans": [
                {"text": s.text, "revision": s.revision, "author": user_ref(s.author, roles)} for s in spans
            ],
        }
    )


@routes.get("/pages/<slug>/history/search")
def search_history(slug: str):
    page = load_page(db.session, actor(), slug)
    found = history.find_phrase(db.session, page, request.args.get("q", ""), int_arg("revision"))
    return jsonify(
        {
            "revision": found.revision.number,
            "total": found.total,
            "items": [
                {
                    "start": place.start,
                    "end": place.end,
                    "before": place.before,
                    "text": place.text,
                    "after": place.after,
                    "introduced": revision_dict(place.introduced, roles=_roles(page)),
                    "oldest": place.oldest,
                }
                for place in found.places
            ],
        }
    )


@routes.post("/pages/<slug>/revert")
@limit("edits")
def revert(slug: str):
    page = load_page(db.session, actor(), slug)
    data = json_body()
    result = pages.revert_page(
        db.session, actor(), page, to_revision=data.get("to_revision"), summary=data.get("summary", "")
    )
    return _page_response(page, result.revision, unchanged=result.unchanged)

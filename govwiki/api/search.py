"""API: search over everything the caller may read, in Chinese and English."""

from __future__ import annotations

from flask import current_app, request

from govwiki.api.helpers import actor, db, listing, pagination
from govwiki.api.serialize import iso
from govwiki.routing import Routes
from govwiki.search.index import Hit
from govwiki.services import search as service
from govwiki.web.search_links import hit_url

routes = Routes()


@routes.get("/search")
def search():
    page, per_page = pagination()
    reader = actor()
    asked = service.asked(db.session, reader, request.args, page, per_page)
    result = service.search(db.session, reader, current_app.extensions["govwiki_search"], **asked)
    facets = {
        "type": result.kinds,
        "consultation": {row.slug: count for row, count in service.consultation_facets(db.session, result)},
        "status": result.statuses,
    }
    return listing([hit_dict(hit) for hit in result.hits], page, per_page, result.total, facets=facets)


def hit_dict(hit: Hit) -> dict:
    kind, _, id = hit.key.partition(":")
    return {
        "type": kind,
        "id": int(id),
        "title": hit.title,
        "url": hit_url(hit),
        "snippet_html": hit.snippet_html,
        "score": hit.score,
        "status": hit.status,
        "author": hit.author,
        "updated_at": iso(hit.updated),
    }

"""Search on the web: the results page behind the header's search box, with facets per kind,
filters, sorting and pages; the same service and permission rule as the API."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from govwiki.security import actor
from govwiki.search.index import KINDS
from govwiki.services import search as service
from govwiki.services.errors import Invalid, SearchRebuilding
from govwiki.web import templating
from govwiki.web.records import PROPOSAL_STATUS
from govwiki.web.search_links import hit_url
from govwiki.web.views import Pager, page_args, session

search = Blueprint("search", __name__)
search.record_once(templating.install)

#: how each kind of hit is named on the page
KIND_NAMES = {
    "page": _l("Pages"),
    "proposal": _l("Proposals"),
    "comment": _l("Comments"),
    "consultation": _l("Consultations"),
}
SORT_NAMES = {"relevance": _l("Best match"), "date": _l("Newest first")}

#: the query parameters a results page keeps in its links (facets, sorting, pages)
KEPT = ("q", "type", "consultation", "status", "author", "since", "until", "sort")


@search.get("/search")
def results():
    page, per_page = page_args()
    reader = actor()
    kept = {name: request.args[name] for name in KEPT if request.args.get(name)}
    try:
        asked = service.asked(session(), reader, request.args, page, per_page)
    except Invalid as error:
        return render_template("search/results.html", kept=kept, errors=error.fields, found=None), 422
    found = None
    if asked["text"].strip():
        try:
            found = service.search(session(), reader, current_app.extensions["govwiki_search"], **asked)
        except SearchRebuilding as busy:
            page_html = render_template(
                "search/results.html", kept=kept, errors={}, found=None, busy=busy.message
            )
            return page_html, 503, {"Retry-After": str(busy.details["retry_after"])}
    return render_template(
        "search/results.html",
        kept=kept,
        errors={},
        found=found,
        hits=[(hit, hit_url(hit)) for hit in found.hits] if found else [],
        pager=Pager(page, per_page, found.total if found else 0),
        facets=_facets(kept, found),
        sorts=[(name, label, _link(kept, sort=name)) for name, label in SORT_NAMES.items()],
        kind_names=KIND_NAMES,
        proposal_status=PROPOSAL_STATUS,
    )


def _link(kept: dict, **changed) -> str:
    """This results page with `changed` parameters (None drops one), from its first page."""
    args = {**kept, **changed}
    return url_for("search.results", **{name: value for name, value in args.items() if value})


def _facets(kept: dict, found) -> list[tuple[str, str, int, str, bool]]:
    """(kind, name, hits, link, chosen) per kind, and first "every kind"."""
    if found is None:
        return []
    chosen = kept.get("type", "")
    every = ("", _l("Everything"), sum(found.kinds.values()), _link(kept, type=None), not chosen)
    return [every] + [
        (kind, KIND_NAMES[kind], found.kinds.get(kind, 0), _link(kept, type=kind), chosen == kind)
        for kind in KINDS
    ]

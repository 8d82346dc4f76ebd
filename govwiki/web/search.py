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
from govwiki.web.labels import STATUS
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
#: how each status is named in its facet (a consultation's and a proposal's "open" are one status);
#: "visible" is every comment that can be found at all, so it is no facet
STATUS_NAMES = {**PROPOSAL_STATUS, **STATUS, "merged": _l("Merged"), "rejected": _l("Rejected")}

#: the query parameters a results page keeps in its links (facets, sorting, pages)
KEPT = ("q", "type", "consultation", "status", "author", "since", "until", "sort")


@search.get("/search")
def results():
    page, per_page = page_args()
    reader = actor()
    kept = {name: request.args[name] for name in KEPT if request.args.get(name)}
    try:
        asked = service.asked(session(), reader, request.args, page, per_page, templating.site_zone())
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
        consultation_facets=_consultation_facets(kept, found),
        status_facets=_status_facets(kept, found),
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


def _consultation_facets(kept: dict, found) -> list[tuple[str, int, str, bool]]:
    """(title, hits, link, chosen) per consultation among the hits, when there are two or more
    (or one is chosen: then a link leads back to every consultation)."""
    if found is None:
        return []
    rows = service.consultation_facets(session(), found)
    chosen = kept.get("consultation")
    if len(rows) < 2 and not chosen:
        return []
    return [
        (
            row.title,
            count,
            _link(kept, consultation=None if row.slug == chosen else row.slug),
            row.slug == chosen,
        )
        for row, count in rows
    ]


def _status_facets(kept: dict, found) -> list[tuple[str, int, str, bool]]:
    """(name, hits, link, chosen) per status among the hits; choosing the chosen one again drops it."""
    if found is None:
        return []
    chosen = kept.get("status")
    counts = {status: count for status, count in found.statuses.items() if status in STATUS_NAMES}
    if len(counts) < 2 and not chosen:
        return []
    return [
        (
            STATUS_NAMES[status],
            count,
            _link(kept, status=None if status == chosen else status),
            status == chosen,
        )
        for status, count in sorted(counts.items(), key=lambda pair: -pair[1])
    ]

"""A page's past on the web: the list of revisions, diffs and blame.

These routes live on the `pages` blueprint (`pages.history`, `pages.diff`, …): web.pages adds
them with `history.routes.register_on(pages)`.
"""

from __future__ import annotations

from flask import current_app, render_template, request

from govwiki.core.diff_cache import view_once
from govwiki.routing import Routes
from govwiki.security import actor
from govwiki.services import history as service
from govwiki.services import pages as page_service
from govwiki.services.access import load_page
from govwiki.web.present import blame_bands, blame_sources, diff_layout
from govwiki.web.views import Pager, page_args, page_permissions, revision_arg, session

routes = Routes()


@routes.get("/pages/<slug>/history")
def history(slug: str):
    page = load_page(session(), actor(), slug)
    number, per_page = page_args()
    revisions, total = page_service.list_revisions(session(), page, page_no=number, per_page=per_page)
    return render_template(
        "pages/history.html",
        page=page,
        revisions=revisions,
        head_number=total,
        pager=Pager(number, per_page, total),
        can=page_permissions(page),
    )


@routes.get("/pages/<slug>/diff")
def diff(slug: str):
    page = load_page(session(), actor(), slug)
    result = service.diff_revisions(
        session(), page, revision_arg("from"), revision_arg("to"), timeout=current_app.config["DIFF_TIMEOUT"]
    )
    view = "side" if request.args.get("view") == "side" else "inline"
    full = request.args.get("full") == "1"
    old, new = result.old.sha256, result.new.sha256
    return render_template(
        "pages/diff.html",
        page=page,
        diff=result,
        view=view,
        full=full,
        can=page_permissions(page),
        shown=view_once(old, new, (view, full), lambda: diff_layout(result.ops, view, full)),
        changed=any(piece.op != "equal" for piece in result.ops),
    )


@routes.get("/pages/<slug>/blame")
def blame(slug: str):
    page = load_page(session(), actor(), slug)
    revision, spans = service.blame_revision(session(), page, revision_arg("revision"))
    return render_template(
        "pages/blame.html",
        page=page,
        revision=revision,
        spans=spans,
        can=page_permissions(page),
        bands=blame_bands(spans),
        sources=blame_sources(spans),
    )

"""A page's past on the web: the list of revisions, diffs, blame, and which revision introduced
a phrase.

These routes live on the `pages` blueprint (`pages.history`, `pages.diff`, …): web.pages adds
them with `history.routes.register_on(pages)`.
"""

from __future__ import annotations

from flask import current_app, render_template, request, url_for

from govwiki.core.diff_cache import view_once
from govwiki.core.diff_views import DiffScreen, diff_screen
from govwiki.routing import Routes
from govwiki.security import actor
from govwiki.services import history as service
from govwiki.services import people
from govwiki.services.access import Verdicts, load_page
from govwiki.services.errors import Invalid
from govwiki.services.revision_list import list_revisions
from govwiki.services.shown_pages import PageFacts
from govwiki.web import page_cache, personal_parts
from govwiki.web.fragments import fragment
from govwiki.web.present import blame_bands, blame_sources, diff_layout, diff_view
from govwiki.web.views import (
    MAX_PAGE_NUMBER,
    Pager,
    bounded_int,
    page_args,
    page_permissions,
    revision_arg,
    session,
)

routes = Routes()


@routes.get("/pages/<slug>/history")
def history(slug: str):
    page = load_page(session(), actor(), slug)
    number, per_page = page_args()
    revisions, total = list_revisions(session(), page, page_no=number, per_page=per_page)
    can = page_permissions(page)
    shown = {
        "page": page,
        "revisions": revisions,
        "head_number": total,
        "can": {"revert": bool(can["revert"])},
    }
    row_keys = tuple(revisions)  # a listed revision is all its row shows, and hashable
    rows = fragment(
        "history-rows",
        # the consultation's last change: a new member's badge shows beside their name at once
        (page.slug, total, bool(can["revert"]), page.consultation.updated_at, *row_keys),
        lambda: render_template("pages/_history_rows.html", **shown, roles=_roles(page)),
    )

    def render() -> str:
        return render_template(
            "pages/history.html", rows=rows, pager=Pager(number, per_page, total), **{**shown, "can": can}
        )

    return _shared(page, ("history", total, row_keys), render, "page", "per_page")


def _shared(page, key: tuple, render, *arguments: str):
    """The view from the page cache when it can (web/page_cache.py): `key` names what it shows
    besides the page's situation, the reader's kind and the query (its `arguments`)."""
    if not page_cache.cacheable(*arguments):
        return render()
    verdicts = Verdicts(session(), actor(), page.consultation)
    full_key = (*key, *page_cache.view_key(PageFacts.of(page), verdicts), page_cache.query_key())
    return page_cache.serve(full_key, render, personal_parts.page_filler(page, verdicts))


def _roles(page):
    """The roles held in the page's consultation, for the badges beside names (asked only when
    rendering: every change of membership moves the consultation's `updated_at`, which the
    cache keys hold)."""
    return people.roles_in(session(), page.consultation)


#: changes shown on one screen of a diff; a longer diff has a screen of changes per `?page=`
DIFF_CHANGES_PER_SCREEN = 100


@routes.get("/pages/<slug>/diff")
def diff(slug: str):
    page = load_page(session(), actor(), slug)
    result = service.diff_revisions(
        session(), page, revision_arg("from"), revision_arg("to"), timeout=current_app.config["DIFF_TIMEOUT"]
    )
    view = diff_view(request.args.get("view"))
    full = request.args.get("full") == "1"
    asked = bounded_int(request.args.get("page"), 1, 1, MAX_PAGE_NUMBER)

    def render() -> str:
        screen = _diff_screen(result, view, full, asked)
        args = _diff_args(page, result, view, full)
        return render_template(
            "pages/diff.html",
            page=page,
            roles=_roles(page),
            diff=result,
            view=view,
            full=full,
            can=page_permissions(page),
            shown_html=_diff_html(result, view, full, screen, args),
            changed=any(piece.op != "equal" for piece in result.ops),
            pager=Pager(screen.number, DIFF_CHANGES_PER_SCREEN, screen.total),
            pager_args=args,
        )

    old, new = result.old, result.new
    shown = (old.number, old.sha256, new.number, new.sha256, view, full, asked)
    people_shown = (old.author, new.author, old.merged_by, new.merged_by)  # as they are named now
    return _shared(page, ("diff", *shown, people_shown), render, "from", "to", "view", "full", "page")


def _diff_screen(result, view: str, full: bool, asked: int) -> DiffScreen:
    """The screen of changes asked for, from the diff's layout (made once for all screens and
    languages)."""
    old, new = result.old, result.new
    layout = view_once(old.sha256, new.sha256, (view, full), lambda: diff_layout(result.ops, view, full))
    return diff_screen(layout, asked, DIFF_CHANGES_PER_SCREEN)


def _diff_args(page, result, view: str, full: bool) -> dict:
    """What a link to another screen of this diff keeps of the query."""
    args = {"slug": page.slug, "from": result.old.number, "to": result.new.number}
    if view != "auto":
        args["view"] = view
    if full:
        args["full"] = 1
    return args


def _diff_html(result, view: str, full: bool, screen: DiffScreen, args: dict):
    """One screen of the diff as HTML, made once per language."""
    old, new = result.old, result.new
    links = {
        "first": screen.first,
        "last": screen.last,
        "total": screen.total,
        "prev_url": url_for("pages.diff", **args, page=screen.number - 1) if screen.number > 1 else None,
        "next_url": url_for("pages.diff", **args, page=screen.number + 1)
        if screen.number < screen.screens
        else None,
    }

    def render():
        template = "pages/_diff_inline.html" if view == "inline" else "pages/_diff_side.html"
        return render_template(template, diff=result, shown=screen.items, auto=view == "auto", screen=links)

    key = (old.sha256, new.sha256, view, full, old.number, new.number, screen.number, *sorted(args.items()))
    return fragment("diff", key, render)


@routes.get("/pages/<slug>/blame")
def blame(slug: str):
    page = load_page(session(), actor(), slug)
    revision, spans = service.blame_revision(session(), page, revision_arg("revision"))
    return render_template(
        "pages/blame.html",
        page=page,
        roles=_roles(page),
        revision=revision,
        spans=spans,
        can=page_permissions(page),
        bands=blame_bands(spans),
        sources=blame_sources(spans),
    )


@routes.get("/pages/<slug>/history/search")
def search_history(slug: str):
    page = load_page(session(), actor(), slug)
    phrase = request.args.get("q", "")
    number = revision_arg("revision")
    shown = {
        "page": page,
        "can": page_permissions(page),
        "phrase": phrase,
        "asked_revision": number,
        "roles": _roles(page),
    }
    if not phrase.strip():  # the empty form, from the history page's link
        return render_template("pages/history_search.html", found=None, errors={}, **shown)
    try:
        found = service.find_phrase(session(), page, phrase, number)
    except Invalid as error:
        return render_template("pages/history_search.html", found=None, errors=error.fields, **shown), 422
    return render_template("pages/history_search.html", found=found, errors={}, **shown)

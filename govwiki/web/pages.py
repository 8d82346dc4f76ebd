"""Pages on the web: read, edit (merging over newer revisions, or a conflict screen), revert.

An edit never loses the editor's text: every refusal (signed out, closed, invalid, too large,
an overlapping change) shows the edit form again with the submitted text in the box.
History, diffs and blame are in `web.history`; their routes join this blueprint where it is made.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError

from govwiki.core.markdown import render_cached
from govwiki.core.policy import Action
from govwiki.core.resolution import marked_merge
from govwiki.errors import error_response
from govwiki.rate_limits import limit, refusal, retry_headers
from govwiki.security import actor
from govwiki.services import pages as service
from govwiki.services import people, shown_pages
from govwiki.services.proposal_review import count_open
from govwiki.services.access import Verdicts, load_page, load_page_to_show
from govwiki.services.errors import EditConflict, ServiceError
from govwiki.services.shown_pages import PageFacts
from govwiki.web import confirm, discussion, history, page_cache, personal_parts, preview, templating
from govwiki.web.forms import EditForm, RevertForm, attach_errors
from govwiki.web.present import conflict_passages
from govwiki.web.views import ID, gate, page_permissions, revision_arg, session

pages = Blueprint("pages", __name__)
limit("writes")(pages)  # every form write, as every API write (rate_limits.py)
pages.record_once(templating.install)
history.routes.register_on(pages)
preview.routes.register_on(pages)


@pages.get("/pages/<slug>")
def show(slug: str):
    if page_cache.cacheable():
        return _show_shared(slug)
    page = load_page_to_show(session(), actor(), slug)
    number = revision_arg("revision")
    revision = (
        service.head_revision(session(), page)
        if number is None
        else service.get_revision(session(), page, number)
    )
    return render_template("pages/show.html", **_with_discussion(page, revision))


def _with_discussion(page, revision) -> dict:
    context = reading(page, revision)
    return {**context, **discussion.context(page, revision, context["rendered"])}


def _show_shared(slug: str):
    """The current revision from the page cache: the view as every reader of this kind sees it,
    with this reader's own parts drawn in (web/personal_parts.py). A stranger's view is looked
    up by facts read without loading the page (services/shown_pages.py)."""
    stranger = shown_pages.for_stranger(session(), slug) if actor() is None else None
    if stranger is None:  # signed in; or no page a stranger may read, which this load tells
        page = load_page_to_show(session(), actor(), slug)
        verdicts = discussion.visitor_verdicts(page.consultation)
        facts, open_count = PageFacts.of(page), count_open(session(), page)
    else:
        facts, open_count = stranger
        verdicts, page = Verdicts.of_stranger(facts.situation), None
    key = ("show", *page_cache.view_key(facts, verdicts), open_count, facts.discussion_version)

    def render() -> str:
        shown = page or load_page_to_show(session(), actor(), slug)
        return render_template(
            "pages/show.html", **_with_discussion(shown, service.head_revision(session(), shown))
        )

    return page_cache.serve(key, render, personal_parts.page_filler(page, verdicts))


@pages.get(f"/pages/<slug>/revisions/<{ID}:number>")
def revision(slug: str, number: int):
    page = load_page(session(), actor(), slug)
    old = service.get_revision(session(), page, number)
    source = request.args.get("view") == "source"
    return render_template("pages/revision.html", source=source, **reading(page, old))


@pages.route("/pages/<slug>/edit", methods=["GET", "POST"])
@limit("edits", exempt_when=preview.wants_preview)
@limit("previews", exempt_when=preview.saving)
def edit(slug: str):
    page = load_page(session(), actor(), slug)
    form = EditForm()
    if not form.is_submitted():
        return gate(page.consultation, Action.EDIT) or _open_editor(page, form)
    if preview.wants_preview():
        return _editor(page, form, preview=preview.preview_of(form.body.data))
    if form.blanks_the_page() and service.head_revision(session(), page).body.strip():
        return _editor(page, form, confirm_empty=True, status=422)
    try:
        result = service.save_page(
            session(),
            actor(),
            page,
            body=form.body.data,
            summary=form.summary.data or "",
            base_revision=form.base_number(),
            max_bytes=current_app.config["MAX_PAGE_BYTES"],
        )
    except EditConflict as conflict:
        return _conflict(page, form, conflict)
    except ServiceError as error:
        return _refused(page, form, error)
    flash(_saved_message(result), "saved")
    return redirect(url_for(".show", slug=page.slug))


@pages.post("/pages/<slug>/revert")
@limit("edits")
def revert(slug: str):
    page = load_page(session(), actor(), slug)
    form = RevertForm()
    target = form.target()
    if confirm.should_ask(
        bool(page_permissions(page)["revert"])
        and target is not None
        and 1 <= target <= page.head_number
        and target != page.head_number
    ):
        return confirm.ask(
            confirm.Question(
                _("Revert “%(title)s” to revision %(number)d?", title=page.title, number=target),
                _(
                    "A new revision will replace the current text (revision %(head)d) with the text of "
                    "revision %(number)d. Nothing is deleted: every revision stays in the history.",
                    head=page.head_number,
                    number=target,
                ),
                _("Yes, revert to revision %(number)d", number=target),
                url_for(".history", slug=page.slug),
            ),
            editable=form.summary,
        )
    result = service.revert_page(
        session(), actor(), page, to_revision=form.target(), summary=form.summary.data or ""
    )
    if result.unchanged:
        flash(_("The page already has that text; nothing changed."), "info")
    else:
        flash(
            _(
                "Reverted: revision %(number)d restores the text of revision %(target)d.",
                number=result.revision.number,
                target=form.target(),
            ),
            "saved",
        )
    return redirect(url_for(".show", slug=page.slug))


@pages.errorhandler(CSRFError)
def _csrf_refused(error: CSRFError):
    """An expired form must not cost the editor their text: show it again, with a fresh token."""
    message = _(
        "Your session expired or the form was too old, so nothing was saved. "
        "Your text is below: check it and save again."
    )
    body = request.form.get("body")
    if request.endpoint == "pages.edit" and body is not None:
        try:
            page = load_page(session(), actor(), request.view_args["slug"])
        except ServiceError:  # no longer readable: the error page still hands the text back
            return error_response(400, {"code": "csrf_failed", "message": message, "your_body": body})
        return _editor(page, EditForm(), error_message=message, status=400)
    return error_response(400, {"code": "csrf_failed", "message": error.description})


@pages.errorhandler(RateLimitExceeded)
def _too_many(error: RateLimitExceeded):
    """Too many saves in a short time: the editor again with the text in the box, and when to
    try again (a revert's confirmation, with no text, gets the plain error page)."""
    refused = refusal(error)
    headers = retry_headers(refused)
    try:
        if request.endpoint == "pages.edit":
            page = load_page(session(), actor(), request.view_args["slug"])
            return (*_refused(page, EditForm(), refused), headers)
    except ServiceError:  # no longer readable: the error page still hands the text back
        pass
    return error_response(429, refused.to_dict(), headers)


#: contributors listed on a page; the rest are counted ("and 12 more")
SHOWN_CONTRIBUTORS = 10


def reading(page, revision) -> dict:
    """What a page shown at one revision needs: its HTML, contents, people and permissions."""
    can = page_permissions(page)
    shown = service.contributors(session(), page, limit=SHOWN_CONTRIBUTORS)
    total = service.contributor_count(session(), page) if len(shown) == SHOWN_CONTRIBUTORS else len(shown)
    return {
        "page": page,
        "revision": revision,
        "head_number": page.head_number,
        "rendered": render_cached(revision.sha256, revision.body),
        "contributors": shown,
        "more_contributors": total - len(shown),
        "roles": people.roles_in(session(), page.consultation),
        "can": can,
        # Only those who may revert get the form (building a form costs more than the page).
        "revert_form": RevertForm(formdata=None, to_revision=revision.number) if can["revert"] else None,
    }


def _open_editor(page, form: EditForm):
    head = service.head_revision(session(), page)
    form.body.data, form.base_revision.data = head.body, head.number
    return _editor(page, form)


def _conflict(page, form: EditForm, conflict: EditConflict):
    """The 409 screen: the passages side by side, and in the box the merge of my change over the
    head the conflict was found on, both versions of each overlap marked, to resubmit on it."""
    details = conflict.details
    head = service.get_revision(session(), page, details.get("head_revision"))
    base = service.get_revision(session(), page, details.get("base_revision"))
    passages = conflict_passages(base.body, details.get("conflicts") or [])
    form.body.data = marked_merge(
        base.body,
        details.get("your_body", form.body.data),
        head.body,
        mine_label=_("your version"),
        theirs_label=_("current text, revision %(number)d", number=head.number),
    )
    form.base_revision.data = head.number
    return _editor(
        page,
        form,
        conflict=details,
        conflict_message=conflict.message,
        passages=passages,
        head=head,
        status=409,
    )


def _refused(page, form: EditForm, error: ServiceError):
    session().rollback()
    attach_errors(form, getattr(error, "fields", {}))
    return _editor(page, form, error=error, status=error.status)


def _editor(page, form: EditForm, *, status: int = 200, **context):
    context.setdefault("error_message", None)
    context.setdefault("preview", None)
    html = render_template("pages/edit.html", page=page, form=form, can=page_permissions(page), **context)
    return html, status


def _saved_message(result) -> str:
    if result.unchanged:
        return _("No changes: the text is the same as the current revision, so nothing was saved.")
    if result.merged:
        return _(
            "Saved as revision %(number)d, merged with changes made since you started.",
            number=result.revision.number,
        )
    return _("Saved as revision %(number)d.", number=result.revision.number)

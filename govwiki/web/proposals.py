"""Proposals on the web: suggest a change, a page's suggestions, one suggestion with its diff and
merge preview, and the decisions on it (merge all or some changes, resolve conflicts by hand,
reject with a public reason; the author edits or withdraws).

No text is ever lost: a refused suggestion (signed out, past the deadline, invalid, too large)
shows the form again with the text in the box, and a refused hand resolution shows the editor
again with the resolved text.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import RateLimitExceeded
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from wtforms import HiddenField, SubmitField, TextAreaField

from govwiki.core.policy import Action
from govwiki.errors import error_response
from govwiki.extensions import db
from govwiki.rate_limits import limit, refusal, retry_headers
from govwiki.security import actor
from govwiki.services import pages as page_service
from govwiki.services import people
from govwiki.services import proposal_review as reviews
from govwiki.services import proposals as service
from govwiki.services.access import load_page
from govwiki.services.errors import EditConflict, ServiceError
from govwiki.web import confirm, preview, templating
from govwiki.web.forms import attach_errors, unix_newlines
from govwiki.web.labels import N_
from govwiki.web.present import conflict_passages, diff_layout, diff_view
from govwiki.web.views import ID, Pager, allowed, gate, page_args, session, sign_in_url, whole_number

proposals = Blueprint("proposals", __name__)
limit("writes")(proposals)  # every form write, as every API write (rate_limits.py)
proposals.record_once(templating.install)

STATUS = {
    "open": _l("Open"),
    "merged": _l("Merged"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
}

# Fixed messages of the proposals service, listed so that they are extracted and translated.
SERVICE_MESSAGES = (
    N_("No such proposal."),
    N_("Only the author of a proposal may change or withdraw it."),
    N_("This proposal has already been merged."),
    N_("This proposal is no longer open."),
    N_("The proposal changed since you reviewed it; review it again."),
    N_(
        "The proposal changes passages that were changed since it was written. Nothing was "
        "merged: resolve the conflicting passages by hand and merge the resolved text."
    ),
    N_("the same as the text it is based on: change something to suggest it"),
    N_("empty: write the text as you would like it to read"),
    N_("still holds conflict markers (<<<<<<< and >>>>>>> lines): resolve every marked passage"),
    N_("choose at least one change to merge (or reject the proposal)"),
    N_("a list of change numbers"),
)


class ProposalForm(FlaskForm):
    body = TextAreaField(
        _l("Your version of the text (Markdown)"),
        filters=[unix_newlines],
        description=_l(
            "Change the text as you would like it to read. Officials see exactly what you changed."
        ),
        render_kw={"rows": 24, "spellcheck": "true", "data-autosave": ""},
    )
    summary = TextAreaField(
        _l("Why this change?"),
        filters=[unix_newlines],
        render_kw={"rows": 4, "maxlength": 2000},
        description=_l("Explain your suggestion in a few sentences (optional, public)."),
    )
    base_revision = HiddenField()
    submit = SubmitField(_l("Send suggestion"))

    def base_number(self) -> int | None:
        return whole_number(self.base_revision.data)


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (public)"),
        filters=[unix_newlines],
        id="reject-reason",
        description=_l("Required. The proposer and everyone reading the record will see it."),
        render_kw={"rows": 3, "maxlength": 5000},
    )
    submit = SubmitField(_l("Reject suggestion"), id="reject-submit")


@proposals.route("/pages/<slug>/proposals/new", methods=["GET", "POST"])
@limit("proposals", exempt_when=preview.wants_preview)
@limit("previews", exempt_when=preview.saving)
def new(slug: str):
    page = load_page(session(), actor(), slug)
    form = ProposalForm()
    if not form.is_submitted():
        head = page_service.head_revision(session(), page)
        form.body.data, form.base_revision.data = head.body, head.number
        return gate(page.consultation, Action.PROPOSE) or _form(page, form)
    if preview.wants_preview():
        return _form(page, form, preview=preview.preview_of(form.body.data))
    try:
        proposal = service.submit_proposal(
            session(),
            actor(),
            page,
            body=form.body.data,
            summary=form.summary.data or "",
            base_revision=form.base_number(),
            max_bytes=current_app.config["MAX_PAGE_BYTES"],
        )
    except ServiceError as error:
        return _form_refused(page, form, error)
    flash(_("Thank you: your suggestion was sent. Officials will merge it or explain why not."), "saved")
    return redirect(url_for(".show", proposal_id=proposal.id))


@proposals.get("/pages/<slug>/proposals")
def index(slug: str):
    page = load_page(session(), actor(), slug)
    status = request.args.get("status") if request.args.get("status") in reviews.STATUSES else None
    number, per_page = page_args()
    items, total = reviews.list_proposals(session(), page, status=status, page_no=number, per_page=per_page)
    return render_template(
        "proposals/index.html",
        page=page,
        proposals=items,
        status=status,
        statuses=STATUS,
        states=reviews.open_states(session(), page) if any(p.status == "open" for p in items) else {},
        pager=Pager(number, per_page, total),
        can=_permissions(page),
        roles=people.roles_in(session(), page.consultation),
        tab="proposals",
    )


@proposals.get(f"/proposals/<{ID}:proposal_id>")
def show(proposal_id: int):
    return _review(service.load_proposal(session(), actor(), proposal_id))


@proposals.route(f"/proposals/<{ID}:proposal_id>/edit", methods=["GET", "POST"])
@limit("previews", exempt_when=preview.saving)
def edit(proposal_id: int):
    proposal = service.load_proposal(session(), actor(), proposal_id)
    form = ProposalForm()
    if not form.is_submitted():
        if actor() is None:
            return redirect(sign_in_url())
        service.check_editable(session(), actor(), proposal)
        form.body.data, form.summary.data = proposal.body, proposal.summary
        form.base_revision.data = proposal.base_number
        return _form(proposal.page, form, proposal=proposal)
    if preview.wants_preview():
        shown = preview.preview_of(form.body.data)
        return _form(proposal.page, form, proposal=proposal, preview=shown)
    try:
        service.update_proposal(
            session(),
            actor(),
            proposal,
            body=form.body.data,
            summary=form.summary.data or "",
            base_revision=form.base_number(),
            max_bytes=current_app.config["MAX_PAGE_BYTES"],
        )
    except ServiceError as error:
        return _form_refused(proposal.page, form, error, proposal=proposal)
    flash(_("Your suggestion was updated."), "saved")
    return redirect(url_for(".show", proposal_id=proposal.id))


@proposals.post(f"/proposals/<{ID}:proposal_id>/withdraw")
def withdraw(proposal_id: int):
    proposal = service.load_proposal(session(), actor(), proposal_id)
    mine = actor() is not None and actor().id == proposal.author_id
    if confirm.should_ask(mine and proposal.status == "open"):
        return confirm.ask(
            confirm.Question(
                _("Withdraw your suggestion #%(id)d?", id=proposal.id),
                _(
                    "Officials will no longer review it. It stays in the record as withdrawn, and "
                    "cannot be reopened: to suggest it again, send a new suggestion."
                ),
                _("Yes, withdraw my suggestion"),
                url_for(".show", proposal_id=proposal.id),
            )
        )
    service.withdraw_proposal(session(), actor(), proposal)
    flash(_("You withdrew your suggestion."), "info")
    return redirect(url_for(".show", proposal_id=proposal.id))


@proposals.post(f"/proposals/<{ID}:proposal_id>/merge")
@limit("previews", exempt_when=preview.saving)
def merge(proposal_id: int):
    proposal = service.load_proposal(session(), actor(), proposal_id)
    body = unix_newlines(request.form.get("body"))
    accept = _accept() if request.form.get("mode") == "selected" else None
    if preview.wants_preview():  # the hand-resolution editor's Preview button: nothing merged
        base = whole_number(request.form.get("base_revision"))
        shown = preview.preview_of(body)
        return _review(proposal, accept=accept, resolve_body=body, resolve_base=base, resolve_preview=shown)
    try:
        outcome = service.merge_proposal(
            session(),
            actor(),
            proposal,
            body=body,
            accept=accept,
            base_revision=whole_number(request.form.get("base_revision")) if body is not None else None,
            version=request.form.get("version") or None,
            max_bytes=current_app.config["MAX_PAGE_BYTES"],
        )
    except EditConflict as conflict:
        details = conflict.details
        return _review(
            proposal,
            status=409,
            conflict=conflict,
            accept=accept,
            resolve_body=details.get("marked_body") or body or details.get("your_body"),
            resolve_base=details.get("head_revision"),
        )
    except ServiceError as error:
        return _review(
            proposal,
            status=error.status,
            error=error,
            accept=accept,
            resolve_body=body,
            resolve_base=whole_number(request.form.get("base_revision")),
        )
    flash(_merged_message(outcome), "saved")
    return redirect(url_for(".show", proposal_id=proposal.id))


@proposals.post(f"/proposals/<{ID}:proposal_id>/reject")
def reject(proposal_id: int):
    proposal = service.load_proposal(session(), actor(), proposal_id)
    form = RejectForm()
    may = allowed(proposal.page.consultation, Action.REJECT)["reject"]
    if confirm.should_ask(
        bool(may) and proposal.status == "open" and not service.reason_problems(form.reason.data)
    ):
        return confirm.ask(
            confirm.Question(
                _("Reject suggestion #%(id)d?", id=proposal.id),
                _(
                    "The suggestion will be closed without changing the page, and your reason will be "
                    "shown with it publicly. A rejection cannot be undone."
                ),
                _("Yes, reject the suggestion"),
                url_for(".show", proposal_id=proposal.id),
            ),
            editable=form.reason,
        )
    try:
        service.reject_proposal(session(), actor(), proposal, reason=form.reason.data)
    except ServiceError as error:
        attach_errors(form, getattr(error, "fields", {}))
        return _review(proposal, status=error.status, error=error, reject_form=form)
    flash(_("The suggestion was rejected; your reason is shown with it."), "info")
    return redirect(url_for(".show", proposal_id=proposal.id))


@proposals.errorhandler(CSRFError)
def _csrf_refused(error: CSRFError):
    """An expired form must not cost anyone their text: show it again with a fresh token."""
    session().rollback()
    message = _(
        "Your session expired or the form was too old, so nothing was saved. "
        "Your text is below: check it and send it again."
    )
    args = request.view_args or {}
    try:
        if request.endpoint == "proposals.new":
            return _form(
                load_page(session(), actor(), args["slug"]), ProposalForm(), error_message=message, status=400
            )
        proposal = service.load_proposal(session(), actor(), args.get("proposal_id"))
    except (ServiceError, KeyError):
        return render_template(
            "error.html",
            error={"code": "csrf_failed", "message": message, "your_body": request.form.get("body")},
            status=400,
        ), 400
    if request.endpoint == "proposals.edit":
        return _form(proposal.page, ProposalForm(), proposal=proposal, error_message=message, status=400)
    return _review(
        proposal,
        status=400,
        error_message=message,
        resolve_body=unix_newlines(request.form.get("body")),
        reject_form=RejectForm(),
    )


@proposals.errorhandler(RateLimitExceeded)
def _too_many(error: RateLimitExceeded):
    """Too many suggestions, previews or writes in a short time: the form again with the text,
    and when to retry."""
    refused = refusal(error)
    headers = retry_headers(refused)
    try:
        if request.endpoint == "proposals.new":
            page = load_page(session(), actor(), request.view_args["slug"])
            return (*_form_refused(page, ProposalForm(), refused), headers)
        if request.endpoint == "proposals.edit":
            proposal = service.load_proposal(session(), actor(), request.view_args["proposal_id"])
            return (*_form_refused(proposal.page, ProposalForm(), refused, proposal=proposal), headers)
    except ServiceError:  # no longer readable: the error page still hands the text back
        pass
    return error_response(429, refused.to_dict(), headers)


# --- rendering -----------------------------------------------------------------------------


def _permissions(page) -> dict:
    return allowed(page.consultation, Action.EDIT, Action.PROPOSE, Action.MERGE, Action.REJECT)


def _form(page, form: ProposalForm, *, proposal=None, status: int = 200, **context):
    context.setdefault("error_message", None)
    context.setdefault("preview", None)
    html = render_template(
        "proposals/form.html",
        page=page,
        form=form,
        proposal=proposal,
        can=_permissions(page),
        tab="proposals",
        **context,
    )
    return html, status


def _form_refused(page, form: ProposalForm, error: ServiceError, *, proposal=None):
    session().rollback()
    attach_errors(form, getattr(error, "fields", {}))
    if form.base_number() is None:
        form.base_revision.data = page_service.page_head_number(session(), page)
    return _form(page, form, proposal=proposal, error=error, status=error.status)


def _review(proposal, *, status: int = 200, **context):
    """The proposal page: what it changes, how it merges now, and the decisions on offer."""
    if status != 200:
        session().rollback()  # whatever failed is undone; read the stored state afresh
    review = reviews.review_proposal(
        session(),
        proposal,
        timeout=current_app.config["DIFF_TIMEOUT"],
        mine_label=_("suggestion"),
        theirs_label=_("current text"),
    )
    merge = review.merge
    view = diff_view(request.args.get("view"))
    context.setdefault("resolve_body", None)
    if context["resolve_body"] is None and merge is not None:
        context["resolve_body"] = review.marked if not merge.clean else merge.text
    context.setdefault("resolve_base", None)
    context["resolve_base"] = context["resolve_base"] or review.head.number
    context.setdefault("reject_form", RejectForm(formdata=None))
    html = render_template(
        "proposals/show.html",
        proposal=proposal,
        page=proposal.page,
        review=review,
        view=view,
        shown=diff_layout(review.ops, view, request.args.get("full") == "1"),
        preview=diff_layout(review.preview_ops, "auto", False) if review.preview_ops else None,
        passages=_passages(review, context.get("conflict")),
        changes=conflict_passages(review.base.body, [_choice(change) for change in review.changes]),
        statuses=STATUS,
        can=_permissions(proposal.page),
        roles=people.roles_in(session(), proposal.page.consultation),
        tab="proposals",
        is_author=actor() is not None and actor().id == proposal.author_id,
        **{"accept": None, "error": None, "error_message": None, "conflict": None, **context},
    )
    return html, status


def _passages(review, conflict: EditConflict | None) -> list[dict]:
    """The conflicting passages with their lines: of the merge that just failed, else of the review."""
    if conflict is not None and conflict.details.get("conflicts"):
        base = page_service.get_revision(session(), review.proposal.page, conflict.details["base_revision"])
        return conflict_passages(base.body, conflict.details["conflicts"])
    if review.merge is None:
        return []
    return conflict_passages(review.base.body, [c.to_dict() for c in review.merge.conflicts])


def _choice(change) -> dict:
    """One change to tick: its passage, and the edits in it between unchanged words."""
    return {**change.to_dict(), "pieces": [piece.to_dict() for piece in change.pieces()]}


def _accept() -> list:
    """The ticked change numbers; anything that is not a number goes to the service to refuse."""
    raw = request.form.getlist("accept")
    return [whole_number(value) if whole_number(value) is not None else value for value in raw]


def _merged_message(outcome) -> str:
    if outcome.unchanged:
        return _(
            "The text already contained this suggestion; it is recorded as merged into revision %(number)d.",
            number=outcome.revision.number,
        )
    if outcome.partial:
        return _(
            "Some of the suggested changes were merged as revision %(number)d; the others are recorded as declined.",
            number=outcome.revision.number,
        )
    return _("The suggestion was merged as revision %(number)d.", number=outcome.revision.number)


def _install(state) -> None:
    """Let page templates show how many suggestions are open."""
    state.app.add_template_global(lambda page: reviews.count_open(db.session, page), "open_proposal_count")


proposals.record_once(_install)

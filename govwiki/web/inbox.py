"""Official responses and the feedback inbox on the web.

`/comments/<id>/answer` is the page behind every comment's "Answer as the consultation" form
(templates/comments/_answer.html): it works without JavaScript and shows the form again, with
the typed text, when the answer is refused. `/consultations/<slug>/inbox` lists what the
consultation received for its officials, with the API's filters as links and a page menu, and
"mark as read" buttons that post back here and return to the same view of the list.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField

from govwiki.rate_limits import limit
from govwiki.core.policy import Action
from govwiki.security import actor
from govwiki.services import answers
from govwiki.services import comment_views as views
from govwiki.services import comments as comment_service
from govwiki.services import inbox as service
from govwiki.services import people
from govwiki.services.access import load_consultation
from govwiki.services.errors import Invalid, ServiceError
from govwiki.web import templating
from govwiki.web.forms import attach_errors, unix_newlines
from govwiki.web.proposals import STATUS as PROPOSAL_STATUS
from govwiki.web.views import ID, Pager, gate, here, local_path, page_args, session
from govwiki.web.comment_links import comment_url

inbox = Blueprint("inbox", __name__)
limit("writes")(inbox)  # every form write, as every API write (rate_limits.py)
inbox.record_once(templating.install)


class AnswerForm(FlaskForm):
    body = TextAreaField(
        _l("The consultation's answer (Markdown, public)"),
        filters=[unix_newlines],
        description=_l("Optional: leave it empty to only mark the comment as answered."),
        render_kw={"rows": 5, "spellcheck": "true"},
    )
    submit = SubmitField(_l("Answer as the consultation"))


@inbox.route(f"/comments/<{ID}:comment_id>/answer", methods=["GET", "POST"])
def answer(comment_id: int):
    comment = comment_service.load_comment(session(), actor(), comment_id)
    form = AnswerForm()
    if not form.is_submitted():
        return gate(comment.page.consultation, Action.ANSWER) or _answer_page(comment, form)
    text = form.body.data if (form.body.data or "").strip() else None
    try:
        reply = answers.answer_comment(
            session(), actor(), comment, body=text, max_bytes=current_app.config["MAX_COMMENT_BYTES"]
        )
    except ServiceError as error:
        session().rollback()
        attach_errors(form, getattr(error, "fields", {}))
        return _answer_page(comment, form, error), error.status
    flash(_("Your answer is published.") if reply else _("The comment is marked as answered."), "success")
    return redirect(comment_url(reply or comment))


@inbox.get("/consultations/<slug>/inbox")
def index(slug: str):
    consultation = load_consultation(session(), actor(), slug)
    refused = gate(consultation, Action.ANSWER)
    if refused:
        return refused
    filters = _filters(consultation)
    page, per_page = page_args()
    items, total = service.inbox(session(), actor(), consultation, filters, page, per_page)
    return render_template(
        "inbox/index.html",
        consultation=consultation,
        items=items,
        roles=people.roles_in(session(), consultation),
        texts={i.id: views.view_of(i.comment, True) for i in items if i.comment is not None},
        pager=Pager(page, per_page, total),
        filters=filters,
        args=_filter_args(filters),
        unread=service.unread_count(session(), actor(), consultation),
        comment_url=comment_url,
        proposal_status=PROPOSAL_STATUS,
        back=here(),
    )


@inbox.post("/consultations/<slug>/inbox/read")
def mark_read(slug: str):
    consultation = load_consultation(session(), actor(), slug)
    read = request.form.get("read", "1") != "0"
    items = [pair for pair in map(_item, request.form.getlist("item")) if pair is not None]
    back = local_path(request.form.get("back")) or url_for(".index", slug=consultation.slug)
    if not items:
        refused = gate(consultation, Action.ANSWER)
        if refused:
            return refused
        flash(_("Nothing was selected."), "info")
        return redirect(back)
    changed = service.mark_read(session(), actor(), consultation, items, read=read)
    flash(
        _("Marked as read: %(count)d.", count=changed)
        if read
        else _("Marked as unread: %(count)d.", count=changed),
        "success",
    )
    return redirect(back)


def _answer_page(comment, form: AnswerForm, error: ServiceError | None = None):
    moderator = comment_service.may_moderate(session(), actor(), comment.page)
    return render_template(
        "inbox/answer.html",
        comment=comment,
        roles=people.roles_in(session(), comment.page.consultation),
        view=views.view_of(comment, moderator),
        form=form,
        error=error,
        comment_url=comment_url,
    )


def _filters(consultation) -> service.Filters:
    """The inbox filters from the query; values a link could not have produced are ignored."""
    args = request.args
    try:
        return service.check_filters(
            session(),
            consultation,
            page_slug=args.get("page_slug"),
            status=args.get("status"),
            kind=args.get("kind"),
        )
    except Invalid:
        return service.Filters()


def _filter_args(filters: service.Filters) -> dict:
    """The filters as query arguments (for the pagination and the links that change one filter)."""
    return {
        "page_slug": filters.page.slug if filters.page else None,
        "status": filters.status if filters.status != "all" else None,
        "kind": filters.kind,
    }


def _item(value: str) -> tuple[str, int] | None:
    """A form's `kind:id` value as a pair, or None for junk."""
    kind, _sep, number = value.partition(":")
    if (
        kind not in service.KINDS
        or not (number.isascii() and number.isdigit())
        or not 0 < int(number) < 2**31
    ):
        return None
    return kind, int(number)

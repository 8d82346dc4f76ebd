"""Consultations on the web: the home list, opening one, its page, and officials' controls."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from govwiki.rate_limits import limit
from govwiki.core.policy import STATUSES, TRANSITIONS, Action, can_create_consultation
from govwiki.security import actor
from govwiki.services import clock, inbox
from govwiki.services import people
from govwiki.services import consultations as service
from govwiki.services import pages as page_service
from govwiki.services.access import load_consultation, require
from govwiki.services.errors import Invalid, ServiceError, refusal
from govwiki.web import confirm, front_page, labels, preview, templating
from govwiki.web.forms import ConsultationForm, NewPageForm, attach_errors
from govwiki.web.views import Pager, allowed, page_args, session, signed_in

consultations = Blueprint("consultations", __name__)
limit("writes")(consultations)  # every form write, as every API write (rate_limits.py)
consultations.record_once(templating.install)


@consultations.get("/")
def home():
    page, per_page = page_args()
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    if not front_page.cacheable():
        return _home(page, per_page, status)
    stamp = service.listing_stamp(session(), actor(), status=status, page=page, per_page=per_page)
    return front_page.html(stamp, lambda: _home(page, per_page, status))


def _home(page: int, per_page: int, status: str | None) -> str:
    items, total = service.list_consultations(session(), actor(), status=status, page=page, per_page=per_page)
    return render_template(
        "consultations/home.html",
        consultations=items,
        pager=Pager(page, per_page, total),
        status=status,
        may_create=bool(can_create_consultation(_role())),
    )


@consultations.get("/favicon.ico")
def favicon():
    """The site icon, where browsers and feed readers ask for it without reading a page."""
    icon = Path(current_app.static_folder, "favicon.ico").read_bytes()  # 224 bytes: no file left open
    return Response(
        icon, mimetype="image/vnd.microsoft.icon", headers={"Cache-Control": "public, max-age=604800"}
    )


@consultations.route("/consultations/new", methods=["GET", "POST"])
@signed_in
def new():
    verdict = can_create_consultation(_role())
    if not verdict:
        raise refusal(verdict.reason, _("Only officials can open consultations."))
    form = ConsultationForm()
    if not form.validate_on_submit():
        return render_template("consultations/new.html", form=form), _form_status(form)
    try:
        consultation = service.create_consultation(session(), actor(), **form.values())
    except Invalid as error:
        attach_errors(form, error.fields)
        return render_template("consultations/new.html", form=form), 422
    flash(
        _("Consultation “%(title)s” created as a draft. Add pages, then open it.", title=consultation.title),
        "success",
    )
    return redirect(url_for(".show", slug=consultation.slug))


@consultations.get("/consultations/<slug>")
def show(slug: str):
    return _show(load_consultation(session(), actor(), slug))


@consultations.post("/consultations/<slug>/edit")
def update(slug: str):
    consultation = load_consultation(session(), actor(), slug)
    require(session(), actor(), consultation, Action.MANAGE)
    form = ConsultationForm()
    try:
        if not form.validate():
            raise Invalid({})
        service.update_consultation(session(), actor(), consultation, form.values())
    except Invalid as error:
        session().rollback()
        attach_errors(form, error.fields)
        return _show(consultation, edit_form=form, status=422)
    flash(_("The consultation is updated."), "success")
    return redirect(url_for(".show", slug=consultation.slug))


@consultations.post("/consultations/<slug>/status")
def change_status(slug: str):
    consultation = load_consultation(session(), actor(), slug)
    target = request.form.get("status", "")
    if confirm.should_ask(_status_change_goes_ahead(consultation, target)):
        return confirm.ask(_status_question(consultation, target))
    service.update_consultation(session(), actor(), consultation, {"status": target})
    flash(_("The consultation is now: %(status)s.", status=labels.STATUS[target]), "success")
    return redirect(url_for(".show", slug=consultation.slug))


@consultations.post("/consultations/<slug>/pages")
@limit("previews", exempt_when=preview.saving)
def create_page(slug: str):
    consultation = load_consultation(session(), actor(), slug)
    form = NewPageForm(prefix="page")
    if preview.wants_preview():
        return _show(consultation, page_form=form, page_preview=preview.preview_of(form.body.data))
    try:
        page = page_service.create_page(
            session(),
            actor(),
            consultation,
            title=form.title.data,
            body=form.body.data,
            summary=form.summary.data or "",
            max_bytes=current_app.config["MAX_PAGE_BYTES"],
        )
    except ServiceError as error:
        session().rollback()
        attach_errors(form, getattr(error, "fields", {}))
        return _show(consultation, page_form=form, page_error=error, status=error.status)
    flash(_("Page “%(title)s” created.", title=page.title), "success")
    return redirect(url_for("pages.show", slug=page.slug))


#: status changes that end or stop a consultation: the web form asks before making them
CONFIRMED_STATUSES = ("closed", "withdrawn")


def _status_change_goes_ahead(consultation, target: str) -> bool:
    return (
        target in CONFIRMED_STATUSES
        and target in TRANSITIONS[consultation.status]
        and bool(allowed(consultation, Action.MANAGE)["manage"])
    )


def _status_question(consultation, target: str) -> confirm.Question:
    back = url_for(".show", slug=consultation.slug)
    if target == "closed":
        return confirm.Question(
            _("Close “%(title)s”?", title=consultation.title),
            _(
                "No one will be able to edit, suggest or comment any more. Officials can still "
                "review the suggestions received, and can open it again."
            ),
            _("Yes, close the consultation"),
            back,
        )
    return confirm.Question(
        _("Withdraw “%(title)s”?", title=consultation.title),
        _(
            "The consultation will not go ahead: it becomes read-only for good and cannot be "
            "opened again. Everything written so far stays in the record."
        ),
        _("Yes, withdraw the consultation"),
        back,
    )


def _show(consultation, *, edit_form=None, page_form=None, page_error=None, page_preview=None, status=200):
    """Render a consultation with the forms its visitor may use."""
    can = allowed(consultation, Action.MANAGE, Action.CREATE_PAGE, Action.EDIT, Action.PROPOSE, Action.ANSWER)
    html = render_template(
        "consultations/show.html",
        consultation=consultation,
        can=can,
        accepting=consultation.situation(clock.now()).accepting,
        role=service.role_in(session(), actor(), consultation),
        roles=people.roles_in(session(), consultation),
        edit_form=edit_form or ConsultationForm.for_consultation(consultation),
        page_form=page_form or NewPageForm(formdata=None, prefix="page"),
        page_error=page_error,
        page_preview=page_preview,
        inbox_unread=inbox.unread_count(session(), actor(), consultation) if can["answer"] else None,
    )
    return html, status


def _role() -> str | None:
    who = actor()
    return who.role if who is not None else None


def _form_status(form) -> int:
    return 422 if form.is_submitted() else 200

"""Expert invitations on the web: the officials' page (invite, resend, revoke, see each one's
status) and the page an invitation's link opens, which takes the invited person through signing
in or registering and back to accept."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SubmitField, TextAreaField
from wtforms.validators import Optional

from govwiki.rate_limits import limit
from govwiki.core.policy import Action
from govwiki.i18n import current_locale
from govwiki.security import actor
from govwiki.services import clock
from govwiki.services import invitations as service
from govwiki.services.access import Verdicts, load_consultation
from govwiki.services.errors import Forbidden, Invalid, ServiceError
from govwiki.web import templating
from govwiki.web.forms import attach_errors, unix_newlines
from govwiki.web.invitation_links import invitation_link
from govwiki.web.views import ID, Pager, gate, page_args, session, signed_in

invitations = Blueprint("invitations", __name__)
limit("writes")(invitations)  # every form write, as every API write (rate_limits.py)
invitations.record_once(templating.install)

STATUS_NAMES = {
    "pending": _l("Waiting for an answer"),
    "accepted": _l("Accepted"),
    "expired": _l("Expired"),
    "revoked": _l("Revoked"),
}
#: a link's page is nobody's to keep or pass on: no caching, no Referer carrying the token away
PRIVATE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail address of the expert"), render_kw={"autocomplete": "off"})
    note = TextAreaField(
        _l("Note (optional)"),
        filters=[unix_newlines],
        description=_l("Sent with the invitation: why you invite them and what you would like them to do."),
        render_kw={"rows": 4},
    )
    expires_in_days = IntegerField(
        _l("The link works for (days)"),
        [Optional()],
        default=service.DEFAULT_DAYS,
        render_kw={"min": 1, "max": 90},
    )
    submit = SubmitField(_l("Send the invitation"))


@invitations.get("/consultations/<slug>/invitations")
def index(slug: str):
    consultation = load_consultation(session(), actor(), slug)  # 404 first: private means invisible
    return gate(consultation, Action.MANAGE) or _page(consultation, InviteForm(formdata=None))


@invitations.post("/consultations/<slug>/invitations")
@signed_in
def create(slug: str):
    consultation = load_consultation(session(), actor(), slug)
    form = InviteForm()
    try:
        invitation, url = service.invite(
            session(),
            actor(),
            consultation,
            email=form.email.data,
            note=form.note.data or "",
            expires_in_days=request.form.get("expires_in_days") or None,
            locale=current_locale(),
            link=invitation_link,
        )
    except Invalid as error:
        session().rollback()
        attach_errors(form, error.fields)
        return _page(consultation, form, status=422)
    return _page(consultation, InviteForm(formdata=None), made=(invitation, url), status=201)


@invitations.post(f"/invitations/<{ID}:invitation_id>/resend")
@signed_in
def resend(invitation_id: int):
    invitation = service.get(session(), actor(), invitation_id)
    invitation, url = service.resend(
        session(), actor(), invitation, locale=current_locale(), link=invitation_link
    )
    return _page(invitation.consultation, InviteForm(formdata=None), made=(invitation, url))


@invitations.post(f"/invitations/<{ID}:invitation_id>/revoke")
@signed_in
def revoke(invitation_id: int):
    invitation = service.revoke(session(), actor(), service.get(session(), actor(), invitation_id))
    flash(
        _("The invitation to %(email)s is revoked: its link no longer works.", email=invitation.email),
        "success",
    )
    return redirect(url_for(".index", slug=invitation.consultation.slug))


def _page(consultation, form: InviteForm, *, made=None, status: int = 200):
    number, per_page = page_args()
    items, total = service.list_invitations(
        session(), actor(), consultation, page_no=number, per_page=per_page
    )
    html = render_template(
        "invitations/index.html",
        consultation=consultation,
        form=form,
        can_invite=bool(Verdicts(session(), actor(), consultation)(Action.INVITE)),
        invitations=items,
        pager=Pager(number, per_page, total),
        made=made,
        now=clock.now(),
        status_names=STATUS_NAMES,
    )
    return html, status, PRIVATE_HEADERS


@invitations.get("/invitations/<token>")
def landing(token: str):
    try:
        invitation = service.by_token(session(), token)
    except ServiceError as error:
        return _gone(error)
    here = url_for(".landing", token=token)
    problem = service.acceptance_problem(actor(), invitation) if actor() else None
    return render_template(
        "invitations/show.html", invitation=invitation, token=token, here=here, problem=problem
    ), PRIVATE_HEADERS


@invitations.post("/invitations/accept")
@signed_in
def accept():
    token = request.form.get("token", "")
    try:
        invitation = service.accept(session(), actor(), token)
    except Forbidden as error:
        return _not_yet(error)
    except ServiceError as error:
        return _gone(error)
    flash(
        _(
            "You are now an invited expert in “%(title)s”: you can edit its drafts directly.",
            title=invitation.consultation.title,
        ),
        "success",
    )
    return redirect(url_for("consultations.show", slug=invitation.consultation.slug))


def _not_yet(error: Forbidden):
    """The link works, but not for this account (yet): see services.invitations.accept."""
    html = render_template(
        "link_gone.html",
        heading=_("You cannot accept this invitation with this account"),
        error=error,
        onward=url_for("settings.email"),
        onward_label=_("Your e-mail address in the settings"),
    )
    return html, error.status, PRIVATE_HEADERS


def _gone(error: ServiceError):
    html = render_template(
        "link_gone.html",
        heading=_("This invitation cannot be used"),
        error=error,
        onward=url_for("consultations.home"),
        onward_label=_("Consultations"),
    )
    return html, error.status, PRIVATE_HEADERS

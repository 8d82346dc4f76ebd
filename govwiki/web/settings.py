"""The settings area of the signed-in person: profile, password, e-mail address and API tokens,
one page each, with the sections' navigation in templates/settings/_nav.html. Nothing here is
ever kept by a cache (every signed-in page is `no-store`, govwiki/http_cache.py)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from govwiki import browser_sessions
from govwiki.i18n import current_locale
from govwiki.rate_limits import limit
from govwiki.security import actor
from govwiki.services import accounts, email_addresses, profiles
from govwiki.services.errors import Conflict, Invalid
from govwiki.web import labels, templating
from govwiki.web.forms import attach_errors
from govwiki.web.settings_forms import EmailChangeForm, NewTokenForm, PasswordChangeForm, ProfileForm
from govwiki.web.views import ID, session, signed_in

settings = Blueprint("settings", __name__)
settings.record_once(templating.install)


@settings.get("/settings")
@signed_in
def profile():
    user = actor()
    form = ProfileForm(
        formdata=None, display_name=user.display_name, affiliation=user.affiliation, locale=user.locale
    )
    return _page("settings/profile.html", form, "profile", site_roles=labels.SITE_ROLE)


@settings.post("/settings")
@signed_in
def save_profile():
    form = ProfileForm()
    try:
        profiles.update_profile(
            session(),
            actor(),
            display_name=form.display_name.data,
            affiliation=form.affiliation.data,
            locale=form.locale.data,
        )
    except Invalid as error:
        session().rollback()
        attach_errors(form, error.fields)
        return _page("settings/profile.html", form, "profile", status=422, site_roles=labels.SITE_ROLE)
    flash(_("Your profile is saved."), "success")
    return redirect(url_for(".profile"))


@settings.route("/settings/password", methods=["GET", "POST"])
@signed_in
@limit("sign_in")
def password():
    form = PasswordChangeForm()
    if not form.is_submitted():
        return _page("settings/password.html", form, "password")
    try:
        accounts.change_password(
            session(),
            actor(),
            form.current_password.data,
            form.new_password.data,
            current_session_id=browser_sessions.current_session_id(),
        )
    except Invalid as error:
        attach_errors(form, error.fields)
        return _page("settings/password.html", form, "password", status=422)
    flash(
        _(
            "Your password is changed. Every other browser signed in to your account is signed out; API tokens keep working."
        ),
        "success",
    )
    return redirect(url_for(".password"))


@settings.route("/settings/email", methods=["GET", "POST"])
@signed_in
@limit("sign_in")
def email():
    form = EmailChangeForm()
    if not form.is_submitted():
        return _email_page(form)
    try:
        address = email_addresses.request_change(
            session(),
            actor(),
            email=form.email.data,
            password=form.current_password.data,
            locale=current_locale(),
            link=_verify_link,
        )
    except Invalid as error:
        attach_errors(form, error.fields)
        return _email_page(form, status=422)
    flash(
        _(
            "We sent a link to %(address)s: your address changes when you open it. Your old address was told.",
            address=address,
        ),
        "success",
    )
    return redirect(url_for(".email"))


@settings.post("/settings/email/verify")
@signed_in
def resend_verification():
    try:
        email_addresses.resend(session(), actor(), locale=current_locale(), link=_verify_link)
    except Conflict as error:
        flash(labels.service_text(error.message), "info")
        return redirect(url_for(".email"))
    flash(_("We sent a new link to %(address)s.", address=actor().email), "success")
    return redirect(url_for(".email"))


@settings.route("/settings/tokens", methods=["GET", "POST"])
@signed_in
@limit("sign_in")
def tokens():
    form = NewTokenForm()
    if not form.is_submitted():
        return _tokens_page(form)
    try:
        token = accounts.create_token_confirmed(
            session(), actor(), form.name.data, form.current_password.data
        )
    except Invalid as error:
        attach_errors(form, error.fields)
        return _tokens_page(form, status=422)
    return _tokens_page(NewTokenForm(formdata=None), new_token=token, status=201)


@settings.post(f"/settings/tokens/<{ID}:token_id>/revoke")
@signed_in
def revoke_token(token_id: int):
    accounts.revoke_token(session(), actor(), token_id)
    flash(_("The token is revoked; programs using it can no longer sign in with it."), "success")
    return redirect(url_for(".tokens"))


def _verify_link(token: str) -> str:
    return url_for("auth.verify_email", token=token, _external=True)


def _email_page(form: EmailChangeForm, *, status: int = 200):
    pending = email_addresses.pending_address(session(), actor())
    return _page("settings/email.html", form, "email", status=status, pending=pending)


def _tokens_page(form: NewTokenForm, *, new_token: str | None = None, status: int = 200):
    listed = accounts.list_tokens(session(), actor())
    return _page("settings/tokens.html", form, "tokens", status=status, tokens=listed, new_token=new_token)


def _page(template: str, form, section: str, *, status: int = 200, **context):
    return render_template(template, form=form, section=section, **context), status

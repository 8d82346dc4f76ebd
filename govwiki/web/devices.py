"""Devices and sessions: where this person is signed in, and signing any of it out
(govwiki/services/sign_in_sessions.py)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SubmitField
from wtforms.validators import InputRequired

from govwiki import browser_sessions
from govwiki.rate_limits import limit
from govwiki.security import actor
from govwiki.services import sign_in_sessions as service
from govwiki.services.errors import Invalid
from govwiki.web import templating
from govwiki.web.forms import attach_errors
from govwiki.web.views import ID, session, signed_in

devices = Blueprint("devices", __name__)
devices.record_once(templating.install)
limit("writes")(devices)  # every form write, as every API write (rate_limits.py)


class EverywhereForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        [InputRequired()],
        description=_l(
            "Asked again so that someone who took over one of your sessions cannot use it to shut you out."
        ),
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Sign out everywhere else"))


@devices.get("/settings/devices")
@signed_in
def show():
    return _page(EverywhereForm(formdata=None))


@devices.post(f"/settings/devices/sessions/<{ID}:session_id>/end")
@signed_in
def end_session(session_id: int):
    if session_id == browser_sessions.current_session_id():
        return _signed_out()
    service.end_session(session(), actor(), session_id)
    flash(_("That session is signed out."), "success")
    return redirect(url_for(".show"))


@devices.post(f"/settings/devices/remembered/<{ID}:device_id>/forget")
@signed_in
def forget(device_id: int):
    current = browser_sessions.current_session_id()
    if service.forget_device(session(), actor(), device_id, current_session_id=current):
        return _signed_out()
    flash(_("That device is no longer remembered, and its sessions are signed out."), "success")
    return redirect(url_for(".show"))


@devices.post("/settings/devices/everywhere")
@signed_in
@limit("sign_in_account")  # a password is tried here: counted as sign-in attempts on the account
def everywhere():
    form = EverywhereForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    try:
        signed = service.sign_out_everywhere(
            session(), actor(), browser_sessions.current_session_id(), password=form.password.data
        )
    except Invalid as error:
        attach_errors(form, error.fields)
        return _page(form, status=422)
    browser_sessions.remember_again(signed)
    flash(
        _(
            "You are signed out everywhere else: other sessions and remembered devices have ended "
            "and your API tokens are revoked. This browser stays signed in."
        ),
        "success",
    )
    return redirect(url_for(".show"))


def _signed_out():
    browser_sessions.end()
    flash(_("You are signed out."), "info")
    return redirect(url_for("consultations.home"))


def _page(form: EverywhereForm, *, status: int = 200):
    sessions, remembered = service.list_signed_in(session(), actor())
    html = render_template(
        "devices/show.html",
        form=form,
        sessions=sessions,
        remembered=remembered,
        current_session=browser_sessions.current_session_id(),
        current_device=next(
            (s.device_id for s in sessions if s.id == browser_sessions.current_session_id()), None
        ),
    )
    return html, status

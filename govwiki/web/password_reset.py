"""A forgotten password on the web: ask for a link by mail, then choose a new password with it.
These routes live on the `auth` blueprint (web.auth adds them with `routes.register_on(auth)`)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired

from govwiki.i18n import current_locale
from govwiki.rate_limits import limit
from govwiki.routing import Routes
from govwiki.services import password_resets as service
from govwiki.services.errors import Invalid, ServiceError
from govwiki.web.forms import attach_errors
from govwiki.web.views import session

routes = Routes()
#: a reset link's page holds a secret: never cached, never sent on as a Referer
PRIVATE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


class ForgotForm(FlaskForm):
    login = StringField(
        _l("Username or e-mail address"),
        [InputRequired()],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Send me a link"))


class ResetForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        [InputRequired()],
        description=_l("At least 8 characters."),
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Set the new password"))


@routes.route("/forgot", methods=["GET", "POST"])
@limit("sign_in")
def forgot():
    form = ForgotForm()
    if not form.validate_on_submit():
        return render_template("auth/forgot.html", form=form, sent=False)
    service.request_reset(
        session(),
        form.login.data,
        locale=current_locale(),
        link=lambda token: url_for("auth.reset", token=token, _external=True),
    )
    # the same answer whether or not an account matched: nobody learns who has one
    return render_template("auth/forgot.html", form=ForgotForm(formdata=None), sent=True)


@routes.route("/reset/<token>", methods=["GET", "POST"])
@limit("sign_in")
def reset(token: str):
    try:
        service.check_token(session(), token)
    except ServiceError as error:
        return _gone(error)
    form = ResetForm()
    if not form.validate_on_submit():
        return render_template("auth/reset.html", form=form, token=token), PRIVATE_HEADERS
    try:
        service.reset_password(session(), token, form.password.data)
    except Invalid as error:
        attach_errors(form, error.fields)
        return render_template("auth/reset.html", form=form, token=token), 422, PRIVATE_HEADERS
    except ServiceError as error:
        return _gone(error)
    flash(_("Your password is changed. Sign in with the new one."), "success")
    return redirect(url_for("auth.login"))


def _gone(error: ServiceError):
    html = render_template(
        "link_gone.html",
        heading=_("This link cannot be used"),
        error=error,
        onward=url_for("auth.forgot"),
        onward_label=_("Ask for a new link"),
    )
    return html, error.status, PRIVATE_HEADERS

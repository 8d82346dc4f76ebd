"""Accounts on the web: register, sign in and out, and API tokens in the settings."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded

from govwiki import browser_sessions
from govwiki.errors import error_response
from govwiki.rate_limits import limit, refusal, retry_headers
from govwiki.security import actor
from govwiki.services import accounts
from govwiki.services.errors import Invalid
from govwiki.web import labels, password_reset, templating
from govwiki.web.forms import LoginForm, RegisterForm, TokenForm, attach_errors
from govwiki.web.views import ID, local_path, session, signed_in

auth = Blueprint("auth", __name__)
limit("writes")(auth)  # every form write, as every API write (rate_limits.py)
auth.record_once(templating.install)


@auth.route("/register", methods=["GET", "POST"])
@limit("registration")
def register():
    form = RegisterForm(next=local_path(request.args.get("next")) or "")
    if not form.validate_on_submit():
        return _page("auth/register.html", form)
    try:
        user = accounts.register_user(
            session(),
            form.username.data,
            form.email.data,
            form.password.data,
            display_name=form.display_name.data or "",
        )
    except Invalid as error:
        attach_errors(form, error.fields)
        return _page("auth/register.html", form)
    browser_sessions.begin(user)
    flash(_("Welcome, %(name)s! Your account is ready.", name=user.display_name), "success")
    return redirect(local_path(form.next.data) or url_for("consultations.home"))


@auth.route("/login", methods=["GET", "POST"])
@limit("sign_in")
@limit("sign_in_account")
def login():
    form = LoginForm(next=local_path(request.args.get("next")) or "")
    if not form.validate_on_submit():
        return _page("auth/login.html", form)
    try:
        user = accounts.authenticate(session(), form.login.data, form.password.data)
    except accounts.AccountSuspended as error:
        form.form_errors.append(labels.service_text(error.message))
        return render_template("auth/login.html", form=form), 403
    if user is None:
        form.form_errors.append(_("The username, e-mail address or password is not right."))
        return render_template("auth/login.html", form=form), 401
    browser_sessions.begin(user, remember=form.remember.data)
    flash(_("Signed in as %(name)s.", name=user.display_name), "success")
    return redirect(local_path(form.next.data) or url_for("consultations.home"))


@auth.post("/logout")
def logout():
    browser_sessions.end()
    flash(_("You are signed out."), "info")
    return redirect(url_for("consultations.home"))


@auth.get("/settings")
@signed_in
def settings():
    return _settings(TokenForm(formdata=None))


@auth.post("/settings/tokens")
@signed_in
def create_token():
    form = TokenForm()
    try:
        token = accounts.create_token(session(), actor(), form.name.data or "")
    except Invalid as error:
        attach_errors(form, error.fields)
        return _settings(form, status=422)
    return _settings(TokenForm(formdata=None), new_token=token, status=201)


@auth.post(f"/settings/tokens/<{ID}:token_id>/revoke")
@signed_in
def revoke_token(token_id: int):
    accounts.revoke_token(session(), actor(), token_id)
    flash(_("The token is revoked; programs using it can no longer sign in with it."), "success")
    return redirect(url_for(".settings"))


@auth.errorhandler(RateLimitExceeded)
def _too_many(error: RateLimitExceeded):
    """Too many tries in a short time: the sign-in or registration form again with what was typed
    (but the password), and when to try again; other forms get the error page."""
    refused = refusal(error)
    forms = {
        "auth.login": (LoginForm, "auth/login.html"),
        "auth.register": (RegisterForm, "auth/register.html"),
    }
    if request.endpoint not in forms:
        return error_response(429, refused.to_dict(), retry_headers(refused))
    form_class, template = forms[request.endpoint]
    form = form_class()
    form.form_errors.append(labels.service_text(refused.message))
    return render_template(template, form=form), 429, retry_headers(refused)


def _settings(form: TokenForm, *, new_token: str | None = None, status: int = 200):
    tokens = accounts.list_tokens(session(), actor())
    html = render_template("auth/settings.html", form=form, tokens=tokens, new_token=new_token)
    return html, status


def _page(template: str, form):
    """Render a form page: 200 when first shown, 422 when a submission was refused."""
    return render_template(template, form=form), 422 if form.is_submitted() else 200


password_reset.routes.register_on(auth)

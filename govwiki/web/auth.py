"""Accounts on the web: register (finished by mail), verify an address, sign in and out.
The settings pages are web/settings.py."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded

from govwiki import browser_sessions
from govwiki.errors import error_response
from govwiki.i18n import current_locale
from govwiki.rate_limits import limit, refusal, retry_headers
from govwiki.services import accounts, email_addresses, registration
from govwiki.services.errors import Invalid, ServiceError
from govwiki.web import labels, password_reset, templating
from govwiki.web.forms import LoginForm, RegisterForm, attach_errors
from govwiki.web.views import local_path, session

#: a page holding a link's token or someone's address: never cached, never sent on as a Referer
PRIVATE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}

auth = Blueprint("auth", __name__)
limit("writes")(auth)  # every form write, as every API write (rate_limits.py)
auth.record_once(templating.install)


@auth.route("/register", methods=["GET", "POST"])
@limit("registration")
def register():
    form = RegisterForm(
        next=local_path(request.args.get("next")) or "", email=request.args.get("email", "")[:254]
    )
    if not form.validate_on_submit():
        return _page("auth/register.html", form)
    try:
        address = registration.register(
            session(),
            username=form.username.data,
            email=form.email.data,
            password=form.password.data,
            display_name=form.display_name.data or "",
            locale=current_locale(),
            links=_registration_links(local_path(form.next.data) or ""),
        )
    except Invalid as error:
        session().rollback()
        attach_errors(form, error.fields)
        return _page("auth/register.html", form)
    # the same page whether an account was made, the address has one or the name is taken
    return render_template("auth/registered.html", address=address), PRIVATE_HEADERS


@auth.route("/verify/<token>", methods=["GET", "POST"])
@limit("sign_in")
def verify_email(token: str):
    """A verification link: shown with a button (a mail scanner fetching the link spends
    nothing), used by the POST, which verifies the address and signs its account in."""
    try:
        found = email_addresses.check_token(session(), token)
        if request.method == "GET":
            html = render_template(
                "auth/verify.html",
                token=token,
                address=found.email,
                next=local_path(request.args.get("next")),
            )
            return html, PRIVATE_HEADERS
        user = email_addresses.verify(session(), token)
    except ServiceError as error:
        return _link_gone(error)
    if not user.is_active:  # suspended: the address is confirmed, but no one signs in as it
        flash(_("Your e-mail address %(address)s is confirmed.", address=user.email), "success")
        return redirect(url_for("auth.login"))
    browser_sessions.begin(user)
    flash(
        _(
            "Your e-mail address %(address)s is confirmed. Welcome, %(name)s!",
            address=user.email,
            name=user.display_name,
        ),
        "success",
    )
    return redirect(local_path(request.args.get("next")) or url_for("consultations.home"))


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
    if not user.is_verified:
        flash(
            _(
                "Your e-mail address is not confirmed yet: open the link we mailed you, or ask for a new one in your settings."
            ),
            "info",
        )
    return redirect(local_path(form.next.data) or url_for("consultations.home"))


@auth.post("/logout")
def logout():
    browser_sessions.end()
    flash(_("You are signed out."), "info")
    return redirect(url_for("consultations.home"))


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


def _registration_links(next_path: str) -> registration.Links:
    """Where the registration mails point; a verification link comes back to `next_path`."""
    return registration.Links(
        verify=lambda token: url_for(
            "auth.verify_email", token=token, next=next_path or None, _external=True
        ),
        register_again=lambda email: url_for(
            "auth.register", email=email, next=next_path or None, _external=True
        ),
        sign_in=url_for("auth.login", _external=True),
        forgot_password=url_for("auth.forgot", _external=True),
    )


def _link_gone(error: ServiceError):
    html = render_template(
        "link_gone.html",
        heading=_("This link cannot be used"),
        error=error,
        onward=url_for("settings.email"),
        onward_label=_("Ask for a new link in your settings"),
    )
    return html, error.status, PRIVATE_HEADERS


def _page(template: str, form):
    """Render a form page: 200 when first shown, 422 when a submission was refused."""
    return render_template(template, form=form), 422 if form.is_submitted() else 200


password_reset.routes.register_on(auth)

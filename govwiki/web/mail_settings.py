"""Mail choices on the web: /settings/mail (what to hear at once, in a daily digest, or not),
and the unsubscribe links of notification and digest mail, which work without signing in.

An unsubscribe link opened in a browser (GET) only asks, with a button: mail scanners that
follow every link unsubscribe nobody. A POST to it unsubscribes at once: the button, and mail
programs doing RFC 8058's one-click unsubscribe (which send no CSRF token: the link's signed
token is the proof).
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SubmitField

from govwiki.core.mail_choices import CATEGORIES, MODES
from govwiki.extensions import csrf
from govwiki.security import actor
from govwiki.services import mail_preferences as service
from govwiki.services.errors import ServiceError
from govwiki.web import labels, templating
from govwiki.web.views import session, signed_in

mail_settings = Blueprint("mail_settings", __name__)
mail_settings.record_once(templating.install)

#: an unsubscribe page holds its token in the address: never cached, never sent on as a Referer
PRIVATE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


class MailForm(FlaskForm):
    submit = SubmitField(_l("Save my choices"))


for _category in CATEGORIES:
    setattr(
        MailForm,
        _category,
        RadioField(
            labels.MAIL_CATEGORY[_category], choices=[SelectChoice(m, labels.MAIL_MODE[m]) for m in MODES]
        ),
    )


@mail_settings.route("/settings/mail", methods=["GET", "POST"])
@signed_in
def edit():
    me = actor()
    form = MailForm(data=service.preferences(session(), me))
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("mail_settings/edit.html", form=form, fields=_fields(form), me=me), status
    service.set_preferences(session(), me, {category: form[category].data for category in CATEGORIES})
    flash(_("Your mail choices are saved."), "success")
    return redirect(url_for(".edit"))


def _fields(form: MailForm) -> list:
    return [form[category] for category in CATEGORIES]


@mail_settings.get("/mail/unsubscribe/<token>")
def unsubscribe(token: str):
    try:
        user, kind = service.read_token(session(), _secret(), token)
    except ServiceError as error:
        return _gone(error)
    categories = service.covered(session(), user, kind)
    return _page(categories, done=False)


@mail_settings.post("/mail/unsubscribe/<token>")
@csrf.exempt
def unsubscribe_now(token: str):
    try:
        _user, categories = service.unsubscribe(session(), _secret(), token)
    except ServiceError as error:
        return _gone(error)
    return _page(categories, done=True)


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _page(categories: list[str], *, done: bool):
    names = [labels.MAIL_CATEGORY[category] for category in categories]
    html = render_template("mail_settings/unsubscribe.html", names=names, done=done)
    return html, PRIVATE_HEADERS


def _gone(error: ServiceError):
    html = render_template(
        "link_gone.html",
        heading=_("This link cannot be used"),
        error=error,
        onward=url_for(".edit"),
        onward_label=_("Choose what GovWiki mails you"),
    )
    return html, error.status, PRIVATE_HEADERS

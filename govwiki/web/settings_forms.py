"""The forms of the settings pages (web/settings.py). Each change that could lock the owner out
or hand the account to someone else (a new password, a new address, an API token) asks for the
current password: a session cookie alone is not enough for it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField, SubmitField

CURRENT_PASSWORD = {"autocomplete": "current-password"}


def current_password_field() -> PasswordField:
    return PasswordField(
        _l("Your current password"),
        description=_l("Asked again to make sure it is you."),
        render_kw=CURRENT_PASSWORD,
    )


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Display name"),
        description=_l(
            "Shown next to everything you write. It may not read like someone else's name, nor name a role: GovWiki shows roles itself."
        ),
        render_kw={"autocomplete": "name", "maxlength": 80},
    )
    affiliation = StringField(
        _l("Affiliation"),
        description=_l("Optional: the organisation you speak for, if any."),
        render_kw={"autocomplete": "organization", "maxlength": 120},
    )
    locale = SelectField(
        _l("Language"),
        choices=[
            SelectChoice("", _l("As my browser asks")),
            SelectChoice("en", "English"),
            SelectChoice("zh", "简体中文"),
        ],
        description=_l("The language of the pages, when you are signed in, and of the mail we send you."),
    )
    submit = SubmitField(_l("Save"))


class PasswordChangeForm(FlaskForm):
    current_password = current_password_field()
    new_password = PasswordField(
        _l("New password"),
        description=_l("At least 8 characters."),
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Change the password"))


class EmailChangeForm(FlaskForm):
    email = EmailField(
        _l("New e-mail address"),
        description=_l("We send a link to it; it becomes your address when you open that link."),
        render_kw={"autocomplete": "email"},
    )
    current_password = current_password_field()
    submit = SubmitField(_l("Send the link"))


class NewTokenForm(FlaskForm):
    name = StringField(
        _l("Token name"),
        description=_l("A name to recognise it by, e.g. the tool that uses it."),
        render_kw={"maxlength": 80},
    )
    current_password = current_password_field()
    submit = SubmitField(_l("Create token"))

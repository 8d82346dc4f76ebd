"""Flask-WTF forms for the HTML pages.

The forms check only what a browser can get wrong (a missing field, a malformed date); the
services validate everything else, and `attach_errors` puts their field messages back on the form.
CSRF is checked for every POST by CSRFProtect before a view runs.
"""

from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional

from govwiki.core import moments
from govwiki.web import labels, templating
from govwiki.web.views import whole_number


def unix_newlines(value):
    """Browsers send CRLF from a textarea; the stored text uses LF."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def attach_errors(form: FlaskForm, fields: dict) -> None:
    """Show a service's field messages on the matching form fields (others at the top)."""
    for name, message in fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, labels.service_text(message)]
        else:
            form.form_errors.append(f"{name}: {labels.service_text(message)}")


class RegisterForm(FlaskForm):
    username = StringField(
        _l("Username"),
        [InputRequired()],
        description=_l("3–40 characters: lowercase letters, digits, - and _. Shown publicly."),
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    display_name = StringField(
        _l("Display name"),
        description=_l("Shown next to everything you write. Leave it empty to use your username."),
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        _l("E-mail address"),
        [InputRequired()],
        description=_l("Never shown to other people."),
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        _l("Password"),
        [InputRequired()],
        description=_l("At least 8 characters."),
        render_kw={"autocomplete": "new-password"},
    )
    #: where to go once the account exists (an invitation's page, say); same site only
    next = HiddenField()
    submit = SubmitField(_l("Create account"))


class LoginForm(FlaskForm):
    login = StringField(
        _l("Username or e-mail address"),
        [InputRequired()],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"), [InputRequired()], render_kw={"autocomplete": "current-password"}
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class ConsultationForm(FlaskForm):
    title = StringField(_l("Title"), [InputRequired()])
    summary = TextAreaField(
        _l("Summary"),
        filters=[unix_newlines],
        description=_l("What is being decided, and what you would like people to tell you."),
    )
    edit_policy = RadioField(
        _l("What residents may do"),
        [InputRequired()],
        default="suggest",
        choices=[SelectChoice(key, label) for key, label in labels.EDIT_POLICY.items()],
    )
    visibility = RadioField(
        _l("Who can read it"),
        [InputRequired()],
        default="public",
        choices=[SelectChoice(key, label) for key, label in labels.VISIBILITY.items()],
    )
    #: entered and shown as wall-clock time in the site's time zone, stored in UTC
    closes_at = DateTimeLocalField(_l("Deadline"), [Optional()], format="%Y-%m-%dT%H:%M")
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = templating.zone_label()
        self.closes_at.label.text = _("Deadline (%(zone)s)", zone=zone)
        self.closes_at.description = _(
            "Date and time in the site's time zone (%(zone)s) after which contributions are refused. Optional.",
            zone=zone,
        )

    @classmethod
    def for_consultation(cls, consultation) -> "ConsultationForm":
        """A form filled from a stored consultation (not from the request)."""
        closes = consultation.closes_at
        return cls(
            formdata=None,
            title=consultation.title,
            summary=consultation.summary,
            edit_policy=consultation.edit_policy,
            visibility=consultation.visibility,
            closes_at=moments.to_local(closes, templating.site_zone()) if closes else None,
        )

    def values(self) -> dict:
        """The fields as the consultation services take them."""
        closes = self.closes_at.data
        return {
            "title": self.title.data,
            "summary": self.summary.data or "",
            "edit_policy": self.edit_policy.data,
            "visibility": self.visibility.data,
            "closes_at": moments.to_utc(closes, templating.site_zone()) if closes else None,
        }


class NewPageForm(FlaskForm):
    title = StringField(_l("Page title"), [InputRequired()])
    body = TextAreaField(
        _l("Text (Markdown)"), filters=[unix_newlines], render_kw={"rows": 12, "data-autosave": ""}
    )
    summary = StringField(_l("Edit summary"), description=_l("Optional: a few words for the history."))
    submit = SubmitField(_l("Create page"))


class EditForm(FlaskForm):
    body = TextAreaField(
        _l("Text (Markdown)"),
        filters=[unix_newlines],
        render_kw={"rows": 24, "spellcheck": "true", "data-autosave": ""},
    )
    summary = StringField(
        _l("Edit summary"),
        description=_l("Briefly say what you changed and why (optional)."),
        render_kw={"maxlength": 500},
    )
    base_revision = HiddenField()
    #: asked for only when the box is empty: a page is never blanked by accident
    confirm_empty = BooleanField(_l("Yes, remove all the text of this page"))
    submit = SubmitField(_l("Save changes"))

    def blanks_the_page(self) -> bool:
        """True when the text is empty and the editor has not confirmed that they mean it."""
        return not (self.body.data or "").strip() and not self.confirm_empty.data

    def base_number(self) -> int | None:
        return whole_number(self.base_revision.data)


class RevertForm(FlaskForm):
    # Explicit ids: this form shares pages with others that have a `summary` field.
    to_revision = HiddenField(id="revert-to-revision")
    summary = StringField(_l("Reason for reverting"), id="revert-summary", render_kw={"maxlength": 500})
    submit = SubmitField(_l("Revert to this revision"), id="revert-submit")

    def target(self) -> int | None:
        return whole_number(self.to_revision.data)

"""Words for the interface: translated names and explanations of statuses, edit policies and
visibility, and the fixed messages services send back (so that they can be translated too)."""

from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l

from govwiki.core.messages import Message


def N_(message: str) -> str:
    """Mark a message for extraction without translating it here."""
    return message


STATUS = {
    "draft": _l("Draft"),
    "open": _l("Open"),
    "closed": _l("Closed"),
    "adopted": _l("Adopted"),
    "withdrawn": _l("Withdrawn"),
}

STATUS_EXPLAINED = {
    "draft": _l("Being prepared: only its officials and invited experts can see it."),
    "open": _l("Open for contributions until the deadline."),
    "closed": _l("Closed: the text can be read, and officials are reviewing what was received."),
    "adopted": _l("Adopted: the final text is frozen."),
    "withdrawn": _l("Withdrawn: this consultation will not go ahead."),
}

#: the groups of notification mail people choose for (core.mail_choices)
MAIL_CATEGORY = {
    "replies": _l("Replies and official answers to my comments"),
    "decisions": _l("Decisions on my suggestions"),
    "watched": _l("Activity on pages and consultations I watch"),
    "status": _l("Status changes of consultations I watch"),
}
MAIL_MODE = {"immediate": _l("Mail me at once"), "digest": _l("In a daily digest"), "none": _l("No mail")}

EDIT_POLICY = {"comment": _l("Comments only"), "suggest": _l("Suggestions"), "edit": _l("Open editing")}

EDIT_POLICY_EXPLAINED = {
    "comment": _l("Residents can read and comment. Only officials and invited experts change the text."),
    "suggest": _l(
        "Residents can suggest changes, which officials merge or reject with a public reason. "
        "Officials and invited experts edit the text directly."
    ),
    "edit": _l(
        "Anyone signed in can edit the text directly while the consultation is open. "
        "Every change is kept in the history and can be reverted."
    ),
}

VISIBILITY = {
    "public": _l("Public: anyone can read it once it is open"),
    "invited": _l("Invited only: only its officials and invited experts can read it"),
}

#: the button that moves a consultation into each status
TRANSITION_BUTTON = {
    "open": _l("Open for contributions"),
    "closed": _l("Close"),
    "adopted": _l("Mark as adopted"),
    "withdrawn": _l("Withdraw"),
}

ROLE = {"official": _l("Official"), "expert": _l("Invited expert")}

SITE_ROLE = {"resident": _l("Resident"), "official": _l("Official"), "admin": _l("Administrator")}

# Fixed messages the services send back: listed so they are extracted and translated.
SERVICE_MESSAGES = (
    N_("required"),
    N_("must be text"),
    N_("this name is taken"),
    N_("a valid e-mail address"),
    N_("an account with this address exists"),
    N_("3–40 characters: lowercase letters, digits, - and _"),
    N_("at least 8 characters"),
    N_("lowercase ASCII letters, digits and single hyphens"),
    N_("an ISO 8601 date and time with offset, e.g. 2026-12-31T17:00:00+08:00"),
    N_("required: the revision number the edit started from"),
    N_("required: a revision number"),
    N_("Some fields are not valid."),
    N_("Sign in to do this."),
    N_("This consultation is not accepting contributions now."),
    N_("You may not do this."),
    N_("Not found."),
    N_("No such page."),
    N_("No such consultation."),
    N_("No such revision."),
    N_("No such token."),
    N_("Only officials can open consultations."),
    N_("Someone changed the same passage since you started editing. Nothing was saved; your text is below."),
    N_("The page is changing too fast to save your edit now; your text is below."),
    N_("The request body is too large."),
    N_(
        "The text you sent is far over the size limit, so nothing was saved. It is still "
        "in your browser: go back to the form, shorten the text or split it, and send it again."
    ),
    N_("a word the site's own addresses use; choose another"),
    N_("Too many in a short time: wait %(seconds)d seconds, then send it again."),  # rate_limits.py
)


def service_text(message) -> str:
    """Translate a message that came from a service into the reader's language.

    A `Message` is translated by its template, then filled in; a plain string is looked up as it
    is (the fixed messages above and those of werkzeug's errors)."""
    if isinstance(message, Message):  # parameters may be messages too ("contains a line break")
        params = {name: service_text(value) for name, value in message.params.items()}
        return gettext(message.template, **params)
    if not isinstance(message, str) or not message:
        return message
    return gettext(message)

"""A queued mail as the message that leaves, composed from its kind's template when it is sent.

`templates/mail/<kind>.txt` holds the subject on its first line, a blank line, then the body,
rendered in the mail's locale (the recipient's language). Plain text: nothing in it is HTML.
Notification and digest mail brings a `Letter` (govwiki/mail/letters.py): its values, language,
own headers (List-Unsubscribe) and the links the kept copy leaves out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from flask import current_app
from flask_babel import force_locale

from govwiki.models import OutgoingMail

#: what a kept copy of a sent mail shows instead of a secret link
REMOVED_LINK = "[link removed]"


@dataclass(frozen=True)
class Letter:
    """What a mail says when it is not composed from its stored parameters alone: the
    template's values, the language, headers of its own, and links the kept copy leaves out."""

    params: dict
    locale: str
    headers: dict = field(default_factory=dict)
    secrets: tuple[str, ...] = ()


def compose(mail: OutgoingMail, sender: str, letter: Letter | None = None) -> tuple[EmailMessage, str, str]:
    """(the message, its subject, its body as kept: any secret link taken out)."""
    letter = letter or Letter(mail.params or {}, mail.locale)
    with force_locale(letter.locale):
        # the bare template, without the web pages' context (there is no request, nor anyone
        # signed in, in the worker)
        template = current_app.jinja_env.get_template(f"mail/{mail.kind}.txt")
        text = template.render(**_readable(letter.params))
    subject, _, body = text.strip().partition("\n")
    subject, body = subject.strip(), body.strip() + "\n"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to_address
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    # one id per queued mail: a mail sent again after a crash is recognisably the same mail
    message["Message-ID"] = f"<govwiki-outbox-{mail.id}@{_domain(sender)}>"
    message["Auto-Submitted"] = "auto-generated"
    for name, value in letter.headers.items():
        message[name] = value
    message.set_content(body)
    message["Content-Language"] = letter.locale  # after set_content, which drops Content-* headers
    kept = body
    for secret in ((mail.params or {}).get("secret_url"), *letter.secrets):
        if secret:
            kept = kept.replace(secret, REMOVED_LINK)
    return message, subject, kept


def _readable(params: dict) -> dict:
    """Parameters as templates use them: moments (`…_at`, stored as ISO 8601) as datetimes."""
    return {
        name: datetime.fromisoformat(value) if name.endswith("_at") and isinstance(value, str) else value
        for name, value in params.items()
    }


def _domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "localhost"

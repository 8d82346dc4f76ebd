"""Notification and digest mail as their reader may read it at the moment it leaves.

These mails are queued by the events (services.notification_mail) with no text of their own;
here the worker composes them from the reader's entries as they are now, in the reader's
language (their chosen one, else the site's), with one-click unsubscribe links (RFC 8058). A
mail is not sent (outbox.NothingToSend) when its reader was suspended or lost their verified
address, switched that mail off, read the entry in the app first, or may no longer read what it
is about. A comment's text is quoted only while the comment is visible: hidden or deleted, the
mail says so instead, whoever the reader is.
"""

from __future__ import annotations

from contextlib import contextmanager

from flask import current_app, url_for
from flask_babel import force_locale
from sqlalchemy.orm import Session

from govwiki.core.mail_choices import ALL_DIGESTS, CATEGORIES, DIGEST, IMMEDIATE, category_of
from govwiki.mail.compose import Letter
from govwiki.models import Comment, Notification, OutgoingMail, User
from govwiki.services import mail_preferences
from govwiki.services.comment_views import readable_body
from govwiki.services.notification_mail import DIGEST_MAIL, NOTIFICATION
from govwiki.services.notifications import entries_for_mail
from govwiki.services.outbox import NothingToSend
from govwiki.web import labels
from govwiki.web.notification_entries import COMMENT_KINDS, sentence, target_url

#: characters of a comment quoted in a mail
QUOTE_CHARS = 1200


def letter_for(session: Session, mail: OutgoingMail) -> Letter | None:
    """What a notification or digest mail says now; None for kinds composed from their
    parameters (invitations, password resets). Raises NothingToSend."""
    if mail.kind == NOTIFICATION:
        return _notification(session, mail)
    if mail.kind == DIGEST_MAIL:
        return _digest(session, mail)
    return None


def _reader(session: Session, mail: OutgoingMail) -> User:
    user = session.get(User, mail.user_id) if mail.user_id is not None else None
    if not mail_preferences.mailable(user) or user.email != mail.to_address:
        raise NothingToSend
    return user


def _notification(session: Session, mail: OutgoingMail) -> Letter:
    user = _reader(session, mail)
    entries = entries_for_mail(session, user, group_key=mail.group_key or "")
    if not entries or entries[0].read_at is not None:
        raise NothingToSend
    entry = entries[0]
    category = category_of(entry.kind)
    if category is None or mail_preferences.preferences(session, user)[category] != IMMEDIATE:
        raise NothingToSend
    locale = _locale(user)
    with _site(), force_locale(locale):
        unsubscribe = _unsubscribe_url(user, category)
        params = {
            "item": _item(session, entry),
            "category": str(labels.MAIL_CATEGORY[category]),
            "unsubscribe_url": unsubscribe,
            "settings_url": url_for("mail_settings.edit", _external=True),
        }
    return Letter(params, locale, _list_headers(unsubscribe), (unsubscribe,))


def _digest(session: Session, mail: OutgoingMail) -> Letter:
    user = _reader(session, mail)
    ids = [i for i in (mail.params or {}).get("entries", []) if isinstance(i, int)]
    choices = mail_preferences.preferences(session, user)
    entries = [
        entry
        for entry in entries_for_mail(session, user, ids=ids)
        if choices.get(category_of(entry.kind) or "") == DIGEST
    ]
    if not entries:
        raise NothingToSend
    locale = _locale(user)
    with _site(), force_locale(locale):
        unsubscribe = _unsubscribe_url(user, ALL_DIGESTS)
        sections = [_section(session, user, category, entries) for category in CATEGORIES]
        params = {
            "sections": [section for section in sections if section["entries"]],
            "count": len(entries),
            "unsubscribe_url": unsubscribe,
            "settings_url": url_for("mail_settings.edit", _external=True),
        }
    links = (unsubscribe, *(section["unsubscribe_url"] for section in params["sections"]))
    return Letter(params, locale, _list_headers(unsubscribe), links)


def _section(session: Session, user: User, category: str, entries: list[Notification]) -> dict:
    return {
        "title": str(labels.MAIL_CATEGORY[category]),
        "entries": [_item(session, e) for e in entries if category_of(e.kind) == category],
        "unsubscribe_url": _unsubscribe_url(user, category),
    }


def _item(session: Session, entry: Notification) -> dict:
    """One entry as a mail tells it: its sentence, its link, the latest comment's text (or what
    became of the comment), a rejection's public reason."""
    details = entry.details if isinstance(entry.details, dict) else {}
    item = {"text": sentence(entry), "url": target_url(entry, external=True), "quote": None, "gone": None}
    if entry.kind == "proposal_rejected" and details.get("reason"):
        item["reason"] = str(details["reason"])
    comment_id = details.get("last_comment") or details.get("comment")
    if entry.kind in COMMENT_KINDS and isinstance(comment_id, int) and not isinstance(comment_id, bool):
        comment = session.get(Comment, comment_id)
        body = readable_body(comment, moderator=False) if comment is not None else None
        if body is not None:
            item["quote"] = body if len(body) <= QUOTE_CHARS else body[:QUOTE_CHARS].rstrip() + " …"
        elif comment is not None:
            item["gone"] = comment.status  # "hidden" or "deleted": the template says which
    return item


def _locale(user: User) -> str:
    config = current_app.config
    return user.locale if user.locale in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]


@contextmanager
def _site():
    """Links as readers reach the site (GOVWIKI_PUBLIC_URL): the worker answers no request."""
    with current_app.test_request_context("/", base_url=current_app.config["PUBLIC_URL"]):
        yield


def _unsubscribe_url(user: User, kind: str) -> str:
    token = mail_preferences.unsubscribe_token(current_app.config["SECRET_KEY"], user, kind)
    return url_for("mail_settings.unsubscribe", token=token, _external=True)


def _list_headers(unsubscribe: str) -> dict:
    """RFC 2369 and RFC 8058: mail programs offer "unsubscribe", and POST to it in one click."""
    return {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}

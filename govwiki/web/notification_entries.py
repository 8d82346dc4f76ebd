"""Notifications as people read them: a sentence in the reader's language and where it leads.

The web list and the API (its `text` and `html_url`) both say an entry this way, so a kind of
notification is phrased once. Sentences are plain text (templates escape them) and never quote a
comment: an entry names people and pages and links to the comment on its page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, url_for
from flask_babel import gettext as _, ngettext

from govwiki.models import Notification
from govwiki.services import clock
from govwiki.web import labels
from govwiki.web.comment_links import comment_url

#: people named in a sentence before "and N others"
NAMES_SHOWN = 3
#: the kinds about comments, whose entries lead to one comment on its page
COMMENT_KINDS = ("page_commented", "comment_replied", "official_response")


@dataclass(frozen=True)
class Entry:
    """One notification as the list shows it."""

    id: int
    kind: str
    text: str
    reason: str
    unread: bool
    at: datetime


def entry(row: Notification) -> Entry:
    """A notification as the list shows it."""
    details = _details(row)
    reason = details.get("reason") if row.kind.startswith("proposal_") else ""
    return Entry(row.id, row.kind, sentence(row), reason or "", row.read_at is None, row.updated_at)


def sentence(row: Notification) -> str:
    """What happened, as one sentence in the reader's language (plain text)."""
    say = {
        "page_edited": _edits_sentence,
        "status_changed": _status_sentence,
        "proposal_submitted": _submitted_sentence,
        "page_commented": _comments_sentence,
        "comment_replied": _replies_sentence,
        "official_response": _response_sentence,
    }.get(row.kind, _decision_sentence)
    return say(row, _details(row))


def _details(row: Notification) -> dict:
    return row.details if isinstance(row.details, dict) else {}


def _page_title(row: Notification, details: dict) -> str:
    return row.page.title if row.page is not None else str(details.get("page_title", ""))


def _today(details: dict) -> bool:
    return details.get("day", "") == clock.now().date().isoformat()


def _edits_sentence(row: Notification, details: dict) -> str:
    values = {"page": _page_title(row, details), "names": _names(details)}
    if _today(details):
        return ngettext(
            "%(num)d edit to “%(page)s” today by %(names)s",
            "%(num)d edits to “%(page)s” today by %(names)s",
            row.count,
            **values,
        )
    return ngettext(
        "%(num)d edit to “%(page)s” on %(day)s by %(names)s",
        "%(num)d edits to “%(page)s” on %(day)s by %(names)s",
        row.count,
        day=details.get("day", ""),
        **values,
    )


def _comments_sentence(row: Notification, details: dict) -> str:
    values = {"page": _page_title(row, details), "names": _names(details, "authors")}
    if _today(details):
        return ngettext(
            "%(num)d new comment on “%(page)s” today by %(names)s",
            "%(num)d new comments on “%(page)s” today by %(names)s",
            row.count,
            **values,
        )
    return ngettext(
        "%(num)d new comment on “%(page)s” on %(day)s by %(names)s",
        "%(num)d new comments on “%(page)s” on %(day)s by %(names)s",
        row.count,
        day=details.get("day", ""),
        **values,
    )


def _replies_sentence(row: Notification, details: dict) -> str:
    values = {"page": _page_title(row, details), "names": _names(details, "authors")}
    if _today(details):
        return ngettext(
            "%(num)d reply to your comment on “%(page)s” today by %(names)s",
            "%(num)d replies to your comment on “%(page)s” today by %(names)s",
            row.count,
            **values,
        )
    return ngettext(
        "%(num)d reply to your comment on “%(page)s” on %(day)s by %(names)s",
        "%(num)d replies to your comment on “%(page)s” on %(day)s by %(names)s",
        row.count,
        day=details.get("day", ""),
        **values,
    )


def _response_sentence(row: Notification, details: dict) -> str:
    values = {"name": details.get("by") or _("unknown"), "page": _page_title(row, details)}
    replied, answered = details.get("reply") is not None, details.get("answered") is True
    if replied and answered:
        return _(
            "%(name)s replied officially to your comment on “%(page)s” and marked it answered.", **values
        )
    if answered:
        return _("%(name)s marked your comment on “%(page)s” as answered.", **values)
    return _("%(name)s replied officially to your comment on “%(page)s”.", **values)


def _names(details: dict, key: str = "editors") -> str:
    people = details.get(key)
    names = (
        [str(e.get("display_name", "")) for e in people if isinstance(e, dict)]
        if isinstance(people, list)
        else []
    )
    names = names or [str(details.get("by") or _("unknown"))]
    shown, hidden = names[:NAMES_SHOWN], len(names) - NAMES_SHOWN
    if hidden <= 0 and not details.get(f"more_{key}"):
        return ", ".join(shown)
    if hidden <= 0:
        return _("%(names)s and others", names=", ".join(shown))
    return ngettext(
        "%(names)s and %(num)d other", "%(names)s and %(num)d others", hidden, names=", ".join(shown)
    )


def _status_sentence(row: Notification, details: dict) -> str:
    title = row.consultation.title if row.consultation is not None else details.get("title", "")
    new, old = details.get("to"), details.get("from")
    return _(
        "“%(title)s” is now %(status)s (it was %(old)s).",
        title=title,
        status=labels.STATUS.get(new, new),
        old=labels.STATUS.get(old, old),
    )


def _submitted_sentence(row: Notification, details: dict) -> str:
    return _(
        "%(name)s suggested a change to “%(page)s”: %(summary)s",
        name=details.get("by") or _("unknown"),
        page=_page_title(row, details),
        summary=details.get("summary") or _("(no summary)"),
    )


def _decision_sentence(row: Notification, details: dict) -> str:
    values = {"page": _page_title(row, details), "number": details.get("revision") or 0}
    if row.kind == "proposal_merged":
        return _("Your suggestion on “%(page)s” was merged into revision %(number)d.", **values)
    if row.kind == "proposal_partly_merged":
        return _("Part of your suggestion on “%(page)s” was merged into revision %(number)d.", **values)
    if row.kind == "proposal_rejected":
        return _("Your suggestion on “%(page)s” was not accepted.", **values)
    return _("Something changed on “%(page)s”.", **values)


def target_url(row: Notification, *, external: bool = False) -> str:
    """Where an entry leads: the diff of the day, the consultation, the decided proposal, the
    comment on its page."""
    details = _details(row)
    links = {"_external": external}
    if row.page is None:
        if row.consultation is None:
            return url_for("notifications.index", **links)
        return url_for("consultations.show", slug=row.consultation.slug, **links)
    if row.kind == "page_edited":
        base, last = details.get("base_revision"), details.get("last_revision")
        if _whole(base) and _whole(last) and base < last:
            return url_for("pages.diff", slug=row.page.slug, **{"from": base, "to": last}, **links)
        return url_for("pages.show", slug=row.page.slug, **links)
    if row.kind == "status_changed":
        return url_for("consultations.show", slug=row.consultation.slug, **links)
    if row.kind in COMMENT_KINDS:
        comment = comment_id(row)
        if comment is not None:
            return comment_url(comment, **links)
        return url_for("pages.show", slug=row.page.slug, **links)
    return _proposal_url(row, details, links)


def comment_id(row: Notification) -> int | None:
    """The comment an entry about comments leads to (the day's first, or the official reply)."""
    comment = _details(row).get("comment") if row.kind in COMMENT_KINDS else None
    return comment if _whole(comment) else None


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _proposal_url(row: Notification, details: dict, links: dict) -> str:
    """The proposal's own page when the proposals blueprint has one; else where it landed."""
    rules = (
        list(current_app.url_map.iter_rules("proposals.show"))
        if "proposals.show" in current_app.view_functions
        else []
    )
    if row.proposal_id is not None and rules and len(rules[0].arguments) == 1:
        return url_for("proposals.show", **{next(iter(rules[0].arguments)): row.proposal_id}, **links)
    number = details.get("revision")
    if row.kind != "proposal_rejected" and _whole(number) and number > 1:
        return url_for("pages.diff", slug=row.page.slug, **{"from": number - 1, "to": number}, **links)
    return url_for("pages.show", slug=row.page.slug, **links)

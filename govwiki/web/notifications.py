"""Notifications and the watchlist on the web: watch buttons, the list of what happened, the
unread count in the header.

Entries arrive from the service as rows; `entry` turns each into a sentence and a link, so that
the templates only display.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from sqlalchemy.exc import SQLAlchemyError

from govwiki.models import Notification, Page
from govwiki.security import actor
from govwiki.services import clock
from govwiki.services import notifications as service
from govwiki.services.access import load_consultation, load_page
from govwiki.web import labels, templating
from govwiki.web.views import ID, Pager, here, local_path, page_args, session, sign_in_url, signed_in

notifications = Blueprint("notifications", __name__)
notifications.record_once(templating.install)

log = logging.getLogger(__name__)

#: editors named in a sentence before "and N others"
NAMES_SHOWN = 3


@dataclass(frozen=True)
class Entry:
    """One notification as the list shows it."""

    id: int
    kind: str
    text: str
    reason: str
    unread: bool
    at: datetime


@dataclass(frozen=True)
class WatchState:
    """What the watch button of a consultation or page shows and where it posts."""

    watching: bool
    action: str
    label: str
    next: str


@notifications.app_context_processor
def _header_context() -> dict:
    return {"unread_notifications": _unread_notifications, "watch_state": watch_state}


def _unread_notifications() -> int:
    """The signed-in user's unread count, one COUNT per request; 0 when signed out."""
    if "unread_notifications" not in g:
        who = actor()
        g.unread_notifications = 0
        if who is not None:
            try:
                g.unread_notifications = service.unread_count(session(), who)
            except SQLAlchemyError:  # the header badge must never turn a page into an error
                log.warning("could not count unread notifications", exc_info=True)
    return g.unread_notifications


def watch_state(target) -> WatchState | None:
    """The watch button for a consultation or page; None for signed-out visitors."""
    who = actor()
    if who is None:
        return None
    kind = "page" if isinstance(target, Page) else "consultation"
    watching = service.is_watching(session(), who, **{kind: target})
    verb = "unwatch" if watching else "watch"
    labels_for = {
        ("page", False): _("Watch this page"),
        ("page", True): _("Stop watching this page"),
        ("consultation", False): _("Watch this consultation"),
        ("consultation", True): _("Stop watching this consultation"),
    }
    return WatchState(
        watching,
        url_for(f"notifications.{verb}_{kind}", slug=target.slug),
        labels_for[kind, watching],
        here(),
    )


@notifications.post("/consultations/<slug>/watch")
def watch_consultation(slug: str):
    return _change_watch(load_consultation(session(), actor(), slug), watching=True)


@notifications.post("/consultations/<slug>/unwatch")
def unwatch_consultation(slug: str):
    return _change_watch(load_consultation(session(), actor(), slug), watching=False)


@notifications.post("/pages/<slug>/watch")
def watch_page(slug: str):
    return _change_watch(load_page(session(), actor(), slug), watching=True)


@notifications.post("/pages/<slug>/unwatch")
def unwatch_page(slug: str):
    return _change_watch(load_page(session(), actor(), slug), watching=False)


def _change_watch(target, *, watching: bool):
    """Watch or unwatch a loaded (so readable) consultation or page, then go back."""
    kind = "page" if isinstance(target, Page) else "consultation"
    back = local_path(request.form.get("next")) or url_for(f"{kind}s.show", slug=target.slug)
    if actor() is None:
        flash(_("Please sign in to continue."), "info")
        return redirect(sign_in_url(back))
    if watching:
        service.watch(session(), actor(), **{kind: target})
        flash(
            _(
                "You are watching “%(title)s”. Edits reach you as one notification per page per day.",
                title=target.title,
            ),
            "success",
        )
    else:
        service.unwatch(session(), actor(), **{kind: target})
        flash(_("You no longer watch “%(title)s”.", title=target.title), "success")
    return redirect(back)


@notifications.get("/notifications")
@signed_in
def index():
    number, per_page = page_args()
    rows, total = service.list_notifications(session(), actor(), page=number, per_page=per_page)
    return render_template(
        "notifications/index.html",
        entries=[entry(row) for row in rows],
        pager=Pager(number, per_page, total),
        unread=_unread_notifications(),
    )


@notifications.post("/notifications/read")
@signed_in
def mark_all_read():
    changed = service.mark_read(session(), actor())
    g.pop("unread_notifications", None)
    flash(
        ngettext("Marked %(num)d notification as read.", "Marked %(num)d notifications as read.", changed),
        "success",
    )
    return redirect(url_for(".index"))


@notifications.post(f"/notifications/<{ID}:notification_id>")
@signed_in
def open_entry(notification_id: int):
    """Mark the entry read and go where it points (the list's entries are buttons posting here)."""
    notification = service.open_notification(session(), actor(), notification_id)
    return redirect(target_url(notification))


@notifications.get(f"/notifications/<{ID}:notification_id>")
@signed_in
def follow(notification_id: int):
    """Go where the entry points, changing nothing (a GET never marks anything read)."""
    notification = service.get_notification(session(), actor(), notification_id)
    return redirect(target_url(notification))


@notifications.get("/watchlist")
@signed_in
def watchlist():
    number, per_page = page_args()
    items, total = service.list_watches(session(), actor(), page=number, per_page=per_page)
    return render_template("notifications/watchlist.html", items=items, pager=Pager(number, per_page, total))


def entry(row: Notification) -> Entry:
    """A notification as a sentence (plain text: the template escapes it)."""
    details = row.details if isinstance(row.details, dict) else {}
    sentence = {
        "page_edited": _edits_sentence,
        "status_changed": _status_sentence,
        "proposal_submitted": _submitted_sentence,
    }.get(row.kind, _decision_sentence)
    reason = details.get("reason") if row.kind.startswith("proposal_") else ""
    return Entry(row.id, row.kind, sentence(row, details), reason or "", row.read_at is None, row.updated_at)


def _page_title(row: Notification, details: dict) -> str:
    return row.page.title if row.page is not None else str(details.get("page_title", ""))


def _edits_sentence(row: Notification, details: dict) -> str:
    names = _names(details)
    values = {"page": _page_title(row, details), "names": names}
    if details.get("day", "") == clock.now().date().isoformat():
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


def _names(details: dict) -> str:
    editors = details.get("editors")
    names = (
        [str(e.get("display_name", "")) for e in editors if isinstance(e, dict)]
        if isinstance(editors, list)
        else []
    )
    names = names or [str(details.get("by") or _("unknown"))]
    shown, hidden = names[:NAMES_SHOWN], len(names) - NAMES_SHOWN
    if hidden <= 0 and not details.get("more_editors"):
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


def target_url(row: Notification) -> str:
    """Where an entry leads: the diff of the day, the consultation, the decided proposal."""
    details = row.details if isinstance(row.details, dict) else {}
    if row.page is None:
        if row.consultation is None:
            return url_for(".index")
        return url_for("consultations.show", slug=row.consultation.slug)
    if row.kind == "page_edited":
        base, last = details.get("base_revision"), details.get("last_revision")
        if isinstance(base, int) and isinstance(last, int) and base < last:
            return url_for("pages.diff", slug=row.page.slug, **{"from": base, "to": last})
        return url_for("pages.show", slug=row.page.slug)
    if row.kind == "status_changed":
        return url_for("consultations.show", slug=row.consultation.slug)
    return _proposal_url(row, details)


def _proposal_url(row: Notification, details: dict) -> str:
    """The proposal's own page when the proposals blueprint has one; else where it landed."""
    rules = (
        list(current_app.url_map.iter_rules("proposals.show"))
        if "proposals.show" in current_app.view_functions
        else []
    )
    if row.proposal_id is not None and rules and len(rules[0].arguments) == 1:
        return url_for("proposals.show", **{next(iter(rules[0].arguments)): row.proposal_id})
    number = details.get("revision")
    if row.kind != "proposal_rejected" and isinstance(number, int) and number > 1:
        return url_for("pages.diff", slug=row.page.slug, **{"from": number - 1, "to": number})
    return url_for("pages.show", slug=row.page.slug)

"""Notifications and the watchlist on the web: watch buttons, the list of what happened, the
unread count in the header.

Entries arrive from the service as rows; `notification_entries.entry` turns each into a
sentence and a link, so that the templates only display.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from sqlalchemy.exc import SQLAlchemyError

from govwiki.rate_limits import limit
from govwiki.models import Page
from govwiki.security import actor
from govwiki.services import notifications as service
from govwiki.services.access import load_consultation, load_page
from govwiki.services.errors import NotFound
from govwiki.web import templating
from govwiki.web.notification_entries import entry, target_url
from govwiki.web.views import ID, Pager, here, local_path, page_args, session, sign_in_url, signed_in

notifications = Blueprint("notifications", __name__)
limit("writes")(notifications)  # every form write, as every API write (rate_limits.py)
notifications.record_once(templating.install)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WatchState:
    """What the watch button of a consultation or page shows and where it posts."""

    watching: bool
    action: str
    label: str
    next: str


@notifications.app_context_processor
def _header_context() -> dict:
    return {"unread_notifications": unread_notifications, "watch_state": watch_state}


def unread_notifications() -> int:
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


def watch_state(target, watching: bool | None = None) -> WatchState | None:
    """The watch button for a consultation or page (`watching`: whether the visitor watches it,
    when the caller knows already); None for signed-out visitors."""
    who = actor()
    if who is None:
        return None
    kind = "page" if isinstance(target, Page) else "consultation"
    if watching is None:
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
                "You are watching “%(title)s”. Edits and comments reach you as one notification per page per day.",
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
        unread=unread_notifications(),
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
def follow(notification_id: int):
    """Go where the entry points, changing nothing (a GET never marks anything read). Signed
    out, no entry is the visitor's: 404, as for anyone else's (no sign-in detour that would say
    the number is someone's)."""
    if actor() is None:
        raise NotFound(_("No such notification."))
    notification = service.get_notification(session(), actor(), notification_id)
    return redirect(target_url(notification))


@notifications.get("/watchlist")
@signed_in
def watchlist():
    number, per_page = page_args()
    items, total = service.list_watches(session(), actor(), page=number, per_page=per_page)
    return render_template("notifications/watchlist.html", items=items, pager=Pager(number, per_page, total))

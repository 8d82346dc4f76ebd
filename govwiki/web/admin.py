"""Administrators on the web: the list of people, and suspending or lifting a suspension with a
reason (the same services as `flask --app app govwiki suspend` / `unsuspend`)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from govwiki.core.policy import may_suspend
from govwiki.security import actor
from govwiki.services import suspensions as service
from govwiki.services.errors import Forbidden, ServiceError
from govwiki.web import templating
from govwiki.web.views import Pager, page_args, session, signed_in

admin = Blueprint("admin", __name__)
admin.record_once(templating.install)


@admin.get("/admin/users")
@signed_in
def users():
    return _users()


@admin.post("/admin/users/<name>/suspend")
@signed_in
def suspend(name: str):
    return _act(name, service.suspend_user, _("%(name)s is suspended."))


@admin.post("/admin/users/<name>/unsuspend")
@signed_in
def unsuspend(name: str):
    return _act(name, service.unsuspend_user, _("%(name)s is no longer suspended."))


def _act(name: str, change, done: str):
    _require_admin()
    try:
        user = change(session(), actor(), name, reason=request.form.get("reason", ""))
    except ServiceError as error:
        session().rollback()
        return _users(error=error, name=name, status=error.status)
    flash(done % {"name": user.display_name}, "success")
    return redirect(url_for(".users", q=request.args.get("q") or None))


def _require_admin() -> None:
    """Only admins see the list at all; checked before any name is looked up (no enumeration)."""
    if not may_suspend(actor().role):
        raise Forbidden(_("Only administrators manage accounts."))


def _users(*, error: ServiceError | None = None, name: str = "", status: int = 200):
    _require_admin()
    page, per_page = page_args()
    query = request.args.get("q", "").strip()[:80]
    suspended = request.args.get("suspended") == "1"
    people, total = service.list_users(
        session(), actor(), query=query, suspended=suspended, page=page, per_page=per_page
    )
    html = render_template(
        "admin/users.html",
        people=people,
        pager=Pager(page, per_page, total),
        q=query,
        suspended=suspended,
        error=error,
        error_name=name,
        reason=request.form.get("reason", ""),
    )
    return html, status

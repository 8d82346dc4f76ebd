"""Administrators on the web: the list of people, and suspending or lifting a suspension with a
reason (the same services as `flask --app app govwiki suspend` / `unsuspend`); the outbox of mail."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from govwiki.rate_limits import limit
from govwiki.core.policy import may_suspend
from govwiki.security import actor
from govwiki.services import outbox
from govwiki.services import suspensions as service
from govwiki.services.errors import Forbidden, ServiceError
from govwiki.web import templating
from govwiki.web.views import ID, Pager, page_args, session, signed_in

admin = Blueprint("admin", __name__)
limit("writes")(admin)  # every form write, as every API write (rate_limits.py)
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


MAIL_STATUS_NAMES = {
    "queued": _l("Waiting to be sent"),
    "retrying": _l("Failed, will be tried again"),
    "sent": _l("Sent"),
    "failed": _l("Given up"),
}


@admin.get("/admin/mail")
@signed_in
def mail():
    """The outbox for admins: how much is waiting, what failed and why; send a given-up mail again."""
    page, per_page = page_args()
    status = request.args.get("status") if request.args.get("status") in outbox.STATUSES else None
    items, total = outbox.list_mail(session(), actor(), status, page_no=page, per_page=per_page)
    return render_template(
        "admin/mail.html",
        counts=outbox.counts(session(), actor()),
        mails=items,
        status=status,
        pager=Pager(page, per_page, total),
        status_names=MAIL_STATUS_NAMES,
    )


@admin.post(f"/admin/mail/<{ID}:mail_id>/send-again")
@signed_in
def send_again(mail_id: int):
    outbox.send_again(session(), actor(), mail_id)
    flash(_("The mail is queued again."), "success")
    return redirect(url_for(".mail", status="failed"))

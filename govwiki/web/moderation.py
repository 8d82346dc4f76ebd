"""Moderation on the web: report a comment, the consultation's queue of reported comments, and
its officials hiding a comment with a public reason, showing it again or dismissing the reports.

Each form works without JavaScript: the per-comment controls (templates/comments/_moderate.html)
link to or post to these routes, and a refused report or hiding shows its own form page again
with the reason that was typed still in the box.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from markupsafe import Markup

from govwiki.core.policy import Action
from govwiki.errors import error_response
from govwiki.rate_limits import limit, refusal, retry_headers
from govwiki.security import actor
from govwiki.services import comment_views as views
from govwiki.services import comments as comment_service
from govwiki.services import moderation as service
from govwiki.services import people
from govwiki.services.access import load_consultation
from govwiki.services.errors import ServiceError
from govwiki.web import templating
from govwiki.web.views import ID, Pager, gate, local_path, page_args, session
from govwiki.web.comment_links import comment_url

moderation = Blueprint("moderation", __name__)
limit("writes")(moderation)  # every form write, as every API write (rate_limits.py)
moderation.record_once(templating.install)


@moderation.get("/consultations/<slug>/moderation")
def queue(slug: str):
    consultation = load_consultation(session(), actor(), slug)
    refused = gate(consultation, Action.MODERATE)
    if refused:
        return refused
    page, per_page = page_args()
    items, total = service.moderation_queue(session(), actor(), consultation, page=page, per_page=per_page)
    return render_template(
        "moderation/queue.html",
        consultation=consultation,
        roles=people.roles_in(session(), consultation),
        items=[(item, shown(item.comment, moderator=True)) for item in items],
        pager=Pager(page, per_page, total),
    )


@moderation.route(f"/comments/<{ID}:comment_id>/flag", methods=["GET", "POST"])
@limit("flags")
def flag(comment_id: int):
    comment = comment_service.load_comment(session(), actor(), comment_id)
    if request.method == "GET":
        return gate(comment.page.consultation, Action.FLAG) or _form("moderation/flag.html", comment)
    try:
        service.flag_comment(session(), actor(), comment, reason=request.form.get("reason"))
    except ServiceError as error:
        session().rollback()
        return _form("moderation/flag.html", comment, error=error, status=error.status)
    flash(_("Thank you: your report was sent to the consultation's moderators."), "success")
    return redirect(_back(comment_url(comment)))


@moderation.route(f"/comments/<{ID}:comment_id>/hide", methods=["GET", "POST"])
def hide(comment_id: int):
    comment = comment_service.load_comment(session(), actor(), comment_id)
    if request.method == "GET":
        return gate(comment.page.consultation, Action.MODERATE) or _form("moderation/hide.html", comment)
    try:
        service.hide_comment(session(), actor(), comment, reason=request.form.get("reason"))
    except ServiceError as error:
        session().rollback()
        return _form("moderation/hide.html", comment, error=error, status=error.status)
    flash(_("The comment is hidden; readers see your reason instead of its text."), "success")
    return redirect(_back(_queue_url(comment)))


@moderation.post(f"/comments/<{ID}:comment_id>/unhide")
def unhide(comment_id: int):
    comment = comment_service.load_comment(session(), actor(), comment_id)
    service.unhide_comment(session(), actor(), comment)
    flash(_("The comment is shown again."), "success")
    return redirect(_back(comment_url(comment)))


@moderation.post(f"/comments/<{ID}:comment_id>/dismiss-flags")
def dismiss(comment_id: int):
    comment = comment_service.load_comment(session(), actor(), comment_id)
    count = service.dismiss_flags(session(), actor(), comment)
    flash(_("Reports dismissed: %(count)d. The comment stays as it is.", count=count), "success")
    return redirect(_back(_queue_url(comment)))


@moderation.errorhandler(RateLimitExceeded)
def _too_many(error: RateLimitExceeded):
    """Too many reports in a short time: the report form again, the reason still in the box."""
    refused = refusal(error)
    templates = {"moderation.flag": "moderation/flag.html", "moderation.hide": "moderation/hide.html"}
    if request.endpoint not in templates:  # no text to keep: the plain error page
        return error_response(429, refused.to_dict(), retry_headers(refused))
    try:
        comment = comment_service.load_comment(session(), actor(), request.view_args["comment_id"])
    except ServiceError:  # no longer readable: the error page still hands the reason back
        return error_response(429, refused.to_dict(), retry_headers(refused))
    return (*_form(templates[request.endpoint], comment, error=refused, status=429), retry_headers(refused))


def shown(comment, moderator: bool) -> views.CommentView:
    """The comment as this reader may see it, its HTML (sanitized by comment_views) marked safe
    here, so that templates never need `|safe`."""
    view = views.view_of(comment, moderator)
    if view.html is not None:
        view.html = Markup(view.html)
    return view


def _queue_url(comment) -> str:
    return url_for(".queue", slug=comment.page.consultation.slug)


def _back(default: str) -> str:
    """The page the form came from (`next`, a path on this site), else `default`."""
    return local_path(request.form.get("next") or request.args.get("next")) or default


def _form(template: str, comment, *, error: ServiceError | None = None, status: int = 200):
    """A report or hide form for one comment, refilled with the reason sent after a refusal."""
    moderator = comment_service.may_moderate(session(), actor(), comment.page)
    html = render_template(
        template,
        comment=comment,
        view=shown(comment, moderator),
        moderator=moderator,
        error=error,
        reason=request.form.get("reason", ""),
        next=_back(""),
        comment_url=comment_url(comment),
    )
    return html, status

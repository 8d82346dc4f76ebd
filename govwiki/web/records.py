"""The consultation record on the web: the timeline, the outcome report (also as Markdown), the
text as opened against the text as adopted, each person's contributions, and the audit log.

Everything here is read-only; the audit log in particular has no route that changes it.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from govwiki.security import actor
from govwiki.services import accounts, audit, people, report, timeline
from govwiki.services.report_markdown import to_markdown
from govwiki.services.access import load_consultation
from govwiki.services.errors import refusal
from govwiki.web import audit_log, templating
from govwiki.web.comment_links import comment_url
from govwiki.web.present import diff_layout
from govwiki.web.views import Pager, page_args, session, sign_in_url

records = Blueprint("records", __name__)
records.record_once(templating.install)

#: how each timeline entry is introduced
ENTRY = {
    "revision": _l("edited"),
    "proposal": _l("proposed a change to"),
    "proposal_merged": _l("merged a proposal into"),
    "proposal_partly_merged": _l("merged part of a proposal into"),
    "proposal_rejected": _l("rejected a proposal on"),
    "proposal_withdrawn": _l("withdrew a proposal on"),
    "status_changed": _l("changed the status"),
    "member_added": _l("added a member"),
    "consultation_created": _l("created the consultation"),
    "consultation_updated": _l("changed the consultation's details"),
    "comment": _l("commented on"),
    "official_response": _l("answered a comment on"),
}

#: where a proposal stands now
PROPOSAL_STATUS = {
    "open": _l("awaiting a decision"),
    "merged": _l("merged"),
    "partly_merged": _l("partly merged"),
    "rejected": _l("rejected"),
    "withdrawn": _l("withdrawn"),
}

#: audit actions as officials read them in the log
ACTION = {**ENTRY, "revision_reverted": _l("reverted a page"), "role_changed": _l("changed a site role")}


@records.get("/consultations/<slug>/history")
def history(slug: str):
    consultation = load_consultation(session(), actor(), slug)
    page, per_page = page_args()
    items, total = timeline.consultation_history(session(), consultation, page, per_page)
    return render_template(
        "records/history.html",
        consultation=consultation,
        items=items,
        roles=people.roles_in(session(), consultation),
        pager=Pager(page, per_page, total),
        entry=ENTRY,
        proposal_status=PROPOSAL_STATUS,
        comment_url=comment_url,
        **_links(consultation),
    )


@records.get("/consultations/<slug>/report")
def report_page(slug: str):
    consultation = load_consultation(session(), actor(), slug)
    result = report.consultation_report(session(), consultation, timeout=current_app.config["DIFF_TIMEOUT"])
    return render_template(
        "records/report.html",
        consultation=consultation,
        report=result,
        roles=result.roles,
        comment_url=comment_url,
        **_changes_view(result.changes),
        **_links(consultation),
    )


@records.get("/consultations/<slug>/report.md")
def report_markdown(slug: str):
    consultation = load_consultation(session(), actor(), slug)
    result = report.consultation_report(session(), consultation, timeout=current_app.config["DIFF_TIMEOUT"])
    return Response(
        to_markdown(result, zone=templating.site_zone(), link=lambda c: comment_url(c, _external=True)),
        mimetype="text/markdown",
        headers={"Content-Disposition": f'attachment; filename="{consultation.slug}-report.md"'},
    )


@records.get("/consultations/<slug>/changes")
def changes(slug: str):
    consultation = load_consultation(session(), actor(), slug)
    found = report.page_changes(session(), consultation, timeout=current_app.config["DIFF_TIMEOUT"])
    return render_template(
        "records/changes.html", consultation=consultation, **_changes_view(found), **_links(consultation)
    )


@records.get("/users/<name>/contributions")
def contributions(name: str):
    person = accounts.get_user(session(), name)
    page, per_page = page_args()
    items, total = timeline.user_contributions(session(), actor(), person, page, per_page)
    return render_template(
        "records/contributions.html",
        person=person,
        items=items,
        roles=people.roles_on_timeline(session(), items),
        pager=Pager(page, per_page, total),
        entry=ENTRY,
        proposal_status=PROPOSAL_STATUS,
        comment_url=comment_url,
    )


@records.get("/consultations/<slug>/audit")
def consultation_audit(slug: str):
    consultation = load_consultation(session(), actor(), slug)
    return _audit(consultation)


@records.get("/audit")
def site_audit():
    return _audit(None)


def _audit(consultation):
    verdict = timeline.audit_decision(session(), actor(), consultation)
    if verdict.reason == "unauthenticated":
        flash(_("Please sign in to continue."), "info")
        return redirect(sign_in_url())
    if not verdict:
        raise refusal(verdict.reason)
    page, per_page = page_args()
    events, total = timeline.audit_log(session(), actor(), consultation, page, per_page)
    return render_template(
        "records/audit.html",
        consultation=consultation,
        events=events,
        pager=Pager(page, per_page, total),
        sentences=audit_log.sentences(events, audit.subjects(session(), events)),
        action_names=ACTION,
        public_details=timeline.public_details,
        redact=timeline.redact,
        **(_links(consultation) if consultation is not None else {}),
    )


def _links(consultation) -> dict:
    """What the record's navigation offers: the audit log only to those who may read it."""
    return {"may_read_audit": bool(timeline.audit_decision(session(), actor(), consultation))}


def _changes_view(found) -> dict:
    """Per page change, the diff rows to show (side by side when wide; folded unless ?full=1)."""
    full = request.args.get("full") == "1"
    return {
        "changes": found,
        "full": full,
        "shown": {c.page.id: diff_layout(c.ops, "auto", full) for c in found},
    }

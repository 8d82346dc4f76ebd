"""API: the consultation record — timeline, outcome report, contributions, audit log (read-only)."""

from __future__ import annotations

from flask import current_app, jsonify, url_for
from sqlalchemy import select

from govwiki.api.helpers import actor, db, listing, pagination
from govwiki.api.serialize import consultation_dict, iso, ops_list, proposal_fields, user_ref
from govwiki.models import Consultation, User
from govwiki.routing import Routes
from govwiki.services import accounts, people, report, timeline
from govwiki.services.people import Roles
from govwiki.services.access import load_consultation

routes = Routes()


@routes.get("/consultations/<slug>/history")
def consultation_history(slug: str):
    consultation = load_consultation(db.session, actor(), slug)
    page, per_page = pagination()
    items, total = timeline.consultation_history(db.session, consultation, page, per_page)
    roles = people.roles_in(db.session, consultation)
    return listing([timeline_item_dict(item, roles) for item in items], page, per_page, total)


@routes.get("/consultations/<slug>/report")
def consultation_report(slug: str):
    consultation = load_consultation(db.session, actor(), slug)
    result = report.consultation_report(db.session, consultation, timeout=current_app.config["DIFF_TIMEOUT"])
    return jsonify(report_dict(result, result.roles))


@routes.get("/users/<name>/contributions")
def user_contributions(name: str):
    user = accounts.get_user(db.session, name)
    page, per_page = pagination()
    items, total = timeline.user_contributions(db.session, actor(), user, page, per_page)
    roles = people.roles_on_timeline(db.session, items)
    shown = [timeline_item_dict(item, roles) for item in items]
    return listing(shown, page, per_page, total, user=user_ref(user))


@routes.get("/consultations/<slug>/audit")
def consultation_audit(slug: str):
    consultation = load_consultation(db.session, actor(), slug)
    return _audit_listing(consultation)


@routes.get("/audit")
def site_audit():
    return _audit_listing(None)


def _audit_listing(consultation: Consultation | None):
    page, per_page = pagination()
    events, total = timeline.audit_log(db.session, actor(), consultation, page, per_page)
    slugs = _consultation_slugs({e.consultation_id for e in events if e.consultation_id})
    return listing([audit_event_dict(e, slugs) for e in events], page, per_page, total)


def _consultation_slugs(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(
        db.session.execute(select(Consultation.id, Consultation.slug).where(Consultation.id.in_(ids))).all()
    )


# --- shapes ------------------------------------------------------------------------------------


def _page_brief(page) -> dict | None:
    if page is None:
        return None
    return {
        "slug": page.slug,
        "title": page.title,
        "url": url_for("api.get_page", slug=page.slug, _external=True),
    }


def _plain(value, roles: Roles | None = None):
    """Details as JSON: people become user references."""
    if isinstance(value, User):
        return user_ref(value, roles)
    if isinstance(value, dict):
        return {key: _plain(item, roles) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item, roles) for item in value]
    return value


def timeline_item_dict(item: timeline.TimelineItem, roles: Roles | None = None) -> dict:
    """One timeline entry; `roles` (of the people it names) add their role in its consultation."""
    here = roles.within(item.consultation) if roles is not None and item.consultation else None
    revision = item.revision.number if item.revision else item.details.get("merged_revision")
    proposal = item.proposal.id if item.proposal else item.details.get("proposal")
    details = _plain(item.details, here)
    if item.subject is not None:
        details["member"] = user_ref(item.subject, here)
    return {
        "type": item.type,
        "at": iso(item.at),
        "actor": user_ref(item.actor, here),
        "consultation": item.consultation.slug if item.consultation else None,
        "page": _page_brief(item.page),
        "revision": revision,
        "proposal": proposal,
        "comment": _comment_brief(item.comment),
        "details": details,
    }


def _comment_brief(comment) -> dict | None:
    """Where a timeline comment lives; its quotable text is in the details."""
    if comment is None:
        return None
    return {"id": comment.id, "url": url_for("api.get_comment", comment_id=comment.id, _external=True)}


def proposal_dict(p, roles: Roles | None = None) -> dict:
    """A proposal in the report: its fields, with its page named in full (not only its slug)."""
    return {**proposal_fields(p, roles), "page": _page_brief(p.page)}


def report_dict(r: report.Report, roles: Roles | None = None) -> dict:
    return {
        "consultation": consultation_dict(r.consultation, with_pages=False),
        "generated_at": iso(r.generated_at),
        "counts": {
            "participants": r.counts.participants,
            "revisions": r.counts.revisions,
            "proposals": {
                "received": r.counts.received,
                "merged": r.counts.merged,
                "partly_merged": r.counts.partly_merged,
                "rejected": r.counts.rejected,
                "withdrawn": r.counts.withdrawn,
                "open": r.counts.open,
            },
            "comments": {
                "received": r.comments.received,
                "answered": r.comments.answered,
                "hidden": r.comments.hidden,
                "responses": r.comments.responses,
            },
        },
        "participants": [
            {
                **user_ref(p.user, roles),
                "revisions": p.revisions,
                "proposals": p.proposals,
                "comments": p.comments,
            }
            for p in r.participants
        ],
        "merged": [proposal_dict(p, roles) for p in r.merged],
        "rejected": [proposal_dict(p, roles) for p in r.rejected],
        "withdrawn": [proposal_dict(p, roles) for p in r.withdrawn],
        "open": [proposal_dict(p, roles) for p in r.pending],
        "pages": [_change_dict(change) for change in r.changes],
        "responses": [_response_dict(response, roles) for response in r.responses],
    }


def _response_dict(response: report.Response, roles: Roles | None = None) -> dict:
    """An official response as the report quotes it, with the comment it answers."""
    reply, answered = response.reply, response.answered
    question = None
    if answered is not None:
        question = {
            "id": answered.id,
            "author": user_ref(answered.author, roles) if answered.status != "deleted" else None,
            "status": answered.status,
            "url": url_for("api.get_comment", comment_id=answered.id, _external=True),
        }
        if response.answered_text is not None:
            question["body"] = response.answered_text
    return {
        "id": reply.id,
        "page": _page_brief(reply.page),
        "author": user_ref(reply.author, roles),
        "created_at": iso(reply.created_at),
        "body": response.text,
        "html": response.html,
        "url": url_for("api.get_comment", comment_id=reply.id, _external=True),
        "answers": question,
    }


def _change_dict(change: report.PageChange) -> dict:
    return {
        "page": _page_brief(change.page),
        "opened_revision": change.opened.number if change.opened else None,
        "added_after_opening": change.added_later,
        "final_revision": change.final.number,
        "final": change.final_kind,
        "ops": ops_list(change.ops),
        "stats": change.stats,
    }


def audit_event_dict(event, slugs: dict[int, str]) -> dict:
    return {
        "id": event.id,
        "at": iso(event.at),
        "actor": user_ref(event.actor),
        "action": event.action,
        "consultation": slugs.get(event.consultation_id),
        "subject_type": event.subject_type,
        "subject_id": timeline.redact(event.subject_id),
        "details": timeline.public_details(event.details),
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }

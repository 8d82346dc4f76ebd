"""API: proposals (suggested edits) — submit, list, review, update, merge, reject, withdraw."""

from __future__ import annotations

from flask import current_app, jsonify, request, url_for

from govwiki.api.helpers import actor, db, json_body, listing, pagination, reject_unknown
from govwiki.api.serialize import iso, ops_list, proposal_fields
from govwiki.models import Proposal
from govwiki.rate_limits import limit
from govwiki.routing import Routes
from govwiki.services import people
from govwiki.services import proposal_review as reviews
from govwiki.services import proposals as service
from govwiki.services.access import load_page

routes = Routes()

ID = "int(max=2147483647)"


def proposal_dict(proposal: Proposal, state: reviews.OpenState | None = None) -> dict:
    """A proposal as API.md lists it, plus its text, partial-merge record and, when open, how it
    stands against the head."""
    data = {
        **proposal_fields(proposal, people.roles_in(db.session, proposal.page.consultation)),
        "page": proposal.page.slug,
        "updated_at": iso(proposal.updated_at),
        "body": proposal.body,
        "url": url_for("api.get_proposal", proposal_id=proposal.id, _external=True),
    }
    if state is not None:
        data.update(mergeable=state.mergeable, overlaps=state.overlaps)
    return data


@routes.post("/pages/<slug>/proposals")
@limit("proposals")
def submit_proposal(slug: str):
    page = load_page(db.session, actor(), slug)
    data = json_body()
    proposal = service.submit_proposal(
        db.session,
        actor(),
        page,
        body=data.get("body"),
        summary=data.get("summary", ""),
        base_revision=data.get("base_revision"),
        max_bytes=current_app.config["MAX_PAGE_BYTES"],
    )
    return jsonify(proposal_dict(proposal)), 201


@routes.get("/pages/<slug>/proposals")
def list_proposals(slug: str):
    page = load_page(db.session, actor(), slug)
    number, per_page = pagination()
    items, total = reviews.list_proposals(
        db.session, page, status=request.args.get("status") or None, page_no=number, per_page=per_page
    )
    states = reviews.open_states(db.session, page) if any(p.status == "open" for p in items) else {}
    return listing([proposal_dict(p, states.get(p.id)) for p in items], number, per_page, total)


@routes.get(f"/proposals/<{ID}:proposal_id>")
def get_proposal(proposal_id: int):
    proposal = service.load_proposal(db.session, actor(), proposal_id)
    review = reviews.review_proposal(db.session, proposal, timeout=current_app.config["DIFF_TIMEOUT"])
    merge = review.merge
    return jsonify(
        {
            **proposal_dict(proposal),
            "diff": {"from": review.base.number, "ops": ops_list(review.ops), "stats": review.stats},
            "hunks": [{**change.to_dict(), "parts": change.parts()} for change in review.changes],
            "version": review.version,
            "head_revision": review.head.number,
            "mergeable": review.mergeable,
            "conflicts": [c.to_dict() for c in merge.conflicts] if merge else [],
            "preview": merge.text if merge else None,
            "marked_body": review.marked,
            "overlaps": review.overlaps,
        }
    )


@routes.patch(f"/proposals/<{ID}:proposal_id>")
def update_proposal(proposal_id: int):
    proposal = service.load_proposal(db.session, actor(), proposal_id)
    data = json_body()
    reject_unknown(data, ("body", "summary", "base_revision"))
    service.update_proposal(
        db.session,
        actor(),
        proposal,
        body=data.get("body"),
        summary=data.get("summary"),
        base_revision=data.get("base_revision"),
        max_bytes=current_app.config["MAX_PAGE_BYTES"],
    )
    return jsonify(proposal_dict(proposal))


@routes.post(f"/proposals/<{ID}:proposal_id>/merge")
def merge_proposal(proposal_id: int):
    proposal = service.load_proposal(db.session, actor(), proposal_id)
    data = json_body()
    reject_unknown(data, ("body", "accept", "base_revision", "version", "reason"))
    outcome = service.merge_proposal(
        db.session,
        actor(),
        proposal,
        body=data.get("body"),
        accept=data.get("accept"),
        base_revision=data.get("base_revision"),
        version=data.get("version"),
        reason=data.get("reason", ""),
        max_bytes=current_app.config["MAX_PAGE_BYTES"],
    )
    return jsonify(
        {
            "status": "merged",
            "revision": outcome.revision.number,
            "partial": outcome.partial,
            "unchanged": outcome.unchanged,
            "proposal": proposal_dict(proposal),
        }
    )


@routes.post(f"/proposals/<{ID}:proposal_id>/reject")
def reject_proposal(proposal_id: int):
    proposal = service.load_proposal(db.session, actor(), proposal_id)
    data = json_body()
    service.reject_proposal(db.session, actor(), proposal, reason=data.get("reason"))
    return jsonify({"status": "rejected", "proposal": proposal_dict(proposal)})


@routes.post(f"/proposals/<{ID}:proposal_id>/withdraw")
def withdraw_proposal(proposal_id: int):
    proposal = service.load_proposal(db.session, actor(), proposal_id)
    service.withdraw_proposal(db.session, actor(), proposal)
    return jsonify({"status": "withdrawn", "proposal": proposal_dict(proposal)})

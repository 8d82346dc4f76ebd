"""Plain dicts for API responses; display names and usernames only, never e-mail addresses."""

from __future__ import annotations

from flask import url_for

from govwiki.core.diff import DiffOp
from govwiki.core.markdown import render_cached
from govwiki.models import Consultation, Page, PageContributor, Revision, User
from govwiki.services.people import Roles


def iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def user_ref(user: User | None, roles: Roles | None = None) -> dict | None:
    """A person as the API names them; with `roles` (services.people.Roles, bound to the
    consultation where they are named), also their `role` there (official or expert) and their
    `affiliation` when they hold one, as the web pages show them in a badge."""
    if user is None:
        return None
    data = {"username": user.username, "display_name": user.display_name}
    if user.suspended_at is not None:  # their contributions stay, marked
        data["suspended"] = True
    badge = roles.of(user) if roles is not None else None
    if badge is not None:
        data.update(role=badge.role, affiliation=badge.affiliation)
    return data


def consultation_dict(c: Consultation, *, with_pages: bool = True) -> dict:
    data = {
        "slug": c.slug,
        "title": c.title,
        "summary": c.summary,
        "status": c.status,
        "edit_policy": c.edit_policy,
        "visibility": c.visibility,
        "opens_at": iso(c.opens_at),
        "closes_at": iso(c.closes_at),
        "created_by": user_ref(c.created_by),
        "created_at": iso(c.created_at),
        "updated_at": iso(c.updated_at),
        "url": url_for("api.get_consultation", slug=c.slug, _external=True),
    }
    if with_pages:
        data["pages"] = [page_ref(p) for p in c.pages]
    return data


def page_ref(page: Page) -> dict:
    return {
        "slug": page.slug,
        "title": page.title,
        "revision": page.head_number,
        "updated_at": iso(page.updated_at),
        "url": url_for("api.get_page", slug=page.slug, _external=True),
    }


def revision_dict(revision: Revision, *, with_body: bool = False, roles: Roles | None = None) -> dict:
    data = {
        "number": revision.number,
        "author": user_ref(revision.author, roles),
        "summary": revision.summary,
        "created_at": iso(revision.created_at),
        "size": revision.size,
        "characters": revision.chars,
        "words": revision.words,
        "changes": {"inserted": revision.words_added, "deleted": revision.words_removed},
        "sha256": revision.sha256,
        "parent": revision.parent_number,
        "merged_by": user_ref(revision.merged_by, roles),
        "proposal": revision.proposal_id,
        "reverted_to": revision.reverted_to,
        "merged_from_base": revision.merged_from_base,
    }
    if with_body:
        data["body"] = revision.body
    return data


def page_dict(
    page: Page, revision: Revision, contributors: list[PageContributor], roles: Roles | None = None
) -> dict:
    rendered = render_cached(revision.sha256, revision.body)
    return {
        **page_ref(page),
        "consultation": page.consultation.slug,
        "revision": revision.number,
        "head_revision": page.head_number,
        "body": revision.body,
        "html": rendered.html,
        "toc": rendered.toc,
        "sha256": revision.sha256,
        "contributors": [{**user_ref(c.user, roles), "revisions": c.revisions} for c in contributors],
    }


def ops_list(ops: list[DiffOp]) -> list[dict]:
    return [op.to_dict() for op in ops]


def proposal_fields(proposal, roles: Roles | None = None) -> dict:
    """What every API view of a proposal says about it (its lists, its page, the report)."""
    return {
        "id": proposal.id,
        "author": user_ref(proposal.author, roles),
        "summary": proposal.summary,
        "base_revision": proposal.base_number,
        "status": proposal.status,
        "partial": bool(proposal.partial),
        "created_at": iso(proposal.created_at),
        "decided_by": user_ref(proposal.decided_by, roles),
        "decided_at": iso(proposal.decided_at),
        "reason": proposal.reason,
        "merged_revision": proposal.merged_revision,
        "declined": proposal.declined or [],
    }

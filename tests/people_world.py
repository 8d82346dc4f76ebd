"""A consultation where an invited expert and a resident both took part (issue 11, part 2):
shared by the web and API tests of role badges and profiles."""

from __future__ import annotations

from dataclasses import dataclass

from govwiki.models import Comment, Consultation, Page, Proposal, User
from govwiki.services import accounts, comments, consultations, invitations, pages, proposals

EXPERT_AFFILIATION = "Tongji University"


@dataclass
class World:
    consultation: Consultation
    page: Page
    expert: User
    resident: User
    proposal: Proposal  # the expert's, merged by the official
    resident_proposal: Proposal  # the resident's, still open
    comment: Comment  # the expert's


def make_expert(session, official, consultation, username: str, **extra) -> User:
    """Someone who registered and accepted an invitation to `consultation`."""
    user = accounts.register_user(session, username, f"{username}@example.org", "password123", **extra)
    _, token = invitations.invite(session, official, consultation, email=user.email, link=lambda token: token)
    invitations.accept(session, user, token)
    return user


def build(session, official, *, expert_name="Liu Yang", affiliation=EXPERT_AFFILIATION) -> World:
    consultation = consultations.create_consultation(
        session, official, title="Street vending", slug="vending", edit_policy="suggest"
    )
    consultations.update_consultation(session, official, consultation, {"status": "open"})
    page = pages.create_page(session, official, consultation, title="Rules", body="Vendors may trade.\n")
    expert = make_expert(
        session, official, consultation, "liu-yang", display_name=expert_name, affiliation=affiliation
    )
    resident = accounts.register_user(
        session,
        "rosa",
        "rosa@example.org",
        "password123",
        display_name="Rosa Resident",
        affiliation="Neighbourhood Association",
    )
    pages.save_page(
        session,
        expert,
        page,
        body="Vendors may trade.\nExperts wrote this.\n",
        summary="Expert",
        base_revision=1,
    )
    proposal = proposals.submit_proposal(
        session,
        expert,
        page,
        body="Vendors may trade.\nExperts wrote this.\nAnd this.\n",
        summary="More",
        base_revision=2,
    )
    proposals.merge_proposal(session, official, proposal)
    resident_proposal = proposals.submit_proposal(
        session, resident, page, body="Vendors may not trade.\n", summary="Less", base_revision=3
    )
    comment = comments.post_comment(session, expert, page, body="An expert view.")
    comments.post_comment(session, resident, page, body="A resident view.")
    return World(consultation, page, expert, resident, proposal, resident_proposal, comment)

"""Experts are visible (issue 11, part 2), on the web pages: an invited expert's name carries the
badge of their role in the consultation and their affiliation wherever it stands beside what
they wrote there, a resident's name none; every name leads to a public profile that shows a
role only in consultations the reader may read."""

from __future__ import annotations

import re

import pytest

from govwiki.services import comments, consultations, invitations, suspensions
from tests import people_world
from tests.web.conftest import XSS, escaped

EXPERT_BADGE = '<span class="badge badge-role badge-role-expert">Invited expert · Tongji University</span>'


@pytest.fixture
def world(session, official):
    return people_world.build(session, official)


def _surfaces(world) -> list[str]:
    c, p = world.consultation.slug, world.page.slug
    return [
        f"/pages/{p}",  # contributors and the discussion
        f"/pages/{p}/history",
        f"/pages/{p}/revisions/2",
        f"/pages/{p}/diff?from=1&to=2",
        f"/pages/{p}/blame",
        f"/pages/{p}/proposals",
        f"/proposals/{world.proposal.id}",
        f"/consultations/{c}/history",
        f"/consultations/{c}/report",
    ]


def _named(user) -> str:
    """How a name is written into a page: linked to the profile, then any marks and badge."""
    return f'<a class="user" href="/users/{user.username}" title="@{user.username}">{user.display_name}</a>'


def test_an_expert_s_name_carries_the_badge_on_every_surface(client, world, text_of):
    for path in _surfaces(world):
        html = text_of(client.get(path))
        assert _named(world.expert) + " " + EXPERT_BADGE in html, path


def test_a_resident_s_name_carries_no_badge(client, world, text_of):
    for path in [f"/pages/{world.page.slug}", f"/proposals/{world.resident_proposal.id}"]:
        html = text_of(client.get(path))
        assert _named(world.resident) in html, path
        assert _named(world.resident) + ' <span class="badge badge-role' not in html, path
        assert "Neighbourhood Association" not in html, path


def test_the_official_carries_the_official_badge(client, world, official, text_of):
    html = text_of(client.get(f"/proposals/{world.proposal.id}"))
    assert _named(official) + ' <span class="badge badge-role badge-role-official">Official</span>' in html


def test_the_markdown_report_names_the_expert_s_role(client, world, text_of):
    markdown = text_of(client.get(f"/consultations/{world.consultation.slug}/report.md"))
    assert "Liu Yang (@liu-yang, invited expert, Tongji University)" in markdown
    assert "Rosa Resident (@rosa)" in markdown


def test_blame_marks_the_expert_s_passage(client, world, text_of):
    html = text_of(client.get(f"/pages/{world.page.slug}/blame"))
    assert re.search(
        r"r2 · Liu Yang \(Invited expert\)</summary>((?!</details>).)*</details>Experts wrote this.", html
    )
    assert "Tongji University" in html  # the card's name carries the badge with the affiliation


def test_a_cached_page_shows_a_new_expert_s_badge_at_once(
    client, session, official, world, make_user, text_of
):
    """Signed-out views are kept (web/page_cache.py); a new membership is a new copy."""
    newcomer = make_user(username="wen", display_name="Wen Li", affiliation="Fudan")
    comments.post_comment(session, newcomer, world.page, body="Before my invitation.")
    path = f"/pages/{world.page.slug}"
    assert _named(newcomer) + ' <span class="badge' not in text_of(client.get(path))
    assert _named(newcomer) + ' <span class="badge' not in text_of(client.get(f"{path}/history"))
    consultations.add_member(session, official, world.consultation, newcomer, "expert")
    badge = '<span class="badge badge-role badge-role-expert">Invited expert · Fudan</span>'
    assert _named(newcomer) + " " + badge in text_of(client.get(path))


def test_accepting_an_invitation_shows_the_badge_on_a_cached_page(
    client, session, official, world, make_user, text_of
):
    newcomer = make_user(username="wen", display_name="Wen Li", affiliation="Fudan")
    comments.post_comment(session, newcomer, world.page, body="Before my invitation.")
    path = f"/pages/{world.page.slug}"
    assert _named(newcomer) + ' <span class="badge' not in text_of(client.get(path))
    _, token = invitations.invite(
        session, official, world.consultation, email=newcomer.email, link=lambda t: t
    )
    invitations.accept(session, newcomer, token)
    badge = '<span class="badge badge-role badge-role-expert">Invited expert · Fudan</span>'
    assert _named(newcomer) + " " + badge in text_of(client.get(path))


def test_the_profile_shows_name_affiliation_roles_and_contributions(client, world, text_of):
    """…and leads to all the contributions."""
    html = text_of(client.get("/users/liu-yang"))
    assert "<h1>Liu Yang" in html and "@liu-yang" in html and "Tongji University" in html
    assert '<a href="/consultations/vending">Street vending</a>' in html
    assert "Invited expert" in html
    comment = world.comment.id
    assert (
        f'<a href="/comments/{comment}">Comment #{comment}</a>' in html and "edited" in html
    )  # contributions
    assert 'href="/users/liu-yang/contributions"' in html
    assert client.get("/users/nobody-here").status_code == 404


def test_a_private_consultation_s_role_never_reaches_an_outsider(
    client, session, official, world, login, make_user, text_of
):
    private = consultations.create_consultation(
        session, official, title="Secret harbour", slug="secret-harbour", visibility="invited"
    )
    consultations.add_member(session, official, private, world.expert, "expert")
    assert "Secret harbour" not in text_of(client.get("/users/liu-yang"))
    login(make_user())
    assert "Secret harbour" not in text_of(client.get("/users/liu-yang"))
    login(world.expert)
    assert "Secret harbour" in text_of(client.get("/users/liu-yang"))


def test_names_and_affiliations_are_escaped(client, session, official, text_of):
    world = people_world.build(session, official, expert_name=XSS, affiliation=XSS)
    for path in ["/users/liu-yang", f"/pages/{world.page.slug}", f"/pages/{world.page.slug}/history"]:
        html = text_of(client.get(path))
        assert XSS not in html, path
        assert escaped(XSS) in html, path


def test_a_suspended_expert_stays_marked(client, session, world, text_of):
    suspensions.suspend_user(session, None, "liu-yang", reason="Spam")
    html = text_of(client.get(f"/pages/{world.page.slug}/history"))
    assert _named(world.expert) + ' <span class="suspended-mark">(suspended)</span> ' + EXPERT_BADGE in html
    assert "(suspended)" in text_of(client.get("/users/liu-yang"))

"""Experts are visible (issue 11, part 2), through the API: author objects in a consultation carry
`role` and `affiliation` (added fields; `username` and `display_name` stay), and
GET /users/{name} is a person's profile with roles only in consultations the caller may read."""

from __future__ import annotations

import pytest

from govwiki.services import consultations, suspensions
from tests import people_world

EXPERT = {
    "username": "liu-yang",
    "display_name": "Liu Yang",
    "role": "expert",
    "affiliation": "Tongji University",
}


@pytest.fixture
def world(session, official):
    return people_world.build(session, official)


def _get(client, path: str, headers=None) -> dict:
    response = client.get(f"/api/v1{path}", headers=headers or {})
    assert response.status_code == 200, (path, response.get_data(as_text=True))
    return response.get_json()


def test_author_objects_name_the_expert_s_role_everywhere(client, world):
    p = world.page.slug
    revisions = _get(client, f"/pages/{p}/revisions")["items"]
    found = {
        "revision": _get(client, f"/pages/{p}/revisions/2")["author"],
        "revisions": revisions[1]["author"],
        "contributor": next(c for c in _get(client, f"/pages/{p}")["contributors"] if c["username"] == "liu-yang"),
        "blame": next(s["author"] for s in _get(client, f"/pages/{p}/blame")["spans"] if "Experts" in s["text"]),
        "proposal": _get(client, f"/proposals/{world.proposal.id}")["author"],
        "proposals": next(x["author"] for x in _get(client, f"/pages/{p}/proposals")["items"] if x["id"] == world.proposal.id),
        "comment": _get(client, f"/comments/{world.comment.id}")["author"],
        "thread": _get(client, f"/pages/{p}/comments")["items"][0]["author"],
        "timeline": next(
            i["actor"] for i in _get(client, f"/consultations/{world.consultation.slug}/history")["items"]
            if i["type"] == "comment" and i["comment"]["id"] == world.comment.id
        ),
        "report": next(
            x for x in _get(client, f"/consultations/{world.consultation.slug}/report")["participants"]
            if x["username"] == "liu-yang"
        ),
        "contributions": _get(client, "/users/liu-yang/contributions")["items"][0]["actor"],
    }  # fmt: skip
    for surface, person in found.items():
        assert {key: person.get(key) for key in EXPERT} == EXPERT, surface
    assert revisions[0]["merged_by"]["role"] == "official"


def test_a_resident_has_no_role(client, world):
    author = _get(client, f"/proposals/{world.resident_proposal.id}")["author"]
    assert author == {"username": "rosa", "display_name": "Rosa Resident"}  # no role, no badge


def test_the_profile(client, world):
    data = _get(client, "/users/liu-yang")
    assert data["username"] == "liu-yang" and data["display_name"] == "Liu Yang"
    assert data["affiliation"] == "Tongji University" and data["suspended"] is False
    assert [(r["consultation"], r["role"]) for r in data["roles"]] == [("vending", "expert")]
    assert data["contributions_url"].endswith("/api/v1/users/liu-yang/contributions")
    missing = client.get("/api/v1/users/nobody-here")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_a_private_role_stays_off_the_profile_for_outsiders(
    client, session, official, world, bearer, make_user
):
    private = consultations.create_consultation(
        session, official, title="Secret harbour", slug="secret-harbour", visibility="invited"
    )
    consultations.add_member(session, official, private, world.expert, "expert")
    for headers in ({}, bearer(make_user())):
        data = _get(client, "/users/liu-yang", headers)
        assert [r["consultation"] for r in data["roles"]] == ["vending"]
        assert "Secret" not in str(data)
    mine = _get(client, "/users/liu-yang", bearer(world.expert))
    assert {r["consultation"] for r in mine["roles"]} == {"vending", "secret-harbour"}


def test_a_suspended_person_is_marked(client, session, world):
    suspensions.suspend_user(session, None, "liu-yang", reason="Spam")
    assert _get(client, "/users/liu-yang")["suspended"] is True
    assert _get(client, f"/comments/{world.comment.id}")["author"]["suspended"] is True

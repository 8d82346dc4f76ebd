"""An invited-only consultation holds for its invited experts (issue 11, part 6): whoever
accepted an invitation reads every part of it, on the web pages and through the API, while
someone whose invitation was revoked before use, an expert of another consultation and a
resident get 404 on each, as for something that does not exist."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from govwiki.services import comments, pages, proposals


@pytest.fixture
def invited(session, official, make_consultation):
    """An open consultation visible to invited people only, with a page at revision 2, a
    suggestion and a comment (all by its official)."""
    consultation = make_consultation(edit_policy="suggest", visibility="invited", title="Walrus plan")
    page = pages.create_page(session, official, consultation, title="Walrus rules", body="Walrus text.\n")
    pages.save_page(
        session, official, page, body="Walrus text, again.\n", summary="Walrus edit", base_revision=1
    )
    proposal = proposals.submit_proposal(
        session, official, page, body="Walrus text, proposed.\n", summary="Walrus idea", base_revision=2
    )
    comment = comments.post_comment(session, official, page, body="Walrus comment")
    return consultation, page, proposal, comment


def _paths(consultation, page, proposal, comment) -> list[str]:
    c, p = consultation.slug, page.slug
    web = [
        f"/consultations/{c}",
        f"/consultations/{c}/history",
        f"/consultations/{c}/report",
        f"/consultations/{c}/report.md",
        f"/consultations/{c}/changes",
        f"/pages/{p}",
        f"/pages/{p}/revisions/1",
        f"/pages/{p}/history",
        f"/pages/{p}/diff?from=1&to=2",
        f"/pages/{p}/blame",
        f"/pages/{p}/proposals",
        f"/proposals/{proposal.id}",
        f"/comments/{comment.id}",
    ]
    api = [
        f"/api/v1/consultations/{c}",
        f"/api/v1/consultations/{c}/history",
        f"/api/v1/consultations/{c}/report",
        f"/api/v1/pages/{p}",
        f"/api/v1/pages/{p}/revisions",
        f"/api/v1/pages/{p}/revisions/2",
        f"/api/v1/pages/{p}/diff?from=1&to=2",
        f"/api/v1/pages/{p}/blame",
        f"/api/v1/pages/{p}/comments",
        f"/api/v1/pages/{p}/annotations",
        f"/api/v1/pages/{p}/proposals",
        f"/api/v1/proposals/{proposal.id}",
        f"/api/v1/comments/{comment.id}",
    ]
    return web + api


def _invite(client, headers, consultation, email: str) -> dict:
    response = client.post(
        f"/api/v1/consultations/{consultation.slug}/invitations", json={"email": email}, headers=headers
    )
    assert response.status_code == 201
    return response.get_json()


def _token(invitation: dict) -> str:
    return urlsplit(invitation["url"]).path.rsplit("/", 1)[1]


def _as(client, login, bearer, user, path: str):
    """GET `path` as `user` (None: signed out): a token on the API, a session on the web."""
    client.delete_cookie("session")
    if path.startswith("/api/"):
        return client.get(path, headers=bearer(user) if user else {})
    if user is not None:
        login(user)
    return client.get(path, follow_redirects=True)  # a comment's address leads to its page


def test_the_accepted_expert_reads_every_part(client, login, bearer, official, make_user, invited):
    consultation = invited[0]
    expert = make_user(username="walrus-expert")
    outsider = make_user(username="walrus-outsider")
    token = _token(_invite(client, bearer(official), consultation, expert.email))
    for path in _paths(*invited):
        assert _as(client, login, bearer, expert, path).status_code == 404, f"before accepting: {path}"
    assert (
        client.post("/api/v1/invitations/accept", json={"token": token}, headers=bearer(expert)).status_code
        == 200
    )

    for path in _paths(*invited):
        response = _as(client, login, bearer, expert, path)
        assert response.status_code == 200, path
        assert "Walrus" in response.get_data(as_text=True), path
        assert _as(client, login, bearer, outsider, path).status_code == 404, path
    found = client.get("/api/v1/search?q=Walrus", headers=bearer(expert)).get_json()
    assert found["total"] > 0
    assert client.get("/api/v1/search?q=Walrus", headers=bearer(outsider)).get_json()["total"] == 0


def test_a_revoked_invitation_and_an_expert_elsewhere_read_nothing(
    client, login, bearer, official, make_user, make_consultation, invited
):
    consultation = invited[0]
    revoked = make_user(username="walrus-revoked")
    invitation = _invite(client, bearer(official), consultation, revoked.email)
    assert (
        client.delete(f"/api/v1/invitations/{invitation['id']}", headers=bearer(official)).status_code == 200
    )
    refused = client.post(
        "/api/v1/invitations/accept", json={"token": _token(invitation)}, headers=bearer(revoked)
    )
    assert refused.status_code == 410
    elsewhere = make_user(username="walrus-elsewhere")
    other = make_consultation(title="Another plan")
    accepted = client.post(
        "/api/v1/invitations/accept",
        json={"token": _token(_invite(client, bearer(official), other, elsewhere.email))},
        headers=bearer(elsewhere),
    )
    assert accepted.status_code == 200

    for path in _paths(*invited):
        for person in (revoked, elsewhere, None):
            response = _as(client, login, bearer, person, path)
            assert response.status_code == 404, (path, person)
            assert "Walrus" not in response.get_data(as_text=True), (path, person)

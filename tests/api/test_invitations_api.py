"""Expert invitations through the API (API.md, "Expert invitations"): officials invite, list,
resend and revoke; a signed-in person accepts once and becomes an expert of that consultation
only; used, expired and revoked links are 410 gone, unknown ones 404; only the hash is stored."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from govwiki.models import AuditEvent, Invitation, Membership, OutgoingMail
from govwiki.services import pages


def _invite(client, headers, consultation, **body):
    body.setdefault("email", "Expert@Example.org")
    return client.post(f"/api/v1/consultations/{consultation.slug}/invitations", json=body, headers=headers)


def _token(data) -> str:
    return urlsplit(data["url"]).path.rsplit("/", 1)[1]


def _accept(client, headers, token):
    return client.post("/api/v1/invitations/accept", json={"token": token}, headers=headers)


def test_an_official_invites_and_the_link_makes_an_expert_once(
    client, session, official, bearer, make_consultation, make_user
):
    consultation = make_consultation(edit_policy="comment")
    response = _invite(client, bearer(official), consultation, note="Please review the fees.")
    assert response.status_code == 201
    data = response.get_json()
    assert data["email"] == "expert@example.org" and data["status"] == "pending"
    assert data["url"].startswith("http://localhost/invitations/")
    token = _token(data)
    stored = session.get(Invitation, data["id"])
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in str(vars(stored))
    [mail] = session.scalars(select(OutgoingMail)).all()
    assert mail.kind == "invitation" and mail.to_address == "expert@example.org"

    expert = make_user(username="expert")  # expert@example.org, the invited address
    accepted = _accept(client, bearer(expert), token)
    assert accepted.status_code == 200
    assert accepted.get_json() == {
        "consultation": consultation.slug,
        "role": "expert",
        "invitation": data["id"],
    }
    role = session.scalar(select(Membership.role).where(Membership.user_id == expert.id))
    assert role == "expert"
    # an expert edits directly even under the "comment" policy
    page = pages.create_page(session, official, consultation, title="Fees", body="Fees.\n")
    saved = client.put(
        f"/api/v1/pages/{page.slug}",
        json={"body": "Fees: 5 yuan.\n", "base_revision": 1},
        headers=bearer(expert),
    )
    assert saved.status_code == 200
    again = _accept(client, bearer(make_user()), token)
    assert again.status_code == 410 and again.get_json()["error"]["code"] == "gone"
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert "invitation_created" in actions and "invitation_accepted" in actions


def test_an_expert_of_one_consultation_is_nobody_in_another(
    client, session, official, bearer, make_consultation, make_user
):
    first, second = make_consultation(), make_consultation(status="draft")
    token = _token(_invite(client, bearer(official), first).get_json())
    expert = make_user(username="expert")
    assert _accept(client, bearer(expert), token).status_code == 200
    assert client.get(f"/api/v1/consultations/{second.slug}", headers=bearer(expert)).status_code == 404


def test_expired_and_revoked_links_are_gone_and_unknown_ones_not_found(
    client, official, bearer, make_consultation, make_user, move_clock
):
    consultation = make_consultation()
    short = _invite(client, bearer(official), consultation, expires_in_days=1).get_json()
    revoked = _invite(client, bearer(official), consultation, email="other@example.org").get_json()
    response = client.delete(f"/api/v1/invitations/{revoked['id']}", headers=bearer(official))
    assert response.status_code == 200 and response.get_json()["status"] == "revoked"
    person = bearer(make_user())
    assert _accept(client, person, _token(revoked)).status_code == 410
    assert _accept(client, person, "not-a-token").status_code == 404
    move_clock(timedelta(days=1, seconds=1))
    assert _accept(client, person, _token(short)).status_code == 410
    listed = client.get(f"/api/v1/consultations/{consultation.slug}/invitations", headers=bearer(official))
    assert {item["email"]: item["status"] for item in listed.get_json()["items"]} == {
        "expert@example.org": "expired",
        "other@example.org": "revoked",
    }


def test_resending_makes_a_new_link_and_the_old_one_stops(
    client, official, bearer, make_consultation, make_user
):
    consultation = make_consultation()
    first = _invite(client, bearer(official), consultation).get_json()
    resent = client.post(f"/api/v1/invitations/{first['id']}/resend", headers=bearer(official))
    assert resent.status_code == 200
    person = bearer(make_user(username="expert"))
    assert _accept(client, person, _token(first)).status_code == 404
    assert _accept(client, person, _token(resent.get_json())).status_code == 200
    again = client.post(f"/api/v1/invitations/{first['id']}/resend", headers=bearer(official))
    assert again.status_code == 409
    assert client.delete(f"/api/v1/invitations/{first['id']}", headers=bearer(official)).status_code == 409


def test_only_the_consultation_s_officials_invite_or_see_invitations(
    client, official, bearer, make_consultation, make_user
):
    consultation = make_consultation()
    other_official = make_user("official")
    resident = make_user()
    for headers in (bearer(resident), bearer(other_official)):
        assert _invite(client, headers, consultation).status_code == 403
        listed = client.get(f"/api/v1/consultations/{consultation.slug}/invitations", headers=headers)
        assert listed.status_code == 403
    made = _invite(client, bearer(official), consultation).get_json()
    assert client.delete(f"/api/v1/invitations/{made['id']}", headers=bearer(resident)).status_code == 404
    assert _invite(client, {}, consultation).status_code == 401


@pytest.mark.parametrize(
    "body, field",
    [
        ({"email": "not an address"}, "email"),
        ({"expires_in_days": 0}, "expires_in_days"),
        ({"expires_in_days": 91}, "expires_in_days"),
        ({"expires_in_days": "soon"}, "expires_in_days"),
        ({"note": "x" * 2001}, "note"),
        ({"note": 5}, "note"),
    ],
)
def test_bad_fields_are_named(client, official, bearer, make_consultation, body, field):
    response = _invite(client, bearer(official), make_consultation(), **body)
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]


def test_accepting_needs_an_account(client, official, bearer, make_consultation):
    token = _token(_invite(client, bearer(official), make_consultation()).get_json())
    assert _accept(client, {}, token).status_code == 401


def test_an_adopted_consultation_takes_no_new_experts(client, official, bearer, make_consultation):
    response = _invite(client, bearer(official), make_consultation(status="adopted"))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "consultation_closed"


def test_only_the_verified_owner_of_the_invited_address_accepts(
    client, session, official, bearer, make_consultation, make_user
):
    consultation = make_consultation()
    token = _token(_invite(client, bearer(official), consultation).get_json())
    stranger = _accept(client, bearer(make_user()), token)
    assert stranger.status_code == 403
    assert stranger.get_json()["error"]["code"] == "invitation_for_another_address"
    owner = make_user(username="expert")
    owner.email_verified_at = None  # registered with the address, never opened the mailed link
    session.commit()
    unverified = _accept(client, bearer(owner), token)
    assert unverified.status_code == 403 and unverified.get_json()["error"]["code"] == "email_not_verified"
    assert session.scalar(select(Membership.id).where(Membership.user_id == owner.id)) is None
    owner.email_verified_at = owner.created_at
    session.commit()
    assert _accept(client, bearer(owner), token).status_code == 200


def test_an_official_who_accepts_stays_an_official(client, session, official, bearer, make_consultation):
    consultation = make_consultation()
    data = _invite(client, bearer(official), consultation, email=official.email).get_json()
    accepted = _accept(client, bearer(official), _token(data))
    assert accepted.status_code == 200 and accepted.get_json()["role"] == "official"
    roles = session.scalars(select(Membership.role).where(Membership.user_id == official.id)).all()
    assert roles == ["official"]

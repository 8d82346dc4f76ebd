"""GET and PUT /api/v1/me/mail-preferences: the caller's mail choices per group."""

from __future__ import annotations

import pytest


def test_signed_out_is_a_401(client):
    assert client.get("/api/v1/me/mail-preferences").status_code == 401
    assert client.put("/api/v1/me/mail-preferences", json={"replies": "none"}).status_code == 401


def test_defaults_then_a_partial_change(client, bearer, make_user):
    headers = bearer(make_user())
    first = client.get("/api/v1/me/mail-preferences", headers=headers).get_json()
    assert first == {
        "preferences": {
            "replies": "immediate",
            "decisions": "immediate",
            "watched": "digest",
            "status": "immediate",
        },
        "verified": True,  # make_user, like create-user, makes verified accounts
    }
    changed = client.put("/api/v1/me/mail-preferences", json={"watched": "none"}, headers=headers)
    assert changed.status_code == 200 and changed.get_json()["preferences"]["watched"] == "none"
    again = client.get("/api/v1/me/mail-preferences", headers=headers).get_json()
    assert again["preferences"] == {**first["preferences"], "watched": "none"}


@pytest.mark.parametrize("body", [{"replies": "hourly"}, {"everything": "none"}, {"replies": None}])
def test_bad_choices_are_a_422_and_change_nothing(client, bearer, make_user, body):
    headers = bearer(make_user())
    response = client.put("/api/v1/me/mail-preferences", json=body, headers=headers)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid"
    after = client.get("/api/v1/me/mail-preferences", headers=headers).get_json()["preferences"]
    assert after["replies"] == "immediate"

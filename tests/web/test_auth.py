"""Registering, signing in and out, and API tokens in the settings."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from govwiki.models import ApiToken, User
from tests.web.conftest import XSS, escaped

REGISTRATION = {
    "username": "wei-zhang",
    "display_name": "Zhang Wei",
    "email": "wei@example.org",
    "password": "long-enough-password",
}


def test_register_creates_account_and_signs_in(client, session, text_of):
    response = client.post("/register", data=REGISTRATION, follow_redirects=True)
    assert response.status_code == 200
    assert session.scalar(select(User).where(User.username == "wei-zhang")) is not None
    assert "Zhang Wei" in text_of(response)
    assert "Sign out" in text_of(response)


def test_register_error_keeps_input_and_names_the_field(client, make_user, text_of):
    make_user(username="wei-zhang")
    response = client.post("/register", data=REGISTRATION)
    assert response.status_code == 422
    page = text_of(response)
    assert "this name is taken" in page
    assert 'value="wei@example.org"' in page
    assert 'value="Zhang Wei"' in page


def test_register_short_password_is_refused(client, session, text_of):
    response = client.post("/register", data={**REGISTRATION, "password": "short"})
    assert response.status_code == 422
    assert "at least 8 characters" in text_of(response)
    assert session.scalar(select(User).where(User.username == "wei-zhang")) is None


def test_login_with_bad_password_shows_form_error(client, make_user, text_of):
    make_user(username="rosa")
    response = client.post("/login", data={"login": "rosa", "password": "wrong-password"})
    assert response.status_code == 401
    assert "password is not right" in text_of(response)
    assert 'value="rosa"' in text_of(response)


def test_login_by_email_follows_local_next(client, make_user):
    make_user(username="rosa")
    response = client.post(
        "/login", data={"login": "rosa@example.org", "password": "password123", "next": "/settings"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/settings")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_login_ignores_non_local_next(target, client, make_user):
    make_user(username="rosa")
    response = client.post("/login", data={"login": "rosa", "password": "password123", "next": target})
    assert response.status_code == 302
    assert "evil" not in response.headers["Location"]


def test_login_form_drops_non_local_next_from_query(client, text_of):
    response = client.get("/login?next=https://evil.example/")
    assert 'name="next" type="hidden" value=""' in text_of(response)


def test_logout_requires_post(client, make_user, login):
    login(make_user())
    assert client.get("/logout").status_code == 405


def test_logout_signs_out(client, make_user, login, text_of):
    login(make_user(display_name="Rosa Resident"))
    response = client.post("/logout", follow_redirects=True)
    assert "You are signed out." in text_of(response)
    assert "Rosa Resident" not in text_of(response)


def test_settings_redirects_signed_out_visitors_to_sign_in(client):
    response = client.get("/settings")
    assert response.status_code == 302
    assert "/login?next=/settings" in response.headers["Location"]


def test_settings_shows_own_email_address(client, make_user, login, text_of):
    login(make_user(username="rosa"))
    assert "rosa@example.org" in text_of(client.get("/settings"))


def test_created_token_is_shown_once(client, session, make_user, login, text_of):
    login(make_user())
    created = text_of(client.post("/settings/tokens", data={"name": "my script"}))
    token = created.split('id="new-token"')[1].split('value="')[1].split('"')[0]
    assert token.startswith("gw_")
    assert token not in text_of(client.get("/settings"))
    assert "my script" in text_of(client.get("/settings"))


def test_revoking_a_token_disables_it(client, session, make_user, login):
    user = login(make_user())
    client.post("/settings/tokens", data={"name": "old"})
    token = session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    response = client.post(f"/settings/tokens/{token.id}/revoke")
    assert response.status_code == 302
    session.refresh(token)
    assert token.revoked_at is not None


def test_revoking_someone_elses_token_is_not_found(client, session, make_user, login):
    owner = make_user()
    client_token_id = _token_of(session, owner)
    login(make_user())
    assert client.post(f"/settings/tokens/{client_token_id}/revoke").status_code == 404


def _token_of(session, user) -> int:
    from govwiki.services import accounts

    accounts.create_token(session, user, "theirs")
    return session.scalar(select(ApiToken.id).where(ApiToken.user_id == user.id))


def test_display_name_is_escaped_in_welcome_flash(client, text_of):
    response = client.post("/register", data={**REGISTRATION, "display_name": XSS}, follow_redirects=True)
    page = text_of(response)
    assert XSS not in page
    assert escaped(XSS) in page


def _csrf_secret(client):
    with client.session_transaction() as flask_session:
        return flask_session.get("csrf_token"), dict(flask_session)


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_signing_in_starts_a_fresh_session_with_a_fresh_csrf_secret(client, make_user):
    make_user(username="fresh-person")
    form = client.get("/login").get_data(as_text=True)  # an attacker's visit plants this session
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    with client.session_transaction() as flask_session:
        flask_session["planted"] = "by someone else"
    before, _ = _csrf_secret(client)
    assert before
    response = client.post(
        "/login", data={"login": "fresh-person", "password": "password123", "csrf_token": token}
    )
    assert response.status_code == 302
    after, held = _csrf_secret(client)
    assert "planted" not in held and after != before and held.get("_user_id")


def test_signing_out_forgets_the_session(client, make_user, login):
    login(make_user())
    client.get("/settings")
    before, _ = _csrf_secret(client)
    client.post("/logout")
    after, held = _csrf_secret(client)
    assert "_user_id" not in held and (after is None or after != before)

"""Registering, signing in and out, and API tokens in the settings."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from govwiki.models import OutgoingMail, User
from tests.web.conftest import XSS, escaped

REGISTRATION = {
    "username": "wei-zhang",
    "display_name": "Zhang Wei",
    "email": "wei@example.org",
    "password": "long-enough-password",
}


def test_register_makes_an_unverified_account_that_is_not_signed_in(client, session, text_of):
    response = client.post("/register", data=REGISTRATION)
    assert response.status_code == 200
    assert "We sent a mail to wei@example.org" in text_of(response)
    user = session.scalar(select(User).where(User.username == "wei-zhang"))
    assert user is not None and user.email_verified_at is None
    assert "Sign out" not in text_of(client.get("/"))


def test_register_error_keeps_input_and_names_the_field(client, make_user, text_of):
    make_user(username="zhang-wei-official", display_name="Zhang Wei")
    response = client.post("/register", data=REGISTRATION)
    assert response.status_code == 422
    page = text_of(response)
    assert "reads like the name of someone else" in page
    assert 'value="wei@example.org"' in page
    assert 'value="wei-zhang"' in page


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


def test_display_name_is_escaped_in_welcome_flash(client, session, text_of):
    client.post("/register", data={**REGISTRATION, "display_name": XSS})
    link = session.scalar(select(OutgoingMail.params)).get("secret_url").removeprefix("http://localhost")
    response = client.post(link, follow_redirects=True)
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

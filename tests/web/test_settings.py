"""The settings area: profile (display name, affiliation, language), password, e-mail address and
API tokens. A new password, a new address and a new token each ask for the current password."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from govwiki.models import ApiToken, OutgoingMail, User
from govwiki.services import accounts


@pytest.fixture
def rosa(make_user, login):
    return login(make_user(username="rosa", display_name="Rosa"))


def _mails(session, kind: str) -> list[OutgoingMail]:
    return list(
        session.scalars(select(OutgoingMail).where(OutgoingMail.kind == kind).order_by(OutgoingMail.id))
    )


def _reload(session, user) -> User:
    session.expire_all()
    return session.get(User, user.id)


@pytest.mark.parametrize("path", ["/settings", "/settings/password", "/settings/email", "/settings/tokens"])
def test_signed_out_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and f"/login?next={path}" in response.headers["Location"]


def test_every_section_is_in_the_settings_navigation(client, rosa):
    html = client.get("/settings/password").get_data(as_text=True)
    nav = html.split('class="tabs settings-nav"')[1].split("</nav>")[0]
    for path in ("/settings", "/settings/password", "/settings/email", "/settings/tokens"):
        assert f'href="{path}"' in nav
    assert 'href="/settings/password" aria-current="page"' in nav


# --- profile


def test_the_profile_saves_display_name_affiliation_and_language(client, session, rosa):
    response = client.post(
        "/settings", data={"display_name": "Rosa Li", "affiliation": "Market traders", "locale": "zh"}
    )
    assert response.status_code == 302
    user = _reload(session, rosa)
    assert (user.display_name, user.affiliation, user.locale) == ("Rosa Li", "Market traders", "zh")


def test_the_chosen_language_is_followed_when_signed_in(client, session, rosa):
    client.post("/settings", data={"display_name": "Rosa", "locale": "zh"})
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="zh' in page
    client.post("/settings", data={"display_name": "Rosa", "locale": ""})
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en' in page


def test_an_unknown_language_is_a_form_error(client, rosa):
    response = client.post("/settings", data={"display_name": "Rosa", "locale": "xx"})
    assert response.status_code == 422


@pytest.mark.parametrize(
    "name",
    [
        "Chen Min",
        "chen min",
        "ｃｈｅｎ　ｍｉｎ",
        "Chen Min (official)",
        "Chen Min （ｏｆｆｉｃｉａｌ）",
        "chen-min",
        "Rosa [admin]",
        "罗莎（官方）",
        "罗莎 (专家)",
    ],
)
def test_a_display_name_that_passes_for_someone_else_or_a_role_is_refused(
    client, session, make_user, rosa, name
):
    make_user("official", "chen-min", display_name="Chen Min")
    response = client.post("/settings", data={"display_name": name, "affiliation": "Kept"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="Kept"' in html
    assert "reads like the name of someone else" in html or "roles are shown beside your name" in html
    assert _reload(session, rosa).display_name == "Rosa"


def test_keeping_ones_own_name_is_fine(client, rosa):
    assert client.post("/settings", data={"display_name": "ROSA"}).status_code == 302


@pytest.mark.parametrize("name", ["Chen Min", "Chen Min (official)", "ｃｈｅｎ ｍｉｎ"])
def test_registration_refuses_the_same_names(client, session, make_user, name):
    make_user("official", "chen-min", display_name="Chen Min")
    response = client.post(
        "/register",
        data={
            "username": "newcomer",
            "display_name": name,
            "email": "n@example.org",
            "password": "password123",
        },
    )
    assert response.status_code == 422
    assert session.scalar(select(User).where(User.username == "newcomer")) is None


def test_a_username_that_reads_like_someone_elses_name_is_refused(client, make_user):
    make_user("official", "chen-min", display_name="Chen Min")
    response = client.post(
        "/register", data={"username": "chen_min", "email": "n@example.org", "password": "password123"}
    )
    assert response.status_code == 422 and "reads like the name of someone else" in response.get_data(
        as_text=True
    )


def test_the_command_line_refuses_the_same_names(runner, make_user):
    make_user("official", "chen-min", display_name="Chen Min")
    result = runner.invoke(
        args=["govwiki", "create-user", "fake", "--email", "f@example.org", "--password", "password123",
              "--display-name", "Chen Min (official)"]
    )  # fmt: skip
    assert result.exit_code != 0 and "display_name" in result.output


# --- password


def test_changing_the_password_needs_the_current_one(client, session, rosa):
    refused = client.post(
        "/settings/password", data={"current_password": "wrong", "new_password": "a-new-secret"}
    )
    assert refused.status_code == 422 and "not your current password" in refused.get_data(as_text=True)
    assert accounts.authenticate(session, "rosa", "password123") is not None
    done = client.post(
        "/settings/password", data={"current_password": "password123", "new_password": "a-new-secret"}
    )
    assert done.status_code == 302
    session.expire_all()
    assert accounts.authenticate(session, "rosa", "a-new-secret") is not None


def test_a_short_new_password_is_refused(client, session, rosa):
    response = client.post(
        "/settings/password", data={"current_password": "password123", "new_password": "short"}
    )
    assert response.status_code == 422 and "at least 8 characters" in response.get_data(as_text=True)


# --- e-mail address


def test_a_new_address_is_the_accounts_only_once_its_link_is_used(client, session, rosa):
    response = client.post(
        "/settings/email", data={"email": "rosa.new@example.org", "current_password": "password123"}
    )
    assert response.status_code == 302
    assert _reload(session, rosa).email == "rosa@example.org"  # not yet
    [link] = _mails(session, "email_change")
    assert link.to_address == "rosa.new@example.org"
    [notice] = _mails(session, "email_change_notice")
    assert notice.to_address == "rosa@example.org" and notice.params["new_email"] == "rosa.new@example.org"
    assert "rosa.new@example.org" in client.get("/settings/email").get_data(as_text=True)  # waiting
    path = link.params["secret_url"].removeprefix("http://localhost")
    assert client.post(path).status_code == 302
    user = _reload(session, rosa)
    assert user.email == "rosa.new@example.org" and user.email_verified_at is not None
    assert client.post(path).status_code == 410  # once


def test_the_change_link_expires(client, session, rosa, move_clock):
    client.post("/settings/email", data={"email": "rosa.new@example.org", "current_password": "password123"})
    [link] = _mails(session, "email_change")
    move_clock(timedelta(days=1, seconds=1))
    assert client.post(link.params["secret_url"].removeprefix("http://localhost")).status_code == 410
    assert _reload(session, rosa).email == "rosa@example.org"


def test_changing_the_address_needs_the_current_password_and_keeps_the_typed_address(client, session, rosa):
    response = client.post(
        "/settings/email", data={"email": "rosa.new@example.org", "current_password": "nope"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "not your current password" in html
    assert 'value="rosa.new@example.org"' in html
    assert session.scalars(select(OutgoingMail)).all() == []


def test_an_address_with_an_account_gets_the_same_answer_and_changes_nothing(
    client, session, make_user, rosa
):
    make_user(username="other", email="other@example.org")
    free = client.post(
        "/settings/email", data={"email": "free@example.org", "current_password": "password123"}
    )
    taken = client.post(
        "/settings/email", data={"email": "other@example.org", "current_password": "password123"}
    )
    assert free.status_code == taken.status_code == 302
    assert [m.to_address for m in _mails(session, "email_in_use")] == ["other@example.org"]
    assert [m.to_address for m in _mails(session, "email_change")] == ["free@example.org"]
    assert len(_mails(session, "email_change_notice")) == 2


def test_a_change_link_is_refused_when_the_address_has_been_taken_since(client, session, make_user, rosa):
    client.post("/settings/email", data={"email": "late@example.org", "current_password": "password123"})
    [link] = _mails(session, "email_change")
    make_user(username="quicker", email="late@example.org")
    response = client.post(link.params["secret_url"].removeprefix("http://localhost"))
    assert response.status_code == 409
    assert _reload(session, rosa).email == "rosa@example.org"


def test_an_unverified_account_asks_for_a_new_link_from_the_settings(client, session, rosa):
    rosa.email_verified_at = None
    session.commit()
    page = client.get("/settings/email").get_data(as_text=True)
    assert "Send the confirmation link again" in page
    client.post("/settings/email/verify")
    client.post("/settings/email/verify")
    first, second = _mails(session, "verify_email")
    old = first.params["secret_url"].removeprefix("http://localhost")
    assert client.post(old).status_code == 410  # the newer link spent the older one
    assert client.post(second.params["secret_url"].removeprefix("http://localhost")).status_code == 302
    assert _reload(session, rosa).email_verified_at is not None
    client.post("/settings/email/verify")
    assert len(_mails(session, "verify_email")) == 2  # verified: nothing more is sent


# --- API tokens


def test_a_token_needs_the_password_and_a_refusal_keeps_its_name(client, session, rosa):
    refused = client.post("/settings/tokens", data={"name": "my script", "current_password": "wrong"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "not your current password" in html and 'value="my script"' in html
    assert session.scalars(select(ApiToken)).all() == []


def test_a_token_needs_a_name(client, session, rosa):
    response = client.post("/settings/tokens", data={"name": " ", "current_password": "password123"})
    assert response.status_code == 422 and "required" in response.get_data(as_text=True)
    assert session.scalars(select(ApiToken)).all() == []


def test_a_created_token_is_shown_once_and_listed_with_its_name(app, client, rosa):
    created = client.post("/settings/tokens", data={"name": "my script", "current_password": "password123"})
    html = created.get_data(as_text=True)
    assert created.status_code == 201
    token = re.search(r'id="new-token"[^>]*value="([^"]+)"', html).group(1)
    assert token.startswith("gw_")
    listing = client.get("/settings/tokens").get_data(as_text=True)
    assert token not in listing and "my script" in listing and "never" in listing
    assert (
        client.get("/api/v1/notifications", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )
    assert "my script" in client.get("/settings/tokens").get_data(as_text=True)


def test_revoking_a_token_disables_it(app, client, session, rosa):
    token = accounts.create_token(session, rosa, "old")
    token_id = session.scalar(select(ApiToken.id))
    assert client.post(f"/settings/tokens/{token_id}/revoke").status_code == 302
    program = app.test_client()  # no session cookie: the token alone
    assert (
        program.get("/api/v1/notifications", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )


def test_revoking_someone_elses_token_is_not_found(client, session, make_user, rosa):
    accounts.create_token(session, make_user(), "theirs")
    token_id = session.scalar(select(ApiToken.id))
    assert client.post(f"/settings/tokens/{token_id}/revoke").status_code == 404

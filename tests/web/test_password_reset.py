"""A forgotten password: the link goes by mail through the outbox, the answer is the same
whether or not the account exists, the link works once and for an hour, and using it revokes
the account's API tokens, sessions and remembered devices."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from govwiki.models import ApiToken, OutgoingMail
from govwiki.services import accounts


def _mailed_link(app, runner) -> str:
    result = runner.invoke(args=["govwiki", "send-mail", "--once"])
    assert "sent 1" in result.output, result.output
    [path] = Path(app.instance_path, "outbox").glob("*.eml")
    body = email.message_from_bytes(path.read_bytes(), policy=email.policy.default).get_content()
    return re.search(r"http://localhost(/reset/\S+)", body).group(1)


def test_the_mailed_link_sets_a_new_password_once(app, client, runner, session, make_user):
    user = make_user(username="ruth-resident")
    accounts.create_token(session, user, "old tool")
    user_id = user.id
    page = client.post("/forgot", data={"login": "Ruth-Resident@example.org"})
    assert page.status_code == 200 and "a link to choose a new password is on its way" in page.get_data(
        as_text=True
    )
    link = _mailed_link(app, runner)
    form = client.get(link)
    assert form.status_code == 200 and form.headers["Cache-Control"] == "no-store"
    done = client.post(link, data={"password": "a-new-secret"})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert accounts.authenticate(session, "ruth-resident", "a-new-secret") is not None
    assert accounts.authenticate(session, "ruth-resident", "password123") is None
    session.expire_all()
    assert all(
        token.revoked_at for token in session.scalars(select(ApiToken).where(ApiToken.user_id == user_id))
    )
    again = client.post(link, data={"password": "another-secret"})
    assert again.status_code == 410 and "used already or has expired" in again.get_data(as_text=True)


def test_unknown_accounts_get_the_same_answer_and_no_mail(client, session, make_user):
    make_user(username="known-person")
    known = client.post("/forgot", data={"login": "known-person"}).get_data(as_text=True)
    unknown = client.post("/forgot", data={"login": "nobody-at-all"}).get_data(as_text=True)
    strip = lambda html: re.sub(r'name="csrf_token"[^>]*', "", html)  # noqa: E731
    assert strip(known) == strip(unknown)
    assert len(session.scalars(select(OutgoingMail)).all()) == 1


def test_a_link_expires_after_an_hour(app, client, runner, make_user, move_clock):
    make_user(username="late-person")
    client.post("/forgot", data={"login": "late-person"})
    link = _mailed_link(app, runner)
    move_clock(timedelta(hours=1, seconds=1))
    assert client.get(link).status_code == 410


def test_a_short_password_is_a_form_error_and_the_link_still_works(app, client, runner, make_user):
    make_user(username="brief-person")
    client.post("/forgot", data={"login": "brief-person"})
    link = _mailed_link(app, runner)
    response = client.post(link, data={"password": "short"})
    assert response.status_code == 422 and "at least 8 characters" in response.get_data(as_text=True)
    assert client.post(link, data={"password": "long-enough"}).status_code == 302


def test_an_unknown_link_is_404_and_a_suspended_account_gets_no_mail(client, session, make_user):
    assert client.get("/reset/not-a-token").status_code == 404
    from govwiki.services import suspensions

    user = make_user(username="banned-person")
    suspensions.suspend_user(session, None, user.username, reason="Spam.")
    client.post("/forgot", data={"login": "banned-person"})
    assert session.scalars(select(OutgoingMail)).all() == []


def test_the_sign_in_page_offers_it_in_chinese(client):
    html = client.get("/login?lang=zh").get_data(as_text=True)
    assert 'href="/forgot"' in html and "忘记密码" in html


def test_a_new_password_signs_out_every_session_and_remembered_device(app, client, runner, make_user):
    """Whoever knew the old password may be signed in somewhere: a reset ends all of it."""
    from govwiki.browser_sessions import REMEMBER_COOKIE

    make_user(username="ruth-resident")
    elsewhere = app.test_client()
    sign_in = {"login": "ruth-resident", "password": "password123", "remember": "y"}
    assert elsewhere.post("/login", data=sign_in).status_code == 302
    restarted = app.test_client()
    restarted.set_cookie(REMEMBER_COOKIE, elsewhere.get_cookie(REMEMBER_COOKIE).value)
    client.post("/forgot", data={"login": "ruth-resident"})
    assert client.post(_mailed_link(app, runner), data={"password": "a-new-secret"}).status_code == 302
    assert elsewhere.get("/settings").status_code == 302  # sent to sign in
    assert restarted.get("/settings").status_code == 302

"""Registering without account enumeration, and the e-mail verification link.

The form answers the same (status and body) for a new name and address, a taken address and a
taken name, and finishes by mail; each branch hashes the password once, so that they take about
the same time. The verification link works once, for 24 hours, and signs its account in.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from govwiki.models import OutgoingMail, User
from govwiki.services import passwords

FORM = {"username": "new-person", "email": "new@example.org", "password": "long-enough-password"}


def _strip(html: str) -> str:
    return re.sub(r'name="csrf_token"[^>]*', "", html)


def _mails(session, kind: str | None = None) -> list[OutgoingMail]:
    query = select(OutgoingMail).order_by(OutgoingMail.id)
    return list(session.scalars(query.where(OutgoingMail.kind == kind) if kind else query))


def _link(mail: OutgoingMail, key: str = "secret_url") -> str:
    return mail.params[key].removeprefix("http://localhost")


@pytest.fixture
def hashes(monkeypatch):
    """Count the password hashes made (each costs the same time)."""
    made = []
    original = passwords.hash_password
    monkeypatch.setattr(passwords, "hash_password", lambda password: made.append(1) or original(password))
    return made


@pytest.mark.parametrize(
    "form",
    [
        {**FORM, "email": "taken@example.org"},  # the address has an account
        {**FORM, "username": "taken-name"},  # the name is taken, the address is free
        {**FORM, "username": "taken-name", "email": "TAKEN@example.org"},  # both
    ],
    ids=["taken address", "taken name", "both taken"],
)
def test_a_taken_name_or_address_gets_the_answer_a_new_one_gets(client, make_user, session, hashes, form):
    make_user(username="taken-name", email="taken@example.org")
    hashes.clear()
    new = client.post("/register", data=FORM)
    assert len(hashes) == 1
    taken = client.post("/register", data=form)
    assert len(hashes) == 2  # hashed in every branch: about the same time
    assert taken.status_code == new.status_code == 200
    body = _strip(taken.get_data(as_text=True))
    assert body == _strip(new.get_data(as_text=True)).replace("new@example.org", form["email"])
    assert "We sent a mail to" in body
    assert len(_mails(session)) == 2  # every branch finishes by mail


def test_a_free_name_and_address_make_an_unverified_account_and_mail_its_link(client, session):
    client.post("/register", data=FORM)
    user = session.scalar(select(User).where(User.username == "new-person"))
    assert user.email_verified_at is None and user.password_hash.startswith("$argon2id$")
    [mail] = _mails(session)
    assert mail.kind == "verify_email" and mail.to_address == "new@example.org"
    assert "/verify/" in mail.params["secret_url"]


def test_a_taken_address_tells_its_owner_and_makes_nothing(client, session, make_user):
    make_user(username="owner-person", email="owner@example.org")
    client.post("/register", data={**FORM, "email": "Owner@Example.org"})
    [mail] = _mails(session)
    assert mail.kind == "account_exists" and mail.to_address == "owner@example.org"
    assert mail.params["username"] == "owner-person" and mail.params["reset_url"].endswith("/forgot")
    assert session.scalar(select(func.count()).select_from(User)) == 1


def test_a_taken_name_mails_a_link_back_to_the_form_with_the_address_filled_in(client, session, make_user):
    make_user(username="new-person", email="someone@example.org")
    client.post("/register", data=FORM)
    [mail] = _mails(session)
    assert mail.kind == "username_taken" and mail.to_address == "new@example.org"
    form = client.get(_link(mail, "register_url")).get_data(as_text=True)
    assert 'value="new@example.org"' in form
    assert session.scalar(select(func.count()).select_from(User)) == 1


def test_the_verification_mail_says_what_to_do(app, client, runner):
    from pathlib import Path

    client.post("/register", data=FORM)
    assert "sent 1" in runner.invoke(args=["govwiki", "send-mail", "--once"]).output
    [path] = Path(app.instance_path, "outbox").glob("*.eml")
    text = path.read_text()
    assert "Confirm your e-mail address for GovWiki" in text and "new-person" in text


def test_the_link_shows_a_button_and_only_the_post_verifies_and_signs_in(client, session):
    client.post("/register", data=FORM)
    link = _link(_mails(session)[0])
    shown = client.get(link)
    assert shown.status_code == 200 and "no-store" in shown.headers["Cache-Control"]
    assert shown.headers["Referrer-Policy"] == "no-referrer"
    assert session.scalar(select(User.email_verified_at)) is None  # a mail scanner's GET spends nothing
    done = client.post(link, follow_redirects=True)
    assert "is confirmed" in done.get_data(as_text=True) and "Sign out" in done.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(User.email_verified_at)) is not None


def test_the_link_works_once(app, client, session):
    client.post("/register", data=FORM)
    link = _link(_mails(session)[0])
    assert client.post(link).status_code == 302
    again = app.test_client().post(link)
    assert again.status_code == 410 and "used already or has expired" in again.get_data(as_text=True)


def test_the_link_expires_after_a_day(client, session, move_clock):
    client.post("/register", data=FORM)
    link = _link(_mails(session)[0])
    move_clock(timedelta(hours=24, seconds=1))
    assert client.get(link).status_code == 410
    assert client.post(link).status_code == 410
    assert session.scalar(select(User.email_verified_at)) is None


def test_an_unknown_link_is_not_found(client):
    assert client.get("/verify/not-a-token").status_code == 404


def test_the_link_comes_back_to_where_registration_started(client, session):
    client.post("/register?next=/consultations", data={**FORM, "next": "/consultations"})
    link = _link(_mails(session)[0])
    assert client.post(link).headers["Location"] == "/consultations"


def test_a_bad_field_is_a_form_error_that_keeps_what_was_typed(client, session):
    response = client.post("/register", data={**FORM, "username": "X"})
    assert response.status_code == 422
    assert 'value="new@example.org"' in response.get_data(as_text=True)
    assert _mails(session) == []


def test_an_unverified_account_may_sign_in_and_comment(client, session, make_page):
    page = make_page()
    client.post("/register", data=FORM)
    signed_in = client.post("/login", data={"login": "new-person", "password": FORM["password"]})
    assert signed_in.status_code == 302
    posted = client.post(f"/pages/{page.slug}/comments", data={"body": "A first comment."})
    assert posted.status_code in (201, 302, 303), posted.get_data(as_text=True)[:300]


def test_a_suspended_account_is_confirmed_by_its_link_but_not_signed_in(client, session):
    from govwiki.services import suspensions

    client.post("/register", data=FORM)
    link = _link(_mails(session)[0])
    suspensions.suspend_user(session, None, "new-person", reason="Spam")
    response = client.post(link, follow_redirects=True)
    assert "is confirmed" in response.get_data(as_text=True) and "Sign out" not in response.get_data(
        as_text=True
    )


def test_using_a_password_reset_link_confirms_the_address(client, session):
    client.post("/register", data=FORM)
    client.post("/forgot", data={"login": "new-person"})
    reset = _link(_mails(session, "password_reset")[0])
    assert client.post(reset, data={"password": "another-long-password"}).status_code == 302
    session.expire_all()
    assert session.scalar(select(User.email_verified_at)) is not None

"""Signing in by username or address, in the same time whether or not the account exists, and
the upgrade of older password hashes at the next successful sign-in."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from govwiki.models import OutgoingMail, User


def _strip(html: str) -> str:
    return re.sub(r'name="csrf_token"[^>]*', "", html)


@pytest.fixture
def argon2_checks(monkeypatch):
    """Count the Argon2 verifications (each costs the configured time)."""
    made = []
    original = PasswordHasher.verify

    def counted(self, stored, password):
        made.append(stored)
        return original(self, stored, password)

    monkeypatch.setattr(PasswordHasher, "verify", counted)
    return made


def test_an_unknown_account_and_a_wrong_password_get_the_same_answer(client, make_user):
    make_user(username="known-person")
    wrong = client.post("/login", data={"login": "known-person", "password": "not-the-password"})
    unknown = client.post("/login", data={"login": "nobody-person", "password": "not-the-password"})
    assert wrong.status_code == unknown.status_code == 401
    typed = lambda response, name: _strip(response.get_data(as_text=True)).replace(name, "NAME")  # noqa: E731
    assert typed(wrong, "known-person") == typed(unknown, "nobody-person")


@pytest.mark.parametrize("login", ["nobody-person", "nobody@example.org", "bad\x00name"])
def test_an_unknown_account_costs_one_password_check_like_a_known_one(
    client, make_user, argon2_checks, login
):
    make_user(username="known-person")
    client.post("/login", data={"login": "known-person", "password": "not-the-password"})
    client.post("/login", data={"login": login, "password": "not-the-password"})
    assert len(argon2_checks) == 2


def test_signing_in_by_address_works(client, make_user):
    make_user(username="known-person")
    response = client.post("/login", data={"login": "Known-Person@Example.org", "password": "password123"})
    assert response.status_code == 302


def test_an_older_hash_is_upgraded_to_argon2id_at_the_next_sign_in(client, session, make_user):
    user = make_user(username="old-timer")
    user.password_hash = generate_password_hash("password123", "pbkdf2:sha256:1000")
    session.commit()
    refused = client.post("/login", data={"login": "old-timer", "password": "wrong-password"})
    assert refused.status_code == 401
    session.expire_all()
    assert session.scalar(select(User.password_hash)).startswith("pbkdf2:")  # not on a wrong one
    assert client.post("/login", data={"login": "old-timer", "password": "password123"}).status_code == 302
    session.expire_all()
    upgraded = session.scalar(select(User.password_hash))
    assert upgraded.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    client.post("/logout")
    assert client.post("/login", data={"login": "old-timer", "password": "password123"}).status_code == 302


@pytest.mark.config(PASSWORD_COST={"time_cost": 2, "memory_cost": 16, "parallelism": 1})
def test_a_hash_of_another_cost_is_made_again_at_the_configured_one(client, session, make_user):
    user = make_user(username="cost-person")
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("password123")
    session.commit()
    assert client.post("/login", data={"login": "cost-person", "password": "password123"}).status_code == 302
    session.expire_all()
    assert "$m=16,t=2,p=1$" in session.scalar(select(User.password_hash))


def test_an_unusable_password_cost_stops_the_app_at_start(app_config, tmp_path):
    from govwiki import create_app

    with pytest.raises(RuntimeError, match="PASSWORD_COST"):
        create_app({**app_config, "PASSWORD_COST": {"time_cost": 0}}, instance=str(tmp_path / "other"))


def test_a_reset_for_an_address_without_an_account_also_writes_one_mail(client, session, make_user):
    """Both answers write one mail and commit: asking takes as long for an address with an
    account as for one without."""
    make_user(username="known-person")
    known = client.post("/forgot", data={"login": "known-person@example.org"})
    unknown = client.post("/forgot", data={"login": "stranger@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert _strip(known.get_data(as_text=True)) == _strip(unknown.get_data(as_text=True))
    kinds = [
        (mail.kind, mail.to_address)
        for mail in session.scalars(select(OutgoingMail).order_by(OutgoingMail.id))
    ]
    assert kinds == [("password_reset", "known-person@example.org"), ("no_account", "stranger@example.org")]

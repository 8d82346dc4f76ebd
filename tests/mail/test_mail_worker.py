"""Mail leaves through the outbox: written with its event, sent by `govwiki send-mail` to a
real SMTP server (aiosmtpd) or as .eml files, in the recipient's language, retried with
backoff, given up after MAX_ATTEMPTS and visible to admins; the link's token is never kept."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from govwiki.models import OutgoingMail
from govwiki.services import clock, outbox
from tests.mail.smtp_server import SmtpServer


@pytest.fixture
def smtp(app):
    with SmtpServer() as server:
        app.config["MAIL_URL"] = server.url
        yield server


@pytest.fixture
def invite(client, official, bearer, make_consultation):
    consultation = make_consultation(title="Night markets")

    def make(email_address="expert@example.org", **headers):
        response = client.post(
            f"/api/v1/consultations/{consultation.slug}/invitations",
            json={"email": email_address, "note": "Your view on lighting, please."},
            headers={**bearer(official), **headers},
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


def _the_mail(session) -> OutgoingMail:
    session.expire_all()  # the worker's session wrote it
    return session.scalars(select(OutgoingMail)).one()


def _send(runner) -> str:
    result = runner.invoke(args=["govwiki", "send-mail", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def test_without_a_server_each_mail_is_an_eml_file_and_the_kept_copy_has_no_link(
    app, runner, session, invite
):
    made = invite()
    assert "sent 1, failed 0" in _send(runner)
    [path] = Path(app.instance_path, "outbox").glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["To"] == "expert@example.org" and "Night markets" in message["Subject"]
    body = message.get_content()
    assert (
        made["url"] in body and "Your view on lighting" in body and "olivia-official" not in message["From"]
    )
    mail = _the_mail(session)
    assert mail.status == "sent" and "[link removed]" in mail.body and made["url"] not in mail.body
    assert "secret_url" not in mail.params
    assert "sent 0, failed 0" in _send(runner)  # nothing twice


def test_smtp_delivers_in_the_language_the_inviter_used(smtp, runner, invite):
    made = invite(**{"Accept-Language": "zh-CN,zh;q=0.9"})
    _send(runner)
    [(recipients, message)] = smtp.inbox.received
    assert recipients == ["expert@example.org"]
    assert "邀请" in message["Subject"] and made["url"] in message.get_content()
    assert message["Content-Language"] == "zh"


def test_a_refusing_server_is_retried_later_and_finally_given_up(smtp, runner, session, invite, monkeypatch):
    invite()
    smtp.inbox.refuse = "451 4.3.0 Try again later"
    assert "failed 1" in _send(runner)
    mail = _the_mail(session)
    assert mail.attempts == 1 and "451" in mail.last_error and mail.status == "retrying"
    assert mail.send_after >= clock.now() + timedelta(seconds=50)
    assert "sent 0, failed 0" in _send(runner)  # not due yet
    later = clock.now()
    for attempt in range(2, outbox.MAX_ATTEMPTS + 1):
        later += outbox.retry_delay(attempt - 1) + timedelta(seconds=1)
        monkeypatch.setattr(clock, "now", lambda moment=later: moment)
        assert "failed 1" in _send(runner)
    mail = _the_mail(session)
    assert mail.status == "failed" and mail.attempts == outbox.MAX_ATTEMPTS
    smtp.inbox.refuse = None
    monkeypatch.setattr(clock, "now", lambda: later + timedelta(days=1))
    assert "sent 0, failed 0" in _send(runner)  # given up stays given up …


def test_an_admin_sees_failed_mail_and_sends_it_again(smtp, runner, session, invite, make_user, monkeypatch):
    invite()
    smtp.inbox.refuse = "550 5.1.1 No such user"
    now = clock.now()
    for attempt in range(outbox.MAX_ATTEMPTS):
        monkeypatch.setattr(clock, "now", lambda moment=now + timedelta(days=attempt): moment)
        _send(runner)
    admin = make_user("admin")
    assert outbox.counts(session, admin)["failed"] == 1
    [mail], total = outbox.list_mail(session, admin, "failed")
    assert total == 1 and "550" in mail.last_error
    with pytest.raises(Exception):
        outbox.counts(session, make_user("official"))
    outbox.send_again(session, admin, mail.id)
    smtp.inbox.refuse = None
    assert "sent 1" in _send(runner)
    assert len(smtp.inbox.received) == 1


def test_a_worker_that_died_holding_mail_lets_it_go_after_the_lease(session, invite, monkeypatch):
    invite()
    [held] = outbox.claim(session, "dead-worker")
    assert outbox.claim(session, "other") == []
    monkeypatch.setattr(clock, "now", lambda moment=clock.now() + outbox.LEASE + timedelta(seconds=1): moment)
    [taken] = outbox.claim(session, "other")
    assert taken.id == held.id


def test_a_mail_url_that_cannot_work_stops_the_app_at_start(tmp_path):
    from govwiki import create_app

    with pytest.raises(RuntimeError, match="GOVWIKI_MAIL_URL"):
        create_app({"MAIL_URL": "http://mail.example.org"}, instance=str(tmp_path))

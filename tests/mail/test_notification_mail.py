"""Notification mail, as it arrives at a real SMTP server (aiosmtpd): at once and grouped, in a
daily digest, or not at all, by each person's choice; in their language; with one-click
unsubscribe links (RFC 8058) that work without signing in; never to unverified or suspended
accounts, and never with the text of a hidden comment."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from govwiki.models import OutgoingMail
from govwiki.services import (
    answers,
    clock,
    comments,
    consultations,
    mail_preferences,
    moderation,
    notifications,
    pages,
    proposals,
    suspensions,
)
from govwiki.services.notification_mail import WINDOW
from tests.mail.smtp_server import SmtpServer


@pytest.fixture
def smtp(app):
    with SmtpServer() as server:
        app.config["MAIL_URL"] = server.url
        yield server


@pytest.fixture
def person(session, make_user):
    """A resident with a verified address (new accounts are unverified)."""

    def make(name: str, *, verified: bool = True, locale: str = ""):
        user = make_user("resident", name)
        user.email_verified_at = clock.now() if verified else None
        user.locale = locale
        session.commit()
        return user

    return make


@pytest.fixture
def page(session, make_page):
    """The page these mails are about; its author (who watches it) has no verified address, so
    that each test hears only from the people it makes."""
    made = make_page(title="Street vending rules")
    made.consultation.created_by.email_verified_at = None
    session.commit()
    return made


@pytest.fixture
def asked(session, person, page):
    """Ana's comment on the page; she hears of replies to it at once (the default)."""
    ana = person("ana")
    comment = comments.post_comment(session, ana, page, body="Why 30 days of notice?")
    return ana, comment


def _run(runner, *args) -> str:
    """Run a command in an app context of its own, as the worker runs apart from the app (its
    database session is not the test's)."""
    with runner.app.app_context():
        result = runner.invoke(args=["govwiki", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _send(runner) -> str:
    return _run(runner, "send-mail", "--once")


def _digests(runner, *args) -> str:
    return _run(runner, "send-digests", *args)


def _reply(session, who, comment, body: str):
    return comments.post_comment(session, who, comment.page, body=body, parent_id=comment.id)


def _mails_to(smtp, address: str) -> list:
    return [message for recipients, message in smtp.inbox.received if recipients == [address]]


def _path(url: str) -> str:
    return urlsplit(url).path


def test_a_reply_to_my_comment_is_mailed_at_once_with_its_text_and_unsubscribe_headers(
    smtp, runner, session, person, asked
):
    ana, comment = asked
    _reply(session, person("ben"), comment, "Because the market needs time to move.")
    _send(runner)
    [message] = _mails_to(smtp, ana.email)
    assert "reply to your comment" in message["Subject"] and "Street vending rules" in message["Subject"]
    body = message.get_content()
    assert "Because the market needs time to move." in body and "/comments/" in body
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert _path(unsubscribe).startswith("/mail/unsubscribe/") and unsubscribe in body
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    kept = session.scalars(select(OutgoingMail).where(OutgoingMail.user_id == ana.id)).one()
    assert unsubscribe not in kept.body and "[link removed]" in kept.body


def test_replies_that_come_before_the_mail_leaves_join_it(smtp, runner, session, person, asked):
    ana, comment = asked
    _reply(session, person("ben"), comment, "First answer.")
    _reply(session, person("chen"), comment, "Second answer.")
    _send(runner)
    [message] = _mails_to(smtp, ana.email)
    assert "2 replies" in message["Subject"] and "ben" in message["Subject"] and "chen" in message["Subject"]
    assert "Second answer." in message.get_content()  # the latest reply is quoted


def test_replies_after_a_mail_wait_for_one_more_mail_an_hour_on(
    smtp, runner, session, person, asked, move_clock
):
    ana, comment = asked
    ben = person("ben")
    _reply(session, ben, comment, "First answer.")
    _send(runner)
    _reply(session, ben, comment, "Second answer.")
    _reply(session, ben, comment, "Third answer.")
    _send(runner)
    assert len(_mails_to(smtp, ana.email)) == 1, "the group was mailed moments ago: the next waits"
    move_clock(WINDOW + timedelta(minutes=1))
    _send(runner)
    first, second = _mails_to(smtp, ana.email)
    assert "3 replies" in second["Subject"] and "Third answer." in second.get_content()


def test_a_mail_whose_entry_was_read_in_the_app_first_is_not_sent(smtp, runner, session, person, asked):
    ana, comment = asked
    _reply(session, person("ben"), comment, "An answer.")
    notifications.mark_read(session, ana)
    assert "not needed any more 1" in _send(runner)
    assert _mails_to(smtp, ana.email) == []


def test_watched_pages_come_in_one_daily_digest_sent_once(smtp, runner, session, person, page):
    dan = person("dan")
    notifications.watch(session, dan, page=page)
    owner = page.consultation.created_by
    pages.save_page(session, owner, page, body="Second text.\n", base_revision=1)
    comments.post_comment(session, person("eve"), page, body="I like the second text.")
    _send(runner)
    assert _mails_to(smtp, dan.email) == [], "watched pages are digest-only by default"
    output = _digests(runner)
    assert "queued 1 digests" in output and "sent 1" in output, output
    [digest] = _mails_to(smtp, dan.email)
    assert "digest" in digest["Subject"].lower() and "2 things" in digest["Subject"]
    body = digest.get_content()
    assert "edit to “Street vending rules”" in body and "I like the second text." in body
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "queued 0 digests" in _digests(runner) and len(_mails_to(smtp, dan.email)) == 1


def test_a_digest_covers_only_what_happened_since_the_last_one(smtp, runner, session, person, page):
    dan = person("dan")
    notifications.watch(session, dan, page=page)
    comments.post_comment(session, person("eve"), page, body="Early words.")
    _digests(runner)
    comments.post_comment(session, person("fay"), page, body="Later words.", parent_id=None)
    _digests(runner)
    first, second = _mails_to(smtp, dan.email)
    assert "Early words." in first.get_content()
    # the day's entry grew: the second digest tells it as it stands, with the latest comment
    assert "Later words." in second.get_content() and "Early words." not in second.get_content()


def test_none_means_no_mail_but_the_notification_stays(smtp, runner, session, person, asked):
    ana, comment = asked
    mail_preferences.set_preferences(session, ana, {"replies": "none"})
    _reply(session, person("ben"), comment, "An answer.")
    _send(runner)
    _digests(runner)
    assert _mails_to(smtp, ana.email) == []
    assert notifications.unread_count(session, ana) == 1


def test_digest_mode_for_replies_holds_them_for_the_digest(smtp, runner, session, person, asked):
    ana, comment = asked
    mail_preferences.set_preferences(session, ana, {"replies": "digest"})
    _reply(session, person("ben"), comment, "An answer.")
    _send(runner)
    assert _mails_to(smtp, ana.email) == []
    _digests(runner)
    [digest] = _mails_to(smtp, ana.email)
    assert "An answer." in digest.get_content()


def test_switching_to_the_digest_while_a_mail_waits_puts_it_on_the_digest(
    smtp, runner, session, person, asked
):
    """A reply's mail waits (queued at once, not sent yet) when Ana moves replies to the digest:
    the reply is in her next digest, not dropped, and mailed once."""
    ana, comment = asked
    _reply(session, person("ben"), comment, "An answer that was waiting.")
    waiting = select(func.count()).select_from(OutgoingMail).where(OutgoingMail.user_id == ana.id)
    assert session.scalar(waiting) == 1
    mail_preferences.set_preferences(session, ana, {"replies": "digest", "status": "digest"})
    assert session.scalar(waiting) == 0
    _send(runner)
    assert _mails_to(smtp, ana.email) == []
    _digests(runner)
    [digest] = _mails_to(smtp, ana.email)
    assert "An answer that was waiting." in digest.get_content()
    _digests(runner)
    assert len(_mails_to(smtp, ana.email)) == 1


def test_moving_another_choice_to_the_digest_leaves_a_waiting_mail_alone(
    smtp, runner, session, person, asked
):
    ana, comment = asked
    _reply(session, person("ben"), comment, "An answer.")
    mail_preferences.set_preferences(session, ana, {"status": "digest", "replies": "immediate"})
    _send(runner)
    [mail] = _mails_to(smtp, ana.email)
    assert "An answer." in mail.get_content()
    _digests(runner)
    assert len(_mails_to(smtp, ana.email)) == 1


def test_one_click_post_to_the_header_link_unsubscribes_without_signing_in(
    smtp, runner, client, session, person, asked
):
    ana, comment = asked
    ben = person("ben")
    _reply(session, ben, comment, "First answer.")
    _send(runner)
    [message] = _mails_to(smtp, ana.email)
    link = _path(message["List-Unsubscribe"].strip("<>"))
    response = client.post(link, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert mail_preferences.preferences(session, ana)["replies"] == "none"
    other = comments.post_comment(session, ana, comment.page, body="Another question.")
    _reply(session, ben, other, "Another answer.")
    _send(runner)
    assert len(_mails_to(smtp, ana.email)) == 1


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_the_one_click_post_needs_no_csrf_token(smtp, runner, client, session, person, asked):
    ana, comment = asked
    _reply(session, person("ben"), comment, "An answer.")
    _send(runner)
    [message] = _mails_to(smtp, ana.email)
    response = client.post(_path(message["List-Unsubscribe"].strip("<>")), data="List-Unsubscribe=One-Click")
    assert response.status_code == 200
    session.expire_all()
    assert mail_preferences.preferences(session, ana)["replies"] == "none"


def test_opening_the_link_asks_first_and_the_button_unsubscribes(
    smtp, runner, client, session, person, asked
):
    ana, comment = asked
    _reply(session, person("ben"), comment, "An answer.")
    _send(runner)
    [message] = _mails_to(smtp, ana.email)
    link = _path(message["List-Unsubscribe"].strip("<>"))
    page = client.get(link)
    text = page.get_data(as_text=True)
    assert (
        page.status_code == 200 and '<form method="post"' in text and "Replies and official answers" in text
    )
    assert page.headers["Cache-Control"] == "no-store"
    assert mail_preferences.preferences(session, ana)["replies"] == "immediate", "a GET changes nothing"
    done = client.post(link)
    assert done.status_code == 200 and "You are unsubscribed" in done.get_data(as_text=True)
    session.expire_all()
    assert mail_preferences.preferences(session, ana)["replies"] == "none"


def test_the_digest_link_switches_off_every_digest(smtp, runner, client, session, person, page):
    dan = person("dan")
    notifications.watch(session, dan, page=page)
    comments.post_comment(session, person("eve"), page, body="Some words.")
    _digests(runner)
    [digest] = _mails_to(smtp, dan.email)
    client.post(_path(digest["List-Unsubscribe"].strip("<>")))
    session.expire_all()
    choices = mail_preferences.preferences(session, dan)
    assert choices["watched"] == "none" and choices["replies"] == "immediate"


@pytest.mark.parametrize("token", ["nonsense", "a" * 300, "WzEsInJlcGxpZXMiXQ.forged"])
def test_a_wrong_unsubscribe_link_is_a_404_for_get_and_post(client, token):
    assert client.get(f"/mail/unsubscribe/{token}").status_code == 404
    assert client.post(f"/mail/unsubscribe/{token}").status_code == 404


def test_mail_is_in_the_chosen_language_or_else_the_sites(smtp, runner, session, person, page):
    zhang = person("zhang", locale="zh")
    lee = person("lee")
    first = comments.post_comment(session, zhang, page, body="为什么是三十天？")
    second = comments.post_comment(session, lee, page, body="Thirty days?")
    ben = person("ben")
    _reply(session, ben, first, "因为需要时间。")
    _reply(session, ben, second, "Time to move.")
    _send(runner)
    [chinese] = _mails_to(smtp, zhang.email)
    [english] = _mails_to(smtp, lee.email)
    assert "回复" in chinese["Subject"] and chinese["Content-Language"] == "zh"
    assert "退订" in chinese.get_content()
    assert "reply" in english["Subject"] and english["Content-Language"] == "en"


def test_unverified_addresses_get_no_mail(smtp, runner, session, person, page):
    ana = person("ana", verified=False)
    comment = comments.post_comment(session, ana, page, body="A question.")
    notifications.watch(session, ana, page=page)
    _reply(session, person("ben"), comment, "An answer.")
    _send(runner)
    _digests(runner)
    assert _mails_to(smtp, ana.email) == []
    assert session.scalar(select(func.count()).select_from(OutgoingMail)) == 0


def test_suspended_accounts_get_no_mail_even_when_it_was_queued_before(
    smtp, runner, session, person, asked, make_user
):
    ana, comment = asked
    admin = make_user("admin", "the-admin")
    _reply(session, person("ben"), comment, "An answer.")
    suspensions.suspend_user(session, admin, ana.username, reason="Spam.")
    assert "not needed any more 1" in _send(runner)
    _reply(session, person("chen"), comment, "Another answer.")
    _send(runner)
    assert _mails_to(smtp, ana.email) == []


def test_a_hidden_comment_is_mailed_as_hidden_without_its_text(smtp, runner, session, person, asked):
    ana, comment = asked
    reply = _reply(session, person("ben"), comment, "Rude words about the market.")
    official = comment.page.consultation.created_by
    moderation.hide_comment(session, official, reply, reason="Insults.")
    _send(runner)
    [message] = _mails_to(smtp, ana.email)
    body = message.get_content()
    assert "Rude words" not in body and "hid this comment" in body


def test_a_comment_hidden_before_the_digest_leaves_is_not_quoted(smtp, runner, session, person, page):
    dan = person("dan")
    notifications.watch(session, dan, page=page)
    rude = comments.post_comment(session, person("eve"), page, body="Rude words about the market.")
    _digests(runner, "--queue-only")
    moderation.hide_comment(session, page.consultation.created_by, rude, reason="Insults.")
    _send(runner)
    [digest] = _mails_to(smtp, dan.email)
    assert "Rude words" not in digest.get_content() and "hid this comment" in digest.get_content()


def test_mail_about_a_consultation_the_reader_can_no_longer_read_is_not_sent(
    smtp, runner, session, person, asked
):
    ana, comment = asked
    _reply(session, person("ben"), comment, "An answer.")
    consultation = comment.page.consultation
    consultation.visibility = "invited"
    session.commit()
    assert "not needed any more 1" in _send(runner)
    assert _mails_to(smtp, ana.email) == []


def test_a_decision_on_my_suggestion_is_mailed_at_once_with_its_reason(
    smtp, runner, session, person, make_consultation, make_page
):
    consultation = make_consultation(edit_policy="suggest")
    page = make_page(consultation, title="Market hours")
    gao = person("gao")
    proposal = proposals.submit_proposal(
        session, gao, page, body="Open at six.\n", summary="Earlier", base_revision=1
    )
    proposals.reject_proposal(session, consultation.created_by, proposal, reason="Too early for neighbours.")
    _send(runner)
    [message] = _mails_to(smtp, gao.email)
    assert "was not accepted" in message["Subject"] and "Too early for neighbours." in message.get_content()


def test_a_status_change_reaches_the_consultations_watchers_at_once(
    smtp, runner, session, person, make_consultation
):
    consultation = make_consultation(title="Night markets")
    hui = person("hui")
    notifications.watch(session, hui, consultation=consultation)
    consultations.update_consultation(session, consultation.created_by, consultation, {"status": "closed"})
    _send(runner)
    [message] = _mails_to(smtp, hui.email)
    assert "“Night markets” is now Closed" in message["Subject"]


def test_an_official_answer_to_my_comment_is_mailed_at_once(smtp, runner, session, asked):
    ana, comment = asked
    answers.answer_comment(
        session, comment.page.consultation.created_by, comment, body="Thirty days is the legal minimum."
    )
    _send(runner)
    [message] = _mails_to(smtp, ana.email)
    assert "replied officially" in message["Subject"]
    assert "Thirty days is the legal minimum." in message.get_content()


def test_edits_of_a_watched_page_are_one_mail_when_chosen_at_once(smtp, runner, session, person, page):
    dan = person("dan")
    notifications.watch(session, dan, page=page)
    mail_preferences.set_preferences(session, dan, {"watched": "immediate"})
    owner = page.consultation.created_by
    pages.save_page(session, owner, page, body="Second text.\n", base_revision=1)
    pages.save_page(session, owner, page, body="Third text.\n", base_revision=2)
    _send(runner)
    [message] = _mails_to(smtp, dan.email)
    assert "2 edits to “Street vending rules”" in message["Subject"] and "/diff" in message.get_content()


@pytest.mark.config(SERVER_NAME=None, PUBLIC_URL="https://govwiki.example.org/")
def test_links_in_mail_start_with_the_public_address(smtp, runner, session, person, asked):
    ana, comment = asked
    _reply(session, person("ben"), comment, "An answer.")
    _send(runner)
    [message] = _mails_to(smtp, ana.email)
    assert message["List-Unsubscribe"].startswith("<https://govwiki.example.org/mail/unsubscribe/")
    assert "https://govwiki.example.org/comments/" in message.get_content()


def test_a_reply_through_the_api_queues_its_mail_with_it(client, bearer, session, person, asked):
    ana, comment = asked
    response = client.post(
        f"/api/v1/pages/{comment.page.slug}/comments",
        json={"body": "An answer.", "parent_id": comment.id},
        headers=bearer(person("ben")),
    )
    assert response.status_code == 201
    session.expire_all()
    [mail] = session.scalars(select(OutgoingMail)).all()
    assert (mail.kind, mail.user_id, mail.to_address) == ("notification", ana.id, "ana@example.org")
    assert mail.group_key.startswith(f"comment_replied:{comment.id}:") and mail.send_after <= clock.now()

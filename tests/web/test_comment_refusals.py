"""A refused comment never costs its writer the text: every refusal shows the form again with
the typed text in the box and says why; after closing, the forms give way to a sentence."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from govwiki.core.messages import Message
from govwiki.models import Comment
from govwiki.services import comments, consultations
from govwiki.services.errors import RateLimited
from govwiki.web import comments as web_comments

from tests.web.conftest import escaped

TEXT = "Please keep the market open on Sundays & holidays <3"


@pytest.fixture
def page(make_page):
    return make_page(body="Markets open at eight.\n")


def _close(session, page) -> None:
    consultation = page.consultation
    consultations.update_consultation(session, consultation.created_by, consultation, {"status": "closed"})


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(Comment))


def _kept(response, text: str = TEXT) -> bool:
    """The text is back in the comment box (a textarea writes a line break before its value)."""
    return f">\r\n{escaped(text)}</textarea>" in response.get_data(as_text=True)


def test_a_comment_posted_after_closing_is_refused_with_its_text(client, session, page, resident, login):
    login(resident)
    form = client.get(f"/pages/{page.slug}/comments/new")
    assert form.status_code == 200
    _close(session, page)  # the form above is now stale
    response = client.post(f"/pages/{page.slug}/comments", data={"body": TEXT})
    assert response.status_code == 403 and _kept(response)
    assert "not accepting comments now" in response.get_data(as_text=True)
    assert _count(session) == 0


def test_a_reply_posted_after_closing_keeps_the_comment_it_answers(
    client, session, page, resident, make_user, login
):
    parent = comments.post_comment(session, make_user(display_name="Wen Li"), page, body="Too early.")
    login(resident)
    _close(session, page)
    response = client.post(f"/pages/{page.slug}/comments", data={"body": TEXT, "parent_id": str(parent.id)})
    html = response.get_data(as_text=True)
    assert response.status_code == 403 and _kept(response)
    assert "Reply to Wen Li" in html and f'name="parent_id" type="hidden" value="{parent.id}"' in html


def test_an_empty_comment_is_refused_with_a_message(client, session, page, resident, login):
    login(resident)
    response = client.post(f"/pages/{page.slug}/comments", data={"body": "  \n  "})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Your comment was not posted" in html and 'aria-invalid="true"' in html
    assert _count(session) == 0


def test_a_comment_over_the_limit_is_refused_with_its_text(client, session, page, resident, login):
    login(resident)
    text = "Sundays. " * 2400  # 21,600 bytes
    response = client.post(f"/pages/{page.slug}/comments", data={"body": text})
    assert response.status_code == 413 and _kept(response, text)
    assert "The limit is 20 KB" in response.get_data(as_text=True)


def test_a_signed_out_post_is_refused_with_its_text_and_a_sign_in_link(client, session, page):
    response = client.post(f"/pages/{page.slug}/comments", data={"body": TEXT})
    assert response.status_code == 401 and _kept(response)
    assert "/login?next=" in response.get_data(as_text=True)


def test_too_many_comments_are_refused_with_the_text(client, session, page, resident, login, monkeypatch):
    def refuse(*args, **kwargs):
        raise RateLimited(Message("Too many in a short time: wait %(seconds)d seconds.", seconds=30))

    monkeypatch.setattr(web_comments.service, "post_comment", refuse)
    login(resident)
    response = client.post(f"/pages/{page.slug}/comments", data={"body": TEXT})
    assert response.status_code == 429 and _kept(response)
    assert "wait 30 seconds" in response.get_data(as_text=True)


@pytest.fixture
def limits_as_in_production(app_config):
    """The limiter on, as a deployment has it (the suite turns it off)."""
    del app_config["RATELIMIT_ENABLED"]


@pytest.mark.config(RATELIMIT_COMMENTS="2/minute")
def test_a_burst_of_comments_over_the_limit_gets_the_form_back(
    limits_as_in_production, client, session, page, resident, login
):
    login(resident)
    statuses = [client.post(f"/pages/{page.slug}/comments", data={"body": f"{TEXT} {n}"}) for n in range(3)]
    assert [r.status_code for r in statuses] == [302, 302, 429]
    refused = statuses[-1]
    assert _kept(refused, f"{TEXT} 2") and int(refused.headers["Retry-After"]) >= 1
    assert "many comments in a short time" in refused.get_data(as_text=True)
    assert _count(session) == 2


@pytest.mark.config(RATELIMIT_COMMENTS="1/minute")
def test_an_edit_over_the_limit_gets_its_form_back(
    limits_as_in_production, client, session, page, resident, login
):
    comment = comments.post_comment(session, resident, page, body="Old words.")
    login(resident)
    assert client.post(f"/comments/{comment.id}/edit", data={"body": "New words."}).status_code == 302
    refused = client.post(f"/comments/{comment.id}/edit", data={"body": TEXT})
    assert refused.status_code == 429 and _kept(refused)


@pytest.mark.config(RATELIMIT_SUPPORTS="1/minute")
def test_supports_have_their_own_limit(
    limits_as_in_production, client, session, page, resident, make_user, login
):
    comment = comments.post_comment(session, make_user(), page, body="Worth it.")
    login(resident)
    answers = [client.post(f"/comments/{comment.id}/support", data={"supported": v}) for v in "10"]
    assert [a.status_code for a in answers] == [302, 429]


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_an_expired_form_shows_the_text_again(client, session, page, resident, login):
    login(resident)
    response = client.post(f"/pages/{page.slug}/comments", data={"body": TEXT, "csrf_token": "stale"})
    assert response.status_code == 400 and _kept(response)
    assert "Your session expired" in response.get_data(as_text=True)


def test_an_edit_refused_after_closing_keeps_the_new_text(client, session, page, resident, login):
    comment = comments.post_comment(session, resident, page, body="Old words.")
    login(resident)
    _close(session, page)
    response = client.post(f"/comments/{comment.id}/edit", data={"body": TEXT})
    assert response.status_code == 403 and _kept(response)
    session.refresh(comment)
    assert comment.body == "Old words."


def test_an_edit_emptying_the_comment_is_refused(client, session, page, resident, login):
    comment = comments.post_comment(session, resident, page, body="Old words.")
    login(resident)
    response = client.post(f"/comments/{comment.id}/edit", data={"body": ""})
    assert response.status_code == 422
    session.refresh(comment)
    assert comment.body == "Old words."


def test_a_reply_to_a_deleted_comment_is_refused_with_its_text(client, session, page, resident, login):
    parent = comments.post_comment(session, resident, page, body="Gone soon.")
    comments.delete_comment(session, resident, parent)
    login(resident)
    response = client.post(f"/pages/{page.slug}/comments", data={"body": TEXT, "parent_id": str(parent.id)})
    assert response.status_code == 422 and _kept(response)
    assert "that comment was deleted" in response.get_data(as_text=True)


@pytest.mark.parametrize("parent", ["abc", "2147480000", "-1"])
def test_a_reply_to_no_comment_is_refused_with_its_text(client, session, page, resident, login, parent):
    login(resident)
    response = client.post(f"/pages/{page.slug}/comments", data={"body": TEXT, "parent_id": parent})
    assert response.status_code == 422 and _kept(response)


def test_after_closing_the_forms_give_way_to_a_sentence(client, session, page, resident, make_user, login):
    comment = comments.post_comment(session, make_user(), page, body="Said while open.")
    _close(session, page)
    login(resident)
    html = client.get(f"/pages/{page.slug}").get_data(as_text=True)
    assert "Comments are closed" in html and "Said while open." in html
    assert 'class="comment-form"' not in html and "comment-form-template" not in html
    assert f"/comments/{comment.id}/reply" not in html and "/comments/new" not in html
    assert f"/comments/{comment.id}/support" not in html
    assert client.get(f"/comments/{comment.id}/reply").status_code == 403


def test_after_closing_signed_out_readers_are_told_too(client, session, page):
    _close(session, page)
    html = client.get(f"/pages/{page.slug}").get_data(as_text=True)
    assert "Comments are closed" in html and "to comment, reply or support" not in html

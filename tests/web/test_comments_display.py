"""What the discussion shows of hidden and deleted comments, and that nothing anyone typed —
a comment, a quote, a moderator's reason, a display name — reaches a page as markup."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from govwiki.models import Comment, Page
from govwiki.services import clock, comments

from tests.web.conftest import XSS, escaped

PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', XSS)


@pytest.fixture
def page(make_page):
    return make_page(body="Markets open at eight.\n")


def hide(session, comment: Comment, reason: str) -> None:
    """Hide a comment as a moderator would (the moderation service bumps the discussion too)."""
    session.execute(
        update(Comment).where(Comment.id == comment.id).values(status="hidden", hidden_reason=reason)
    )
    session.execute(
        update(Page).where(Page.id == comment.page_id).values(discussion_version=Page.discussion_version + 1)
    )
    session.commit()


def _read(client, page) -> str:
    html = client.get(f"/pages/{page.slug}").get_data(as_text=True)
    return html[html.index('id="discussion"') :]


def test_a_hidden_comment_shows_the_reason_instead_of_its_text(client, session, page, make_user, login):
    comment = comments.post_comment(session, make_user(), page, body="Insulting words.")
    hide(session, comment, "Personal attack")
    for viewer in (None, make_user()):
        if viewer:
            login(viewer)
        html = _read(client, page)
        assert "Hidden by a moderator: Personal attack" in html and "Insulting words." not in html


def test_officials_see_a_hidden_comment_marked_as_hidden(client, session, page, make_user, login):
    comment = comments.post_comment(session, make_user(), page, body="Insulting words.")
    hide(session, comment, "Personal attack")
    login(page.consultation.created_by)
    html = _read(client, page)
    assert "Hidden by a moderator: Personal attack" in html
    assert "Hidden from the public" in html and "Insulting words." in html


def test_replies_to_a_hidden_comment_stay(client, session, page, make_user):
    comment = comments.post_comment(session, make_user(), page, body="Insulting words.")
    comments.post_comment(session, make_user(), page, body="Calm reply.", parent_id=comment.id)
    hide(session, comment, "Personal attack")
    assert "Calm reply." in _read(client, page)


def test_a_hidden_comment_has_no_support_or_edit_buttons(client, session, page, resident, login):
    comment = comments.post_comment(session, resident, page, body="Insulting words.")
    hide(session, comment, "Personal attack")
    login(resident)
    html = _read(client, page)
    assert f"/comments/{comment.id}/support" not in html and f"/comments/{comment.id}/edit" not in html
    assert f"/comments/{comment.id}/delete" in html  # its author may still take it down


def test_a_deleted_comment_shows_no_author(client, session, page, make_user):
    author = make_user(display_name="Deleted Dora")
    comment = comments.post_comment(session, author, page, body="Gone.")
    comments.delete_comment(session, author, comment)
    html = _read(client, page)
    assert "comment deleted" in html and "Deleted Dora" not in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_comment_body_is_never_markup(client, session, page, make_user, payload):
    comment = comments.post_comment(
        session, make_user(), page, body=f"{payload} and [link](javascript:alert(1))"
    )
    html = _read(client, page)
    assert payload not in html and "javascript:" not in html
    assert f'id="comment-{comment.id}"' in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_display_name_is_escaped_everywhere_comments_show(client, session, page, make_user, login, payload):
    author = make_user(display_name=payload[:80])
    comment = comments.post_comment(session, author, page, body="Hello.")
    comments.post_comment(session, make_user(), page, body="Hi.", parent_id=comment.id)
    login(make_user())
    for path in (f"/pages/{page.slug}", f"/comments/{comment.id}/reply"):
        html = client.get(path).get_data(as_text=True)
        assert payload not in html, path
        assert escaped(payload[:80]) in html, path


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hidden_reason_is_escaped(client, session, page, make_user, login, payload):
    comment = comments.post_comment(session, make_user(), page, body="Words.")
    hide(session, comment, payload)
    for viewer in (None, page.consultation.created_by):
        if viewer:
            login(viewer)
        html = _read(client, page)
        assert payload not in html and escaped(payload) in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_reply_form_page_escapes_the_comment_answered(client, session, page, make_user, login, payload):
    comment = comments.post_comment(session, make_user(), page, body=payload)
    login(make_user())
    html = client.get(f"/comments/{comment.id}/reply").get_data(as_text=True)
    assert payload not in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_refused_text_is_escaped_in_the_form(client, session, page, resident, login, payload):
    login(resident)
    response = client.post(f"/pages/{page.slug}/comments", data={"body": payload, "parent_id": "junk"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert payload not in html and escaped(payload) in html


def test_a_suspended_author_is_shown_as_suspended(client, session, page, make_user):
    author = make_user(display_name="Sam")
    comments.post_comment(session, author, page, body="Said before.")
    author.suspended_at, author.suspended_reason = clock.now(), "spam"
    session.commit()
    assert '<span class="badge badge-suspended">suspended</span>' in _read(client, page)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_edit_form_escapes_the_text_it_holds(client, session, page, resident, login, payload):
    comment = comments.post_comment(session, resident, page, body=payload)
    login(resident)
    html = client.get(f"/comments/{comment.id}/edit").get_data(as_text=True)
    assert payload not in html and escaped(payload) in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_reply_form_page_escapes_the_reason_a_comment_was_hidden(
    client, session, page, make_user, login, payload
):
    comment = comments.post_comment(session, make_user(), page, body="Words.")
    hide(session, comment, payload)
    login(make_user())
    html = client.get(f"/comments/{comment.id}/reply").get_data(as_text=True)
    assert payload not in html and escaped(payload) in html and "Words." not in html

"""The discussion on the web: posting, replying, editing, deleting and supporting comments
through the HTML forms, and how threads show on the page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from govwiki.core.threads import MAX_DEPTH
from govwiki.models import Comment
from govwiki.services import answers, comments, moderation
from govwiki.web.discussion import COMMENTS_PER_SCREEN, PER_SCREEN


@pytest.fixture
def page(make_page):
    return make_page(body="Markets open at eight.\n\nVendors need a permit.\n")


def _read(client, page, **query) -> str:
    return client.get(f"/pages/{page.slug}", query_string=query).get_data(as_text=True)


def _discussion(html: str) -> str:
    return html[html.index('id="discussion"') :]


def _comment(html: str, comment_id: int) -> str:
    """The markup of one comment (up to its replies or the next comment)."""
    start = html.index(f'id="comment-{comment_id}"')
    end = html.find("<article", start + 1)
    return html[start : end if end != -1 else len(html)]


def _post(client, page, **fields):
    return client.post(f"/pages/{page.slug}/comments", data=fields)


def test_a_posted_comment_shows_in_the_discussion(client, session, page, resident, login):
    login(resident)
    response = _post(client, page, body="Eight is **too early** for us.")
    comment = session.scalar(select(Comment))
    assert response.status_code == 302 and response.location.endswith(f"/comments/{comment.id}")
    shown = client.get(response.location)
    assert shown.status_code == 302 and shown.location.endswith(f"/pages/{page.slug}#comment-{comment.id}")
    html = _read(client, page)
    assert "<strong>too early</strong>" in _comment(html, comment.id)
    assert "Rosa Resident" in _comment(html, comment.id)
    assert "rosa-resident@example.org" not in html


def test_a_reply_is_nested_under_its_comment(client, session, page, resident, make_user, login):
    first = comments.post_comment(session, make_user(), page, body="First.")
    login(resident)
    _post(client, page, body="I agree with you.", parent_id=str(first.id))
    reply = session.scalar(select(Comment).where(Comment.parent_id == first.id))
    html = _discussion(_read(client, page))
    replies = html[html.index(f'id="comment-{first.id}"') :]
    assert '<div class="replies">' in replies[: replies.index(f'id="comment-{reply.id}"')]


def test_the_reply_form_page_shows_the_comment_answered(client, session, page, resident, make_user, login):
    first = comments.post_comment(session, make_user(display_name="Wen Li"), page, body="Too early.")
    login(resident)
    html = client.get(f"/comments/{first.id}/reply").get_data(as_text=True)
    assert "Reply to Wen Li" in html and "Too early." in html
    assert f'name="parent_id" type="hidden" value="{first.id}"' in html


def test_a_reply_below_the_deepest_level_says_whom_it_answers(client, session, page, make_user, login):
    people = [make_user(display_name=f"Person {n}") for n in range(MAX_DEPTH + 1)]
    parent = comments.post_comment(session, people[0], page, body="Level 0")
    for level in range(1, MAX_DEPTH):
        parent = comments.post_comment(
            session, people[level], page, body=f"Level {level}", parent_id=parent.id
        )
    login(people[MAX_DEPTH])
    _post(client, page, body="Deeper still", parent_id=str(parent.id))
    deepest = session.scalar(select(Comment).where(Comment.body == "Deeper still"))
    assert deepest.depth == MAX_DEPTH - 1 and deepest.in_reply_to_id == parent.id
    html = _comment(_read(client, page), deepest.id)
    answered = re.search(
        r'<span class="in-reply-to">in reply to\s*<a href="#comment-(\d+)">([^<]*)</a>', html
    )
    assert answered and answered.groups() == (str(parent.id), f"Person {MAX_DEPTH - 1}")


def test_the_author_edits_a_comment_and_it_shows_as_edited(client, session, page, resident, login):
    comment = comments.post_comment(session, resident, page, body="Frist version.")
    login(resident)
    form = client.get(f"/comments/{comment.id}/edit").get_data(as_text=True)
    assert "Frist version." in form
    response = client.post(f"/comments/{comment.id}/edit", data={"body": "First version, corrected."})
    assert response.status_code == 302
    html = _comment(_read(client, page), comment.id)
    assert "First version, corrected." in html and "edited" in html


def test_someone_else_cannot_open_the_edit_form(client, session, page, resident, make_user, login):
    comment = comments.post_comment(session, resident, page, body="Mine.")
    login(make_user())
    assert client.get(f"/comments/{comment.id}/edit").status_code == 403
    assert client.post(f"/comments/{comment.id}/edit", data={"body": "Theirs."}).status_code == 403
    session.refresh(comment)
    assert comment.body == "Mine."


def test_only_the_author_gets_edit_and_delete_buttons(client, session, page, resident, make_user, login):
    comment = comments.post_comment(session, resident, page, body="Mine.")
    login(make_user())
    html = _comment(_read(client, page), comment.id)
    assert f"/comments/{comment.id}/edit" not in html and f"/comments/{comment.id}/delete" not in html
    login(resident)
    html = _comment(_read(client, page), comment.id)
    assert f"/comments/{comment.id}/edit" in html and f"/comments/{comment.id}/delete" in html


def test_deleting_asks_first_then_leaves_a_tombstone_and_the_replies(
    client, session, page, resident, make_user, login
):
    comment = comments.post_comment(session, resident, page, body="Regrettable words.")
    reply = comments.post_comment(
        session, make_user(), page, body="A reply that stays.", parent_id=comment.id
    )
    login(resident)
    asked = client.post(f"/comments/{comment.id}/delete", data={})
    assert asked.status_code == 200 and 'name="confirm" value="yes"' in asked.get_data(as_text=True)
    session.refresh(comment)
    assert comment.status == "visible"
    assert client.post(f"/comments/{comment.id}/delete", data={"confirm": "yes"}).status_code == 302
    html = _read(client, page)
    assert "Regrettable words." not in html and "comment deleted" in _comment(html, comment.id)
    assert "A reply that stays." in _comment(html, reply.id)


def test_supporting_counts_once_and_can_be_taken_back(client, session, page, resident, make_user, login):
    comment = comments.post_comment(session, make_user(), page, body="Open at nine.")
    login(resident)
    for _ in range(2):
        client.post(f"/comments/{comment.id}/support", data={"supported": "1"})
    html = _comment(_read(client, page), comment.id)
    assert 'aria-pressed="true"' in html and "+1" in html
    session.refresh(comment)
    assert comment.supports == 1
    client.post(f"/comments/{comment.id}/support", data={"supported": "0"})
    session.refresh(comment)
    assert comment.supports == 0
    assert 'aria-pressed="false"' in _comment(_read(client, page), comment.id)


def test_signed_out_readers_see_the_discussion_and_a_sign_in_link(client, session, page, make_user):
    comment = comments.post_comment(session, make_user(), page, body="Visible to all.")
    html = _discussion(_read(client, page))
    assert "Visible to all." in html and "/login?next=" in html
    assert 'action="/comments/' not in html  # no support or delete forms
    assert 'id="comment-form-template"' not in html
    reply = client.get(f"/comments/{comment.id}/reply")
    assert reply.status_code == 302 and "/login" in reply.location


def test_threads_are_shown_oldest_first_a_screen_at_a_time(client, session, page, make_user):
    author = make_user()
    for n in range(PER_SCREEN + 3):
        comments.post_comment(session, author, page, body=f"Thread number {n:02d}.")
    first = _discussion(_read(client, page))
    assert "Thread number 00." in first and f"Thread number {PER_SCREEN - 1:02d}." in first
    assert f"Thread number {PER_SCREEN:02d}." not in first
    assert first.index("Thread number 00.") < first.index("Thread number 01.")
    assert f"/pages/{page.slug}?comments=2#discussion" in first
    second = _discussion(_read(client, page, comments=2))
    assert f"Thread number {PER_SCREEN:02d}." in second and "Thread number 00." not in second
    assert "Page 2 of 2" in second


@pytest.mark.parametrize("screen", ["0", "-3", "abc", "99999999999999"])
def test_odd_screen_numbers_show_a_bounded_page(client, page, screen):
    response = client.get(f"/pages/{page.slug}", query_string={"comments": screen})
    assert response.status_code == 200


def test_the_permalink_opens_the_screen_that_holds_the_comment(client, session, page, make_user):
    author = make_user()
    posted = [comments.post_comment(session, author, page, body=f"T{n}") for n in range(PER_SCREEN + 1)]
    last = posted[-1]
    response = client.get(f"/comments/{last.id}")
    assert response.location.endswith(f"/pages/{page.slug}?comments=2#comment-{last.id}")


def test_the_form_address_reloaded_goes_to_the_discussion(client, page):
    response = client.get(f"/pages/{page.slug}/comments")
    assert response.status_code == 302 and response.location.endswith(f"/pages/{page.slug}#discussion")


def test_a_comment_by_an_official_of_the_consultation_has_a_badge(client, session, page):
    comment = comments.post_comment(session, page.consultation.created_by, page, body="We hear you.")
    session.execute(Comment.__table__.update().values(official=True))
    session.commit()
    assert "badge-official" in _comment(_read(client, page), comment.id)


def test_the_form_template_for_inline_replies_is_there_for_commenters(client, page, resident, login):
    login(resident)
    html = _read(client, page)
    template = html[html.index('<template id="comment-form-template">') :]
    assert "{kind}" in template and "{id}" in template and "data-autosave-key" in template


def test_a_posted_comment_makes_the_page_forget_its_draft(client, session, page, resident, login):
    login(resident)
    response = _post(client, page, body="Drafted, then sent.")
    html = client.get(f"/pages/{page.slug}").get_data(as_text=True)
    assert f'data-drafts-saved="comment-{page.slug}-new"' in html
    assert response.status_code == 302
    assert "data-drafts-saved" not in _read(client, page)  # once only


def test_every_comment_form_keeps_a_copy_in_the_browser(client, session, page, resident, login):
    comment = comments.post_comment(session, resident, page, body="Mine.")
    login(resident)
    for path in (
        f"/pages/{page.slug}/comments/new",
        f"/comments/{comment.id}/reply",
        f"/comments/{comment.id}/edit",
    ):
        html = client.get(path).get_data(as_text=True)
        assert re.search(r'data-autosave-key="govwiki:draft:comment-[^"]+:"', html), path
        assert 'data-max-bytes="20480"' in html and 'enctype="multipart/form-data"' in html


def test_a_long_thread_makes_a_short_screen(client, session, page, make_user):
    author = make_user()
    long = comments.post_comment(session, author, page, body="A busy thread.")
    for n in range(COMMENTS_PER_SCREEN):
        comments.post_comment(session, author, page, body=f"Reply {n}.", parent_id=long.id)
    later = comments.post_comment(session, author, page, body="A later thread.")
    first = _discussion(_read(client, page))
    assert "A busy thread." in first and "A later thread." not in first
    assert "A later thread." in _discussion(_read(client, page, comments=2))
    assert client.get(f"/comments/{later.id}").location.endswith(f"?comments=2#comment-{later.id}")


def test_officials_get_the_answer_form_on_each_comment(client, session, page, resident, login):
    comment = comments.post_comment(session, resident, page, body="When do stalls open?")
    login(resident)
    assert f"/comments/{comment.id}/answer" not in _read(client, page)
    login(page.consultation.created_by)
    assert f'action="/comments/{comment.id}/answer"' in _comment(_read(client, page), comment.id)


def test_an_answered_comment_is_marked_answered(client, session, page, resident):
    comment = comments.post_comment(session, resident, page, body="When do stalls open?")
    answers.answer_comment(session, page.consultation.created_by, comment, body="At eight.")
    html = _read(client, page)
    assert "badge-answered" in _comment(html, comment.id) and "At eight." in html


def test_each_comment_has_its_moderation_controls(client, session, page, resident, make_user, login):
    comment = comments.post_comment(session, make_user(), page, body="Questionable.")
    login(resident)
    assert f"/comments/{comment.id}/flag" in _comment(_read(client, page), comment.id)
    moderation.flag_comment(session, resident, comment, reason="Off topic")
    assert "You reported this comment." in _comment(_read(client, page), comment.id)
    login(page.consultation.created_by)
    html = _comment(_read(client, page), comment.id)
    assert "1 open report" in html and f"/comments/{comment.id}/hide" in html


def test_a_comment_hidden_by_the_moderation_service_shows_its_reason(client, session, page, make_user):
    comment = comments.post_comment(session, make_user(), page, body="Rude words.")
    moderation.hide_comment(session, page.consultation.created_by, comment, reason="Personal attack")
    html = _read(client, page)
    assert "Hidden by a moderator: Personal attack" in html and "Rude words." not in html

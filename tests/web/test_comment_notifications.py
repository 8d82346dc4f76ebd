"""Notifications about comments on the web: one sentence per entry in English and Chinese, each
leading to the comment on its page, escaped, and never quoting a comment."""

from __future__ import annotations

from datetime import timedelta

import pytest

from govwiki.models import Comment
from govwiki.services import comments, notifications
from tests.web.conftest import XSS, escaped


@pytest.fixture
def page(make_page, make_consultation):
    return make_page(make_consultation(edit_policy="comment"), title="Market rules", body="Stalls.\n")


def _post(session, user, page, body="Thirty days is too short.", parent=None) -> Comment:
    return comments.post_comment(
        session, user, page, body=body, parent_id=parent.id if parent is not None else None
    )


def _official_reply(session, official, page, parent: Comment) -> Comment:
    reply = Comment(
        page_id=page.id,
        author_id=official.id,
        parent_id=parent.id,
        depth=1,
        revision_number=1,
        body="We will extend it.",
        official=True,
    )
    session.add(reply)
    notifications.comment_posted(session, reply, official)
    session.commit()
    return reply


def _only_entry(session, user):
    [entry] = notifications.list_notifications(session, user)[0]
    return entry


def test_new_comments_on_a_watched_page_are_one_sentence_leading_to_the_first(
    client, session, page, official, resident, make_user, login, text_of
):
    first = _post(session, resident, page)
    _post(session, make_user(display_name="Omar"), page, "And stalls?")
    login(official)
    html = text_of(client.get("/notifications"))
    assert "2 new comments on “Market rules” today by Rosa Resident, Omar" in html
    response = client.post(f"/notifications/{_only_entry(session, official).id}")
    assert response.headers["Location"].endswith(f"/comments/{first.id}")


def test_a_reply_to_my_comment_says_who_replied_and_leads_to_the_reply(
    client, session, page, official, resident, login, text_of
):
    mine = _post(session, resident, page)
    reply = _post(session, official, page, "Which stalls?", parent=mine)
    login(resident)
    html = text_of(client.get("/notifications"))
    assert f"1 reply to your comment on “Market rules” today by {official.display_name}" in html
    entry = _only_entry(session, resident)
    response = client.get(f"/notifications/{entry.id}")
    assert response.headers["Location"].endswith(f"/comments/{reply.id}")


def test_entries_of_an_earlier_day_name_the_day(
    client, session, page, official, resident, login, text_of, move_clock
):
    _post(session, resident, page)
    day = notifications.list_notifications(session, official)[0][0].details["day"]
    move_clock(timedelta(days=1))
    login(official)
    assert f"1 new comment on “Market rules” on {day} by Rosa Resident" in text_of(
        client.get("/notifications")
    )


@pytest.mark.parametrize(
    "steps, sentence",
    [
        (("reply",), "replied officially to your comment on “Market rules”."),
        (("answer",), "marked your comment on “Market rules” as answered."),
        (("reply", "answer"), "replied officially to your comment on “Market rules” and marked it answered."),
    ],
)
def test_an_official_response_says_what_the_official_did(
    steps, sentence, client, session, page, official, resident, login, text_of
):
    mine = _post(session, resident, page)
    target = mine
    for step in steps:
        if step == "reply":
            target = _official_reply(session, official, page, mine)
        else:
            notifications.comment_answered(session, mine, official)
            session.commit()
    login(resident)
    assert f"{official.display_name} {sentence}" in text_of(client.get("/notifications"))
    response = client.post(f"/notifications/{_only_entry(session, resident).id}")
    assert response.headers["Location"].endswith(f"/comments/{target.id}")


@pytest.mark.parametrize(
    "kind, chinese",
    [
        ("commented", "Rosa Resident 今天在“Market rules”发表了 1 条新评论"),
        ("replied", "今天对您在“Market rules”上的评论做了 1 条回复"),
        ("answered", "已将您在“Market rules”上的评论标记为已答复。"),
    ],
)
def test_comment_notifications_read_in_chinese(
    kind, chinese, client, session, page, official, resident, login, text_of
):
    mine = _post(session, resident, page)
    reader = official
    if kind == "replied":
        _post(session, official, page, "Which stalls?", parent=mine)
        reader = resident
    elif kind == "answered":
        notifications.comment_answered(session, mine, official)
        session.commit()
        reader = resident
    login(reader)
    assert chinese in text_of(client.get("/notifications?lang=zh"))


def test_names_and_titles_in_comment_notifications_are_escaped(
    client, session, make_consultation, make_page, official, make_user, login, text_of
):
    page = make_page(make_consultation(edit_policy="comment"), title=f"Fees {XSS}")
    writer = make_user(display_name=f"Eve {XSS}")
    mine = _post(session, official, page)
    _post(session, writer, page, "Hello.", parent=mine)
    login(official)
    html = text_of(client.get("/notifications"))
    assert XSS not in html and escaped(XSS) in html


def test_a_hidden_comments_text_never_shows_in_notifications(
    client, session, page, official, resident, login, text_of
):
    mine = _post(session, official, page)
    reply = _post(session, resident, page, "A rude remark nobody should read.", parent=mine)
    reply.status, reply.hidden_reason = "hidden", "Insults"
    session.commit()
    login(official)  # an official of the consultation, who may read hidden comments elsewhere
    html = text_of(client.get("/notifications"))
    assert "1 reply to your comment on “Market rules”" in html and "rude remark" not in html

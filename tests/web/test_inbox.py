"""Official responses and the feedback inbox on the web: the answer form page (also without
JavaScript), the partial with its badge, the inbox with filters and read marks, the link from
the consultation page; and comments on the timeline and in the report, escaped everywhere."""

from __future__ import annotations

import pytest
from flask import render_template_string

from govwiki.models import Comment
from govwiki.services import comments, consultations
from govwiki.services.answers import answer_comment
from tests.services.record_helpers import add_proposal, tick_clock
from tests.web.conftest import XSS, escaped


@pytest.fixture(autouse=True)
def ticking(monkeypatch):
    return tick_clock(monkeypatch)


@pytest.fixture
def consultation(make_consultation):
    return make_consultation(slug="market", edit_policy="suggest", title="Market")


@pytest.fixture
def page(make_page, consultation):
    return make_page(consultation, title="Market rules", body="Stalls close at 23:00.\n")


@pytest.fixture
def question(session, page, resident):
    return comments.post_comment(session, resident, page, body="Why so late?")


def test_officials_get_the_answer_form_page(client, login, question, official, text_of):
    login(official)
    html = text_of(client.get(f"/comments/{question.id}/answer"))
    assert "Why so late?" in html and 'name="body"' in html
    assert f'action="/comments/{question.id}/answer"' in html


def test_posting_the_form_publishes_an_official_reply(client, login, session, question, official):
    login(official)
    response = client.post(f"/comments/{question.id}/answer", data={"body": "Because of the night market."})
    reply = session.query(Comment).filter_by(parent_id=question.id).one()
    assert response.status_code == 302 and response.location.endswith(f"/comments/{reply.id}")
    session.refresh(question)
    assert reply.official and question.answered_by_id == official.id


def test_an_empty_form_only_marks_the_comment_answered(client, login, session, question, official):
    login(official)
    response = client.post(f"/comments/{question.id}/answer", data={"body": "  "})
    assert response.location.endswith(f"/comments/{question.id}")
    session.refresh(question)
    assert question.answered_at is not None and session.query(Comment).count() == 1


def test_a_refused_answer_shows_the_form_again_with_the_text(client, login, app, question, official, text_of):
    app.config["MAX_COMMENT_BYTES"] = 50
    login(official)
    response = client.post(f"/comments/{question.id}/answer", data={"body": "A long answer " * 10})
    assert response.status_code == 413 and "A long answer A long answer" in text_of(response)


def test_residents_may_not_answer(client, login, question, resident):
    login(resident)
    assert client.get(f"/comments/{question.id}/answer").status_code == 403
    assert client.post(f"/comments/{question.id}/answer", data={"body": "I answer"}).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, question):
    response = client.get(f"/comments/{question.id}/answer")
    assert response.status_code == 302 and "/login" in response.location


def test_the_partial_shows_the_badge_and_the_form(app, session, question, official):
    reply = answer_comment(session, official, question, body="Our answer.")
    template = '{% import "comments/_answer.html" as answer %}{{ answer.badge(c) }}|{{ answer.form(c) }}'
    with app.test_request_context():
        on_reply = render_template_string(template, c=reply)
        on_question = render_template_string(template, c=question)
    assert "Official response" in on_reply and "<form" not in on_reply
    assert "Answered" in on_question and f'action="/comments/{question.id}/answer"' in on_question


@pytest.fixture
def received(session, page, resident, question):
    proposal = add_proposal(session, page, resident, summary="Close at 22:00")
    later = comments.post_comment(session, resident, page, body="And Sundays?")
    return question, proposal, later


def test_the_inbox_lists_comments_and_proposals_with_links(client, login, received, official, text_of):
    question, proposal, later = received
    login(official)
    html = text_of(client.get("/consultations/market/inbox"))
    assert html.index("And Sundays?") < html.index("Close at 22:00") < html.index("Why so late?")
    assert f'href="/comments/{question.id}"' in html
    assert f'href="/proposals/{proposal.id}"' in html and f'href="/comments/{later.id}/answer"' in html
    assert html.count("badge-unread") == 3 and "3 unread" in html


def test_the_inbox_filters_by_status_kind_and_page(client, login, session, received, official, text_of):
    question, *_ = received
    answer_comment(session, official, question)
    login(official)
    unanswered = text_of(client.get("/consultations/market/inbox?status=unanswered&kind=comment"))
    assert (
        "And Sundays?" in unanswered
        and "Why so late?" not in unanswered
        and "Close at 22:00" not in unanswered
    )
    assert 'href="/consultations/market/inbox?status=unanswered&amp;kind=proposal"' in unanswered
    on_page = text_of(client.get("/consultations/market/inbox?page_slug=market-rules&kind=proposal"))
    assert "Close at 22:00" in on_page and "And Sundays?" not in on_page
    assert '<option value="market-rules" selected>' in on_page
    junk = client.get("/consultations/market/inbox?status=late&page_slug=nowhere")
    assert junk.status_code == 200 and "Why so late?" in text_of(junk)


def test_the_inbox_is_paginated_with_its_filters(client, login, received, official, text_of):
    login(official)
    html = text_of(client.get("/consultations/market/inbox?per_page=1&kind=comment"))
    assert 'href="/consultations/market/inbox?page=2&amp;kind=comment' in html


def test_mark_read_is_for_the_official_who_pressed_it(
    client, login, session, consultation, received, official, make_user, text_of
):
    question, proposal, _ = received
    colleague = make_user("official")
    consultations.add_member(session, official, consultation, colleague, "official")
    login(official)
    back = "/consultations/market/inbox?kind=comment"
    response = client.post(
        "/consultations/market/inbox/read", data={"item": [f"comment:{question.id}", "junk"], "back": back}
    )
    assert response.status_code == 302 and response.location.endswith(back)
    assert text_of(client.get("/consultations/market/inbox")).count("badge-unread") == 2
    login(colleague)
    assert text_of(client.get("/consultations/market/inbox")).count("badge-unread") == 3


def test_mark_read_goes_back_only_to_this_site(client, login, received, official):
    login(official)
    response = client.post(
        "/consultations/market/inbox/read",
        data={"item": f"proposal:{received[1].id}", "back": "//evil.example"},
    )
    assert response.location.endswith("/consultations/market/inbox")


def test_unread_items_can_be_marked_unread_again(client, login, received, official, text_of):
    login(official)
    item = f"comment:{received[0].id}"
    client.post("/consultations/market/inbox/read", data={"item": item})
    client.post("/consultations/market/inbox/read", data={"item": item, "read": "0"})
    assert text_of(client.get("/consultations/market/inbox")).count("badge-unread") == 3


def test_the_inbox_is_for_officials_only(client, login, received, resident):
    assert client.get("/consultations/market/inbox").status_code == 302
    login(resident)
    assert client.get("/consultations/market/inbox").status_code == 403
    assert client.post("/consultations/market/inbox/read", data={"item": "comment:1"}).status_code == 403


def test_the_consultation_page_links_officials_to_the_inbox_with_the_unread_count(
    client, login, received, official, resident, text_of
):
    login(official)
    html = text_of(client.get("/consultations/market"))
    assert 'href="/consultations/market/inbox"' in html and "3 unread" in html
    login(resident)
    assert "/inbox" not in text_of(client.get("/consultations/market"))


def test_comments_on_the_timeline_and_in_the_report(client, session, received, official, text_of):
    question, *_ = received
    reply = answer_comment(session, official, question, body="Because of the **night market**.")
    timeline = text_of(client.get("/consultations/market/history"))
    assert "answered a comment on" in timeline and "<strong>night market</strong>" in timeline
    assert f'href="/comments/{reply.id}"' in timeline
    report = text_of(client.get("/consultations/market/report"))
    assert "Official responses to comments" in report and "<strong>night market</strong>" in report
    assert "Why so late?" in report and f'href="/comments/{question.id}"' in report
    markdown = text_of(client.get("/consultations/market/report.md"))
    assert f"(<http://localhost/comments/{question.id}>)" in markdown


def test_hidden_comments_are_not_quoted_on_the_timeline_or_the_report(
    client, session, received, official, text_of
):
    question, *_ = received
    answer_comment(session, official, question, body="We hid it.")
    question.status, question.hidden_reason = "hidden", "off topic"
    session.commit()
    for path in (
        "/consultations/market/history",
        "/consultations/market/report",
        "/consultations/market/report.md",
    ):
        text = text_of(client.get(path))
        assert "Why so late?" not in text and "off topic" in text, path


def test_xss_in_comments_answers_and_names_is_escaped(
    client, login, session, page, make_user, official, text_of
):
    attacker = make_user("resident", "mallory", display_name=XSS)
    comment = comments.post_comment(session, attacker, page, body=f"{XSS} question")
    comment.anchor_paragraph, comment.anchor_quote = 0, XSS  # as if the page had held the payload
    session.commit()
    answer_comment(session, official, comment, body=f"{XSS} answer")
    login(official)
    for path in ("/consultations/market/inbox", "/consultations/market/history", "/consultations/market/report",
                 f"/comments/{comment.id}/answer"):  # fmt: skip
        html = text_of(client.get(path))
        assert XSS not in html, path
        assert escaped(XSS) in html, path


def test_the_inbox_and_the_answer_page_speak_chinese(client, login, received, official, text_of):
    login(official)
    assert "“Market”的收件箱" in text_of(client.get("/consultations/market/inbox?lang=zh"))
    assert "以征求意见方名义回复" in text_of(client.get(f"/comments/{received[0].id}/answer?lang=zh"))

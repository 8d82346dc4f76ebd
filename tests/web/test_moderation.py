"""Web: reporting a comment, the moderation queue, hiding, showing again and dismissing, and the
per-comment controls (templates/comments/_moderate.html) rendered on their own."""

import pytest
from flask import render_template_string
from sqlalchemy import func, select

from govwiki.models import AuditEvent, CommentFlag
from govwiki.services import comments, moderation
from tests.web.conftest import XSS, escaped

TEXT = "Vendors are thieves, all of them."


@pytest.fixture
def page(make_page, make_consultation):
    consultation = make_consultation(slug="rules", edit_policy="comment", title="Market rules consultation")
    return make_page(consultation, body="The notice period is 30 days.\n", title="Market rules")


@pytest.fixture
def author(make_user):
    return make_user("resident", "omar", display_name="Omar")


@pytest.fixture
def comment(session, page, author):
    return comments.post_comment(session, author, page, body=TEXT)


def _flags(session) -> int:
    return session.scalar(select(func.count()).select_from(CommentFlag))


# --- reporting ----------------------------------------------------------------------------------


def test_the_report_form_asks_for_a_reason(client, login, comment, resident, text_of):
    login(resident)
    response = client.get(f"/comments/{comment.id}/flag")
    html = text_of(response)
    assert response.status_code == 200
    assert 'name="reason"' in html and 'maxlength="1000"' in html and TEXT in html


def test_signed_out_visitors_are_sent_to_sign_in_to_report(client, comment):
    response = client.get(f"/comments/{comment.id}/flag")
    assert response.status_code == 302 and "/login" in response.location


def test_a_report_is_sent_and_leads_back_to_the_comment(client, login, session, comment, resident):
    login(resident)
    response = client.post(f"/comments/{comment.id}/flag", data={"reason": "Insulting."})
    assert response.status_code == 302
    assert response.location.endswith(f"/comments/{comment.id}")
    assert _flags(session) == 1


def test_a_report_without_a_reason_shows_the_form_again(client, login, session, comment, resident, text_of):
    login(resident)
    response = client.post(f"/comments/{comment.id}/flag", data={"reason": "  "})
    assert response.status_code == 422 and "required" in text_of(response) and _flags(session) == 0


def test_a_second_report_says_so_and_keeps_the_typed_reason(client, login, comment, resident, text_of):
    login(resident)
    client.post(f"/comments/{comment.id}/flag", data={"reason": "Insulting."})
    response = client.post(f"/comments/{comment.id}/flag", data={"reason": "Still insulting."})
    html = text_of(response)
    assert response.status_code == 409
    assert "already reported" in html and "Still insulting.</textarea>" in html


def test_a_comment_of_a_consultation_one_may_not_read_cannot_be_reported(
    client, login, session, make_page, make_consultation, resident
):
    private = make_page(make_consultation(slug="secret", status="draft"), title="Secret")
    hidden = comments.post_comment(session, private.consultation.created_by, private, body="Secret words")
    login(resident)
    assert client.get(f"/comments/{hidden.id}/flag").status_code == 404
    assert client.post(f"/comments/{hidden.id}/flag", data={"reason": "x"}).status_code == 404


# --- the queue ----------------------------------------------------------------------------------


def _report(session, comment, people, reason="Insulting."):
    for person in people:
        moderation.flag_comment(session, person, comment, reason=reason)


def test_the_queue_shows_reported_comments_with_reasons_counts_and_a_link(
    client, login, session, comment, official, resident, make_user, text_of
):
    _report(session, comment, [resident], "Rude to vendors.")
    _report(session, comment, [make_user()], "Insulting.")
    login(official)
    html = text_of(client.get("/consultations/rules/moderation"))
    assert TEXT in html and "Rude to vendors." in html and "Insulting." in html
    assert "2 open reports" in html and f'href="/comments/{comment.id}"' in html
    assert "Rosa Resident" in html
    assert html.index("Insulting.") < html.index("Rude to vendors.")  # newest first


def test_the_queue_is_empty_when_nothing_is_reported(client, login, comment, official, text_of):
    login(official)
    assert "No reported comments" in text_of(client.get("/consultations/rules/moderation"))


def test_flag_reasons_are_escaped_in_the_queue(client, login, session, comment, official, resident, text_of):
    _report(session, comment, [resident], XSS)
    login(official)
    html = text_of(client.get("/consultations/rules/moderation"))
    assert XSS not in html and escaped(XSS) in html


@pytest.mark.parametrize("role, status", [("resident", 403), ("official", 403)])
def test_others_may_not_see_the_queue(client, login, comment, make_user, role, status):
    login(make_user(role))
    assert client.get("/consultations/rules/moderation").status_code == status


def test_signed_out_visitors_are_sent_to_sign_in_for_the_queue(client, comment):
    response = client.get("/consultations/rules/moderation")
    assert response.status_code == 302 and "/login" in response.location


def test_the_queue_of_a_consultation_one_may_not_read_is_404(client, login, make_consultation, make_user):
    make_consultation(slug="secret", status="draft")
    login(make_user("official"))
    assert client.get("/consultations/secret/moderation").status_code == 404


def test_the_consultation_page_links_its_officials_to_the_queue(client, login, page, official, text_of):
    login(official)
    assert 'href="/consultations/rules/moderation"' in text_of(client.get("/consultations/rules"))


# --- hide, show again, dismiss ------------------------------------------------------------------


def test_hiding_from_the_queue_hides_and_goes_back_to_the_queue(
    client, login, session, comment, official, resident
):
    _report(session, comment, [resident])
    login(official)
    response = client.post(f"/comments/{comment.id}/hide", data={"reason": "Insults people."})
    assert response.status_code == 302 and response.location.endswith("/consultations/rules/moderation")
    session.expire_all()
    assert comment.status == "hidden" and comment.hidden_reason == "Insults people."


def test_hiding_goes_back_to_the_page_it_came_from(client, login, comment, official):
    login(official)
    response = client.post(
        f"/comments/{comment.id}/hide", data={"reason": "Insults.", "next": "/pages/market-rules#comment-1"}
    )
    assert response.location.endswith("/pages/market-rules#comment-1")


def test_hiding_never_goes_back_to_another_site(client, login, comment, official):
    login(official)
    response = client.post(f"/comments/{comment.id}/hide", data={"reason": "x", "next": "//evil.example/"})
    assert response.location.endswith("/consultations/rules/moderation")


def test_hiding_without_a_reason_shows_the_hide_form_again(
    client, login, session, comment, official, text_of
):
    login(official)
    response = client.post(f"/comments/{comment.id}/hide", data={"reason": ""})
    assert response.status_code == 422 and "required" in text_of(response)
    session.expire_all()
    assert comment.status == "visible"


def test_a_resident_may_not_hide(client, login, session, comment, resident):
    login(resident)
    assert client.post(f"/comments/{comment.id}/hide", data={"reason": "x"}).status_code == 403
    assert client.get(f"/comments/{comment.id}/hide").status_code == 403
    session.expire_all()
    assert comment.status == "visible"


def test_a_resident_may_not_dismiss_or_unhide(client, login, session, comment, official, resident):
    moderation.hide_comment(session, official, comment, reason="Insults.")
    login(resident)
    assert client.post(f"/comments/{comment.id}/unhide").status_code == 403
    assert client.post(f"/comments/{comment.id}/dismiss-flags").status_code == 403


def test_the_hide_reason_is_escaped_where_the_comment_is_shown(
    client, login, session, comment, official, resident, text_of
):
    moderation.hide_comment(session, official, comment, reason=XSS)
    login(resident)
    html = text_of(client.get(f"/comments/{comment.id}/flag"))
    assert XSS not in html and escaped(f"Hidden by a moderator: {XSS}") in html and TEXT not in html
    login(official)
    html = text_of(client.get(f"/comments/{comment.id}/hide"))
    assert XSS not in html and escaped(XSS) in html and TEXT in html  # officials see it, marked
    assert "Only the consultation’s officials see the hidden text" in html


def test_the_hide_reason_is_escaped_in_the_audit_log(client, login, session, comment, official, text_of):
    moderation.hide_comment(session, official, comment, reason=XSS)
    login(official)
    html = text_of(client.get("/consultations/rules/audit"))
    assert XSS not in html and escaped(XSS) in html
    assert f'hid <a href="/comments/{comment.id}">comment #{comment.id}</a>' in html


def test_showing_again_and_dismissing_from_the_web(client, login, session, comment, official, resident):
    login(official)
    moderation.hide_comment(session, official, comment, reason="Insults.")
    assert client.post(f"/comments/{comment.id}/unhide").status_code == 302
    session.expire_all()
    _report(session, comment, [resident])
    assert client.post(f"/comments/{comment.id}/dismiss-flags").status_code == 302
    session.expire_all()
    assert comment.status == "visible"
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-3:] == ["comment_hidden", "comment_unhidden", "comment_flags_dismissed"]


# --- the per-comment controls -------------------------------------------------------------------


def _controls(app, comment, reader=None, **context) -> str:
    with app.test_request_context(f"/pages/{comment.page.slug}"):
        if reader is not None:
            from flask_login import login_user

            login_user(reader)
        return render_template_string('{% include "comments/_moderate.html" %}', comment=comment, **context)


def test_readers_get_a_report_link(app, comment, resident):
    html = _controls(app, comment, resident, next="/pages/market-rules")
    assert f'href="/comments/{comment.id}/flag?next=/pages/market-rules"' in html and "Hide" not in html


def test_authors_get_no_report_link_for_their_own_comment(app, comment, author):
    assert "Report" not in _controls(app, comment, author)


def test_a_reader_who_reported_it_is_told_so(app, comment, resident):
    html = _controls(app, comment, resident, flagged={comment.id})
    assert "You reported this comment." in html and "/flag" not in html


def test_moderators_get_hide_and_dismiss(app, comment, official):
    html = _controls(app, comment, official, moderator=True, open_flags=2, next="/pages/market-rules")
    assert (
        f'action="/comments/{comment.id}/hide"' in html
        and f'action="/comments/{comment.id}/dismiss-flags"' in html
    )
    assert "2 open reports" in html and 'value="/pages/market-rules"' in html


def test_moderators_can_show_a_hidden_comment_again(app, session, comment, official):
    moderation.hide_comment(session, official, comment, reason="Insults.")
    html = _controls(app, comment, official, moderator=True)
    assert f'action="/comments/{comment.id}/unhide"' in html and "/hide" not in html and "Report" not in html


def test_the_hidden_notice_and_the_audit_sentence_read_in_chinese(
    client, login, session, comment, official, resident, text_of
):
    moderation.hide_comment(session, official, comment, reason="辱骂他人")
    login(resident)
    assert "已被管理人员隐藏：辱骂他人" in text_of(client.get(f"/comments/{comment.id}/flag?lang=zh"))
    login(official)
    assert f'隐藏了“Market rules”上的<a href="/comments/{comment.id}">评论 #{comment.id}</a>' in text_of(
        client.get("/consultations/rules/audit?lang=zh")
    )


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_FLAGS="1/minute")
def test_too_many_reports_show_the_form_again_with_the_reason(
    client, login, session, page, comment, resident, text_of
):
    second = comments.post_comment(session, page.consultation.created_by, page, body="Another one.")
    login(resident)
    assert client.post(f"/comments/{comment.id}/flag", data={"reason": "Rude."}).status_code == 302
    response = client.post(f"/comments/{second.id}/flag", data={"reason": "Also rude."})
    html = text_of(response)
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert "Too many in a short time" in html and "Also rude.</textarea>" in html
    assert _flags(session) == 1


def test_a_comments_markup_is_sanitized_in_the_queue_and_the_forms(
    client, login, session, page, official, resident, text_of
):
    bad = comments.post_comment(session, resident, page, body=f"{XSS} <script>alert(2)</script>")
    _report(session, bad, [official])
    login(official)
    for path in ("/consultations/rules/moderation", f"/comments/{bad.id}/hide", f"/comments/{bad.id}/flag"):
        html = text_of(client.get(path))
        assert XSS not in html and "<script>alert" not in html and "&lt;script&gt;" in html, path

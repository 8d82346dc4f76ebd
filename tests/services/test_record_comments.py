"""Comments in the public record: the timeline and contributions list them (official responses
quoted), the outcome report counts them and quotes the official responses; hidden comments are
counted, never quoted, and deleted ones have left the record."""

from __future__ import annotations

import pytest

from govwiki.services import comments, report
from govwiki.services.answers import answer_comment
from govwiki.services.report_markdown import to_markdown
from govwiki.services.timeline import consultation_history, user_contributions
from tests.services.record_helpers import tick_clock


@pytest.fixture(autouse=True)
def ticking(monkeypatch):
    return tick_clock(monkeypatch)


@pytest.fixture
def rosa(make_user):
    return make_user("resident", "rosa", display_name="Rosa")


@pytest.fixture
def sam(make_user):
    return make_user("resident", "sam", display_name="Sam")


@pytest.fixture
def page(make_page, make_consultation):
    return make_page(
        make_consultation(edit_policy="comment"), title="Market rules", body="Stalls close at 23:00.\n"
    )


@pytest.fixture
def discussion(session, page, rosa, sam, official):
    """Rosa asks (answered with a reply), Sam insults (hidden, then answered), Sam deletes one,
    Rosa asks again (marked answered without a reply)."""
    question = comments.post_comment(session, rosa, page, body="Why so late?")
    insult = comments.post_comment(session, sam, page, body="Secret insult")
    gone = comments.post_comment(session, sam, page, body="Never mind")
    comments.delete_comment(session, sam, gone)
    again = comments.post_comment(session, rosa, page, body="And Sundays?")
    answer = answer_comment(session, official, question, body="Because of the **night market**.")
    hidden_answer = answer_comment(session, official, insult, body="We hid this comment.")
    insult.status, insult.hidden_reason = "hidden", "insults"
    session.commit()
    answer_comment(session, official, again)
    return question, insult, gone, again, answer, hidden_answer


def test_the_timeline_lists_comments_and_official_responses(session, page, discussion, official):
    question, insult, gone, again, answer, hidden_answer = discussion
    items, total = consultation_history(session, page.consultation, 1, 50)
    said = [(i.type, i.comment.id) for i in items if i.comment is not None]
    assert said == [
        ("official_response", hidden_answer.id),
        ("official_response", answer.id),
        ("comment", again.id),
        ("comment", insult.id),
        ("comment", question.id),
    ]
    assert total == len(items)
    response = next(i for i in items if i.comment is answer)
    assert response.actor.id == official.id and response.details["answers"] == question.id
    assert "<strong>night market</strong>" in response.details["html"]
    assert next(i for i in items if i.comment is question).details["answered"] is True


def test_the_timeline_never_quotes_a_hidden_comment(session, page, discussion):
    items, _ = consultation_history(session, page.consultation, 1, 50)
    hidden = next(i for i in items if i.comment is not None and i.comment.status == "hidden")
    assert "body" not in hidden.details and hidden.details["hidden_reason"] == "insults"
    assert all("Secret insult" not in str(i.details) for i in items)


def test_contributions_include_a_persons_comments(session, discussion, rosa, sam):
    question, insult, gone, again, *_ = discussion
    rosas, total = user_contributions(session, None, rosa, 1, 50)
    assert [(i.type, i.comment.id) for i in rosas] == [("comment", again.id), ("comment", question.id)]
    assert total == 2
    sams, _ = user_contributions(session, None, sam, 1, 50)
    assert [i.comment.id for i in sams] == [insult.id] and "body" not in sams[0].details


def test_the_report_counts_comments_answered_and_hidden(session, page, discussion, rosa, sam):
    result = report.consultation_report(session, page.consultation)
    assert result.comments == report.CommentCounts(received=3, answered=3, hidden=1, responses=2)
    people = {p.user.username: p.comments for p in result.participants}
    assert people == {"rosa": 2, "sam": 1, page.consultation.created_by.username: 0}


def test_the_report_quotes_official_responses_with_the_comment_they_answer(session, page, discussion):
    question, insult, *_, answer, hidden_answer = discussion
    responses = report.consultation_report(session, page.consultation).responses
    assert [r.reply.id for r in responses] == [answer.id, hidden_answer.id]
    first, second = responses
    assert first.text == "Because of the **night market**." and "<strong>" in first.html
    assert first.answered.id == question.id and first.answered_text == "Why so late?"
    assert second.answered.id == insult.id and second.answered_text is None


def test_a_hidden_official_response_is_counted_but_not_quoted(session, page, discussion):
    *_, answer, hidden_answer = discussion
    answer.status, answer.hidden_reason = "hidden", "wrong thread"
    session.commit()
    result = report.consultation_report(session, page.consultation)
    assert [r.reply.id for r in result.responses] == [hidden_answer.id]
    assert result.comments.responses == 2


def test_the_markdown_report_tells_the_comments_and_links_the_responses(session, page, discussion):
    question, *_ = discussion
    result = report.consultation_report(session, page.consultation)
    text = to_markdown(result, link=lambda c: f"https://example.org/c/{c.id}")
    assert "- Comments received: 3\n  - answered: 3\n  - hidden by moderators: 1" in text
    assert "### Official responses to comments" in text
    assert f"[comment #{question.id}](<https://example.org/c/{question.id}>)" in text
    assert "> Because of the \\*\\*night market\\*\\*." in text and "> Why so late?" in text
    assert "Secret insult" not in text and "hidden by a moderator: insults" in text

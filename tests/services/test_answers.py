"""Official responses: an official of the consultation marks a comment answered and replies as
the consultation, in every state; nobody else may."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from govwiki.core.threads import MAX_DEPTH
from govwiki.models import Comment, Page
from govwiki.services import comments, consultations
from govwiki.services.answers import answer_comment
from govwiki.services.errors import Conflict, ConsultationClosed, Forbidden, Invalid, NotFound


@pytest.fixture
def rosa(make_user):
    return make_user("resident", "rosa", display_name="Rosa")


@pytest.fixture
def page(make_page, make_consultation):
    return make_page(make_consultation(edit_policy="comment"), body="Stalls close at 23:00.\n")


@pytest.fixture
def question(session, page, rosa):
    return comments.post_comment(session, rosa, page, body="Why so late?")


def _version(session, page) -> int:
    return session.scalar(select(Page.discussion_version).where(Page.id == page.id))


def test_an_answer_marks_the_comment_and_posts_an_official_reply_under_it(session, page, question, official):
    before = _version(session, page)
    reply = answer_comment(session, official, question, body="Because of the night market.")
    assert question.answered_at is not None and question.answered_by_id == official.id
    assert reply.official and reply.parent_id == question.id and reply.author_id == official.id
    assert reply.body == "Because of the night market." and reply.depth == 1
    assert _version(session, page) > before
    assert session.get(Page, page.id).comment_count == 2


def test_an_answer_without_text_only_marks_it_and_bumps_the_discussion(session, page, question, official):
    before = _version(session, page)
    assert answer_comment(session, official, question) is None
    assert question.answered_at is not None
    assert session.scalars(select(Comment).where(Comment.page_id == page.id)).all() == [question]
    assert _version(session, page) == before + 1


def test_answering_twice_posts_a_second_reply_and_keeps_the_first_answer(
    session, page, question, official, make_user
):
    colleague = make_user("official", "omar")
    consultations.add_member(session, official, page.consultation, colleague, "official")
    answer_comment(session, official, question, body="First answer.")
    first = question.answered_at
    second = answer_comment(session, colleague, question, body="And a second one.")
    assert second.official and second.parent_id == question.id
    assert question.answered_at == first and question.answered_by_id == official.id


def test_officials_answer_after_closing_when_residents_may_no_longer_comment(
    session, page, question, official, rosa
):
    consultations.update_consultation(session, official, page.consultation, {"status": "closed"})
    reply = answer_comment(session, official, question, body="We kept 23:00.")
    assert reply.official and question.answered_at is not None
    with pytest.raises(ConsultationClosed):
        comments.post_comment(session, rosa, page, body="Too late?")


def test_an_answer_to_a_deeply_nested_comment_attaches_beside_it_and_names_it(
    session, page, question, official, rosa
):
    deepest = question
    for level in range(1, MAX_DEPTH):
        deepest = comments.post_comment(session, rosa, page, body=f"level {level}", parent_id=deepest.id)
    reply = answer_comment(session, official, deepest, body="Answered.")
    assert reply.in_reply_to_id == deepest.id and reply.depth == deepest.depth


@pytest.mark.parametrize("who", ["rosa", "expert", "author"])
def test_people_who_are_not_its_officials_may_not_answer(
    session, page, question, rosa, make_user, official, who
):
    expert = make_user("resident", "erin")
    consultations.add_member(session, official, page.consultation, expert, "expert")
    person = {"rosa": make_user("resident", "sam"), "expert": expert, "author": rosa}[who]
    with pytest.raises(Forbidden) as refused:
        answer_comment(session, person, question, body="I answer for the city.")
    assert refused.value.details["your_body"] == "I answer for the city."
    assert question.answered_at is None


def test_an_official_of_another_consultation_may_not_answer(session, question, make_user, make_consultation):
    other = make_user("official", "otto")
    make_consultation(other)
    with pytest.raises(Forbidden):
        answer_comment(session, other, question)


def test_a_private_consultation_is_not_found_for_outsiders(
    session, make_page, make_consultation, make_user, official
):
    draft_page = make_page(make_consultation(status="draft"))
    comment = comments.post_comment(session, official, draft_page, body="Draft note")
    with pytest.raises(NotFound):
        answer_comment(session, make_user("official", "otto"), comment)


def test_a_deleted_comment_cannot_be_answered(session, question, rosa, official):
    comments.delete_comment(session, rosa, question)
    with pytest.raises(Conflict) as refused:
        answer_comment(session, official, question, body="Too late.")
    assert refused.value.code == "comment_gone" and refused.value.details["your_body"] == "Too late."


def test_an_official_reply_is_not_answered_itself(session, question, official):
    reply = answer_comment(session, official, question, body="Our answer.")
    with pytest.raises(Conflict) as refused:
        answer_comment(session, official, reply)
    assert refused.value.code == "official_comment"


def test_an_empty_answer_text_is_refused_with_the_text_back(session, question, official):
    with pytest.raises(Invalid) as refused:
        answer_comment(session, official, question, body="  \n")
    assert refused.value.details["your_body"] == "  \n" and question.answered_at is None


@pytest.mark.parametrize("body", [None, "Because of the night market."])
def test_answering_tells_the_comment_author_once(session, question, official, rosa, body):
    from govwiki.models import Notification

    answer_comment(session, official, question, body=body)
    entries = session.scalars(select(Notification).where(Notification.user_id == rosa.id)).all()
    assert [entry.kind for entry in entries] == ["official_response"]

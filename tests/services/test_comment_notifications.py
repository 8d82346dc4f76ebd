"""Notifications about comments: replies to mine, official responses to mine, new comments on
pages I watch — grouped, never to the author themself, only for those who may read the page, and
one UPDATE however many people watch."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import delete, event

from govwiki.core.threads import MAX_DEPTH
from govwiki.models import Comment, Membership
from govwiki.services import comment_notifications, comments, consultations, notifications

SECRET = "Only the moderators may read this sentence."


@pytest.fixture
def resident(make_user):
    return make_user("resident", "rosa", display_name="Rosa")


@pytest.fixture
def page(make_page, make_consultation):
    return make_page(make_consultation(edit_policy="comment"), title="Market rules", body="Stalls.\n")


def _entries(session, user, kind=None):
    items, _total = notifications.list_notifications(session, user)
    return [item for item in items if kind is None or item.kind == kind]


def _post(session, user, page, body="Thirty days is too short.", parent=None) -> Comment:
    return comments.post_comment(
        session, user, page, body=body, parent_id=parent.id if parent is not None else None
    )


def _official_reply(session, official, page, parent: Comment) -> Comment:
    """An official's reply written as the consultation's answer (what services.answers posts)."""
    reply = Comment(
        page_id=page.id,
        author_id=official.id,
        parent_id=parent.id,
        depth=parent.depth + 1,
        revision_number=page.head_number,
        body="We will extend it to 60 days.",
        official=True,
    )
    session.add(reply)
    notifications.comment_posted(session, reply, official)
    session.commit()
    return reply


# --- replies ------------------------------------------------------------------------------------


def test_the_author_of_a_comment_hears_of_a_reply(session, page, resident, make_user):
    mine = _post(session, resident, page)
    replier = make_user("resident", "omar", display_name="Omar")
    reply = _post(session, replier, page, "I agree.", parent=mine)
    [entry] = _entries(session, resident, "comment_replied")
    assert (entry.page_id, entry.count, entry.details["by"]) == (page.id, 1, "Omar")
    assert (entry.details["comment"], entry.details["answered_comment"]) == (reply.id, mine.id)


def test_the_author_of_a_reply_is_not_told_of_their_own_reply(session, page, resident, make_user):
    other = make_user()
    theirs = _post(session, other, page)
    mine = _post(session, resident, page, "Me first.")
    _post(session, resident, page, "Replying to someone.", parent=theirs)
    _post(session, resident, page, "Replying to myself.", parent=mine)
    assert _entries(session, resident) == []
    assert [e.count for e in _entries(session, other, "comment_replied")] == [1]


def test_replies_to_one_comment_on_one_day_are_one_entry(session, page, resident, make_user):
    mine = _post(session, resident, page)
    first, second = make_user(display_name="Omar"), make_user(display_name="Mei")
    reply = _post(session, first, page, "One.", parent=mine)
    _post(session, second, page, "Two.", parent=mine)
    _post(session, first, page, "Three.", parent=mine)
    [entry] = _entries(session, resident)
    assert (entry.count, entry.details["comment"]) == (3, reply.id)
    assert [a["display_name"] for a in entry.details["authors"]] == ["Omar", "Mei"]


def test_replies_to_two_comments_are_two_entries(session, page, resident, make_user):
    one, two = _post(session, resident, page, "One."), _post(session, resident, page, "Two.")
    replier = make_user()
    _post(session, replier, page, "Re one.", parent=one)
    _post(session, replier, page, "Re two.", parent=two)
    assert sorted(e.details["answered_comment"] for e in _entries(session, resident)) == [one.id, two.id]


def test_replies_on_the_next_day_start_a_new_entry(session, page, resident, make_user, move_clock):
    mine = _post(session, resident, page)
    replier = make_user()
    _post(session, replier, page, "Monday.", parent=mine)
    move_clock(timedelta(days=1))
    _post(session, replier, page, "Tuesday.", parent=mine)
    assert [e.count for e in _entries(session, resident)] == [1, 1]


def test_a_reply_past_the_nesting_cap_reaches_the_author_it_answers(session, page, make_user):
    people = [make_user() for _ in range(MAX_DEPTH + 1)]
    chain = [_post(session, people[0], page, "level 0")]
    for level in range(1, MAX_DEPTH):
        chain.append(_post(session, people[level], page, f"level {level}", parent=chain[-1]))
    deepest = _post(session, people[MAX_DEPTH], page, "too deep", parent=chain[-1])
    assert deepest.parent_id != chain[-1].id and deepest.in_reply_to_id == chain[-1].id
    [entry] = _entries(session, people[MAX_DEPTH - 1], "comment_replied")
    assert entry.details["comment"] == deepest.id
    grandparent_replies = _entries(session, people[MAX_DEPTH - 2], "comment_replied")
    assert [e.details["comment"] for e in grandparent_replies] == [chain[-1].id]


def test_an_entry_bumped_after_being_read_is_unread_again(session, page, resident, make_user):
    mine = _post(session, resident, page)
    replier = make_user()
    _post(session, replier, page, "One.", parent=mine)
    notifications.mark_read(session, resident)
    _post(session, replier, page, "Two.", parent=mine)
    [entry] = _entries(session, resident)
    assert entry.read_at is None and entry.count == 2


# --- official responses -------------------------------------------------------------------------


def test_an_official_reply_is_an_official_response_not_a_plain_reply(session, page, official, resident):
    mine = _post(session, resident, page)
    reply = _official_reply(session, official, page, mine)
    [entry] = _entries(session, resident)
    assert entry.kind == "official_response"
    assert (entry.details["reply"], entry.details["comment"], entry.details["answered"]) == (
        reply.id,
        reply.id,
        False,
    )


def test_marking_a_comment_answered_tells_its_author(session, page, official, resident):
    mine = _post(session, resident, page)
    notifications.comment_answered(session, mine, official)
    session.commit()
    [entry] = _entries(session, resident)
    assert entry.kind == "official_response" and entry.details["answered"] is True
    assert (entry.details["comment"], entry.details["reply"], entry.details["by"]) == (
        mine.id,
        None,
        official.display_name,
    )


def test_an_official_reply_and_marking_answered_are_one_entry(session, page, official, resident):
    mine = _post(session, resident, page)
    reply = _official_reply(session, official, page, mine)
    notifications.comment_answered(session, mine, official)
    session.commit()
    [entry] = _entries(session, resident)
    assert entry.count == 2 and entry.details["answered"] is True
    assert (entry.details["reply"], entry.details["comment"]) == (reply.id, reply.id)


def test_an_official_answering_their_own_comment_is_not_notified(session, page, official):
    mine = _post(session, official, page)
    notifications.comment_answered(session, mine, official)
    _official_reply(session, official, page, mine)
    assert _entries(session, official) == []


# --- new comments on watched pages --------------------------------------------------------------


def test_two_comments_on_a_watched_page_are_one_entry(session, page, official, resident, make_user):
    first = _post(session, resident, page, "One.")
    _post(session, make_user(display_name="Omar"), page, "Two.")
    [entry] = _entries(session, official)  # the consultation's creator watches it
    assert (entry.kind, entry.page_id, entry.count) == ("page_commented", page.id, 2)
    assert (entry.details["comment"], entry.details["by"]) == (first.id, "Omar")
    assert [a["display_name"] for a in entry.details["authors"]] == ["Rosa", "Omar"]


def test_the_author_of_a_comment_is_not_told_of_it(session, page, official):
    _post(session, official, page)
    assert _entries(session, official) == []


def test_comments_are_grouped_per_page_and_per_day(session, make_page, page, official, resident, move_clock):
    other = make_page(page.consultation, title="Fees")
    for target in (page, other, page):
        _post(session, resident, target)
    move_clock(timedelta(days=1))
    _post(session, resident, page)
    counts = sorted((e.page_id, e.count) for e in _entries(session, official))
    assert counts == sorted([(page.id, 2), (other.id, 1), (page.id, 1)])


def test_a_page_watcher_hears_only_of_that_page(session, make_page, page, resident, make_user):
    other = make_page(page.consultation, title="Fees")
    reader = make_user()
    notifications.watch(session, reader, page=page)
    _post(session, resident, other)
    _post(session, resident, page)
    assert [e.page_id for e in _entries(session, reader)] == [page.id]


def test_the_person_a_reply_is_for_hears_of_it_once(session, page, official, resident):
    mine = _post(session, resident, page)  # Rosa now watches the page
    _post(session, official, page, "Which stalls?", parent=mine)
    assert [e.kind for e in _entries(session, resident)] == ["comment_replied"]


def test_watchers_hear_of_an_official_reply_like_any_comment(session, page, official, resident, make_user):
    reader = make_user()
    notifications.watch(session, reader, page=page)
    mine = _post(session, resident, page)
    _official_reply(session, official, page, mine)
    [entry] = _entries(session, reader)
    assert (entry.kind, entry.count) == ("page_commented", 2)


def test_a_day_names_each_author_once_and_then_says_there_were_more(
    session, page, official, make_user, monkeypatch
):
    monkeypatch.setattr(comment_notifications, "NAMED_AUTHORS", 2)
    first, second, third = make_user(), make_user(), make_user()
    for author in (first, second, first, third):
        _post(session, author, page)
    [entry] = _entries(session, official)
    assert [a["username"] for a in entry.details["authors"]] == [first.username, second.username]
    assert entry.details["more_authors"] is True and entry.count == 4


def test_every_watcher_is_bumped_by_one_update(session, page, official, make_user):
    """Watchers who joined at different times hold different entries; a comment still costs
    one UPDATE of notifications, and the same statements for 3 watchers as for 12."""

    def statements_for_one_comment(watchers: int) -> list[str]:
        for _ in range(watchers):
            watcher = make_user()
            notifications.watch(session, watcher, page=page)
            _post(session, watcher, page)  # held entries now differ from watcher to watcher
        statements = []
        engine = session.get_bind()
        listener = lambda conn, cursor, statement, *args: statements.append(statement)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            _post(session, official, page, "One more.")
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return statements

    few, many = statements_for_one_comment(3), statements_for_one_comment(9)
    assert sum(s.lstrip().upper().startswith("UPDATE NOTIFICATIONS") for s in many) == 1
    assert len(few) == len(many)
    assert all(e.count >= 2 for e in _entries(session, official) + _entries(session, make_user()))


# --- watching by default ------------------------------------------------------------------------


def test_a_commenter_watches_the_page_by_default_and_hears_of_later_comments(
    session, page, resident, make_user
):
    _post(session, resident, page)
    assert notifications.is_watching(session, resident, page=page)
    _post(session, make_user(), page)
    assert [e.kind for e in _entries(session, resident)] == ["page_commented"]


def test_a_page_once_unwatched_is_not_watched_again_by_commenting(session, page, resident, make_user):
    notifications.unwatch(session, resident, page=page)
    _post(session, resident, page)
    assert not notifications.is_watching(session, resident, page=page)
    _post(session, make_user(), page)
    assert _entries(session, resident) == []


def test_watching_the_consultation_already_covers_the_page(session, page, official):
    _post(session, official, page)
    assert not notifications.is_watching(session, official, page=page)


# --- who may read -------------------------------------------------------------------------------


def test_a_private_consultations_comments_never_reach_those_who_cannot_read_it(
    session, page, official, resident, make_user
):
    notifications.watch(session, resident, page=page)
    consultations.update_consultation(session, official, page.consultation, {"visibility": "invited"})
    _post(session, official, page, "Internal note.")
    assert _entries(session, resident) == [] and notifications.unread_count(session, resident) == 0
    assert [e.kind for e in _entries(session, make_user("admin"))] == []  # not watching: nothing


def test_a_former_expert_hears_nothing_more_of_a_private_discussion(
    session, make_consultation, make_page, official, make_user
):
    consultation = make_consultation(visibility="invited", edit_policy="comment")
    page = make_page(consultation, title="Internal")
    expert = make_user()
    consultations.add_member(session, official, consultation, expert, "expert")
    mine = _post(session, expert, page, "Please check section 2.")
    session.execute(delete(Membership).where(Membership.user_id == expert.id))
    session.commit()
    _post(session, official, page, "Section 2 is fine.", parent=mine)
    _post(session, official, page, "Another note.")
    assert _entries(session, expert) == [] and notifications.unread_count(session, expert) == 0


def test_no_entry_holds_a_comments_text(session, page, official, resident):
    mine = _post(session, resident, page, SECRET)
    reply = _post(session, official, page, SECRET + " (reply)", parent=mine)
    reply.status, reply.hidden_reason = "hidden", "Off topic"
    session.commit()
    stored = [e.details for e in _entries(session, resident) + _entries(session, official)]
    assert stored and SECRET not in json.dumps(stored, ensure_ascii=False)

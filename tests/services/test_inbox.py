"""The feedback inbox: what a consultation received (comments and proposals from people other than
its officials), newest first, filtered and paged in SQL, with "read" per official."""

from __future__ import annotations

import pytest

from govwiki.services import comments, consultations
from govwiki.services import inbox as service
from govwiki.services.answers import answer_comment
from govwiki.services.errors import Forbidden, Invalid, NotFound, Unauthenticated
from tests.services.record_helpers import add_proposal, tick_clock


@pytest.fixture(autouse=True)
def ticking(monkeypatch):
    return tick_clock(monkeypatch)


@pytest.fixture
def rosa(make_user):
    return make_user("resident", "rosa", display_name="Rosa")


@pytest.fixture
def colleague(session, official, make_user, consultation):
    person = make_user("official", "omar")
    consultations.add_member(session, official, consultation, person, "official")
    return person


@pytest.fixture
def consultation(make_consultation):
    return make_consultation(edit_policy="suggest")


@pytest.fixture
def market(make_page, consultation):
    return make_page(consultation, title="Market rules", body="Stalls close at 23:00.\n")


@pytest.fixture
def parks(make_page, consultation):
    return make_page(consultation, title="Parks", body="Parks open at dawn.\n")


@pytest.fixture
def received(session, market, parks, rosa, official):
    """Oldest first: a comment on the market, a proposal on the parks, a comment on the parks."""
    first = comments.post_comment(session, rosa, market, body="Why so late?")
    proposal = add_proposal(session, parks, rosa, summary="Open earlier")
    second = comments.post_comment(session, rosa, parks, body="More benches, please.")
    return first, proposal, second


def _keys(items) -> list[tuple[str, int]]:
    return [(item.kind, item.id) for item in items]


def test_the_inbox_lists_comments_and_proposals_newest_first(session, consultation, received, official):
    first, proposal, second = received
    items, total = service.inbox(session, official, consultation)
    assert _keys(items) == [("comment", second.id), ("proposal", proposal.id), ("comment", first.id)]
    assert total == 3 and [i.page.title for i in items] == ["Parks", "Parks", "Market rules"]
    assert all(not i.read and not i.answered for i in items) and items[0].author.username == "rosa"


def test_what_the_officials_wrote_themselves_is_not_received(
    session, consultation, market, received, official, colleague
):
    first, *_ = received
    answer_comment(session, official, first, body="Because of the night market.")
    comments.post_comment(session, colleague, market, body="Note for the team.")
    add_proposal(session, market, colleague, summary="Our own wording")
    _, total = service.inbox(session, official, consultation)
    assert total == 3


def test_deleted_comments_leave_the_inbox_and_hidden_ones_stay(
    session, consultation, received, rosa, official
):
    first, _, second = received
    comments.delete_comment(session, rosa, second)
    first.status, first.hidden_reason = "hidden", "insults"
    session.commit()
    items, total = service.inbox(session, official, consultation)
    assert total == 2 and items[-1].comment.status == "hidden"


def test_pages_of_the_inbox_split_the_list_and_keep_the_exact_total(
    session, consultation, received, official
):
    everything, _ = service.inbox(session, official, consultation)
    first_page, total = service.inbox(session, official, consultation, page=1, per_page=2)
    second_page, again = service.inbox(session, official, consultation, page=2, per_page=2)
    assert total == again == 3
    assert _keys(first_page + second_page) == _keys(everything)
    assert service.inbox(session, official, consultation, page=3, per_page=2) == ([], 3)


def test_answered_means_marked_for_comments_and_decided_for_proposals(
    session, consultation, parks, received, rosa, official
):
    first, proposal, second = received
    answer_comment(session, official, first)
    decided = add_proposal(session, parks, rosa, status="withdrawn")
    answered = service.Filters(status="answered")
    unanswered = service.Filters(status="unanswered")
    assert _keys(service.inbox(session, official, consultation, answered)[0]) == [
        ("proposal", decided.id),
        ("comment", first.id),
    ]
    assert _keys(service.inbox(session, official, consultation, unanswered)[0]) == [
        ("comment", second.id),
        ("proposal", proposal.id),
    ]


def test_the_inbox_filters_by_kind_and_by_page(session, consultation, market, received, official):
    first, proposal, second = received
    only_proposals, total = service.inbox(session, official, consultation, service.Filters(kind="proposal"))
    assert _keys(only_proposals) == [("proposal", proposal.id)] and total == 1
    on_market = service.inbox(session, official, consultation, service.Filters(page=market))[0]
    assert _keys(on_market) == [("comment", first.id)]
    comments_on_market = service.Filters(page=market, kind="comment", status="unanswered")
    assert service.inbox(session, official, consultation, comments_on_market)[1] == 1


def test_filters_from_a_request_are_checked(session, consultation, market, make_page, make_consultation):
    elsewhere = make_page(make_consultation(), title="Elsewhere")
    assert service.check_filters(session, consultation, page_slug=market.slug, status="answered") == (
        service.Filters(market, "answered", None)
    )
    with pytest.raises(Invalid) as refused:
        service.check_filters(session, consultation, page_slug=elsewhere.slug, status="late", kind="idea")
    assert set(refused.value.fields) == {"page_slug", "status", "kind"}


def test_read_marks_belong_to_one_official(session, consultation, received, official, colleague):
    first, proposal, _ = received
    assert (
        service.mark_read(session, official, consultation, [("comment", first.id), ("proposal", proposal.id)])
        == 2
    )
    mine = {(i.kind, i.id): i.read for i in service.inbox(session, official, consultation)[0]}
    theirs = {(i.kind, i.id): i.read for i in service.inbox(session, colleague, consultation)[0]}
    assert sum(mine.values()) == 2 and not any(theirs.values())
    assert service.unread_count(session, official, consultation) == 1
    assert service.unread_count(session, colleague, consultation) == 3


def test_marking_read_again_changes_nothing_and_unmarking_takes_it_back(
    session, consultation, received, official
):
    first, *_ = received
    assert service.mark_read(session, official, consultation, [("comment", first.id)]) == 1
    assert service.mark_read(session, official, consultation, [("comment", first.id)]) == 0
    assert service.mark_read(session, official, consultation, [("comment", first.id)], read=False) == 1
    assert service.unread_count(session, official, consultation) == 3


def test_only_items_of_this_inbox_can_be_marked(
    session, consultation, received, official, make_page, make_consultation, rosa
):
    other_page = make_page(make_consultation())
    elsewhere = comments.post_comment(session, rosa, other_page, body="Elsewhere")
    reply = answer_comment(session, official, received[0], body="Ours.")
    for item in (("comment", elsewhere.id), ("comment", reply.id), ("proposal", 2_000_000)):
        with pytest.raises(Invalid):
            service.mark_read(session, official, consultation, [item])
    assert service.unread_count(session, official, consultation) == 3


def test_residents_and_experts_are_refused_and_outsiders_see_nothing_private(
    session, consultation, received, rosa, official, make_user, make_consultation
):
    expert = make_user("resident", "erin")
    consultations.add_member(session, official, consultation, expert, "expert")
    for person in (rosa, expert):
        with pytest.raises(Forbidden):
            service.inbox(session, person, consultation)
        with pytest.raises(Forbidden):
            service.mark_read(session, person, consultation, [("comment", received[0].id)])
    with pytest.raises(Unauthenticated):
        service.inbox(session, None, consultation)
    with pytest.raises(NotFound):
        service.inbox(session, rosa, make_consultation(status="draft"))

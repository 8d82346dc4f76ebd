"""The consultation timeline and each person's contributions."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from govwiki.extensions import db
from govwiki.services import accounts, audit, clock, consultations, pages
from govwiki.services.timeline import consultation_history, user_contributions
from tests.services.record_helpers import add_proposal, tick_clock


@pytest.fixture
def ticking(monkeypatch):
    return tick_clock(monkeypatch)


@pytest.fixture
def rosa(make_user):
    return make_user("resident", "rosa", display_name="Rosa")


@pytest.fixture
def sam(make_user):
    return make_user("resident", "sam", display_name="Sam")


def _merge(session, page, proposal, official, body, *, partial=False, declined=None):
    """Land a proposal as the proposals service does: a revision by the proposer, merged by the official."""
    result = pages.save_page(
        session, proposal.author, page, body=body, base_revision=pages.page_head_number(session, page)
    )
    result.revision.merged_by_id, result.revision.proposal_id = official.id, proposal.id
    proposal.status, proposal.decided_by_id, proposal.decided_at = "merged", official.id, clock.now()
    proposal.merged_revision, proposal.partial, proposal.declined = result.revision.number, partial, declined
    session.commit()
    return result.revision


@pytest.fixture
def story(ticking, session, make_consultation, make_page, official, rosa, sam):
    """A consultation's life, one second per step."""
    consultation = make_consultation(status="draft")
    page = make_page(consultation, body="Cycle lanes on Main Street.\n")
    consultations.update_consultation(session, official, consultation, {"status": "open"})
    pages.save_page(session, rosa, page, body="Wide cycle lanes on Main Street.\n", base_revision=1)
    add_proposal(session, page, rosa, status="rejected", decided_by=official, reason="Out of budget.")
    merged = add_proposal(session, page, rosa, summary="Add trees")
    _merge(session, page, merged, official, "Wide cycle lanes and trees on Main Street.\n")
    add_proposal(session, page, sam, status="withdrawn")
    partly = add_proposal(session, page, sam, summary="Two things")
    _merge(
        session,
        page,
        partly,
        official,
        "Wide cycle lanes and trees on Main Street, lit at night.\n",
        partial=True,
        declined=[{"start": 0, "end": 4, "base": "Wide", "text": "Broad"}],
    )
    consultations.update_consultation(session, official, consultation, {"status": "closed"})
    return consultation


EXPECTED = [
    "status_changed",
    "proposal_partly_merged",
    "revision",
    "proposal",
    "proposal_withdrawn",
    "proposal",
    "proposal_merged",
    "revision",
    "proposal",
    "proposal_rejected",
    "proposal",
    "revision",
    "status_changed",
    "revision",
    "consultation_created",
]


def test_history_lists_everything_newest_first(session, story):
    items, total = consultation_history(session, story, 1, 50)
    assert [item.type for item in items] == EXPECTED
    assert total == len(EXPECTED)
    assert [item.at for item in items] == sorted((item.at for item in items), reverse=True)


def test_history_revisions_carry_author_merger_and_proposal(session, story, official, rosa, sam):
    items, _ = consultation_history(session, story, 1, 50)
    revisions = [item for item in items if item.type == "revision"]
    assert [(r.revision.number, r.actor.username) for r in revisions] == [
        (4, "sam"),
        (3, "rosa"),
        (2, "rosa"),
        (1, official.username),
    ]
    assert revisions[1].details["merged_by"].id == official.id
    assert revisions[1].details["proposal"] == revisions[1].revision.proposal_id is not None
    assert revisions[2].details["merged_by"] is None and revisions[2].details["proposal"] is None


def test_history_decisions_name_the_official_reason_and_landing_revision(session, story, official, rosa):
    items, _ = consultation_history(session, story, 1, 50)
    decisions = {item.type: item for item in items if item.type.startswith("proposal_")}
    rejected = decisions["proposal_rejected"]
    assert rejected.actor.id == official.id and rejected.details["reason"] == "Out of budget."
    assert rejected.details["author"].id == rosa.id
    assert decisions["proposal_merged"].details["merged_revision"] == 3
    assert decisions["proposal_partly_merged"].details["declined"] == 1
    assert decisions["proposal_withdrawn"].actor.username == "sam"


def test_history_status_changes_say_from_and_to(session, story):
    items, _ = consultation_history(session, story, 1, 50)
    changes = [item.details for item in items if item.type == "status_changed"]
    assert changes == [{"from": "open", "to": "closed"}, {"from": "draft", "to": "open"}]


def test_history_pages_in_order_without_gaps_or_repeats(session, story):
    everything, total = consultation_history(session, story, 1, 50)
    pages_of_four = [consultation_history(session, story, number, 4) for number in range(1, 5)]
    assert all(count == total for _, count in pages_of_four)
    assert [len(items) for items, _ in pages_of_four] == [4, 4, 4, 3]
    walked = [(item.type, item.at) for items, _ in pages_of_four for item in items]
    assert walked == [(item.type, item.at) for item in everything]


def test_history_past_the_last_page_is_empty(session, story):
    items, total = consultation_history(session, story, 99, 50)
    assert items == [] and total == len(EXPECTED)


def test_history_leaves_out_site_events_and_does_not_repeat_decisions(
    session, story, official, rosa, make_user
):
    admin = make_user("admin")
    accounts.set_role(session, admin, rosa.username, "official")
    audit.record(
        session, official, "proposal_merged", subject_type="proposal", subject_id="1", consultation=story
    )
    session.commit()
    items, _ = consultation_history(session, story, 1, 50)
    assert [item.type for item in items] == EXPECTED


def test_history_shows_who_became_a_member(session, make_consultation, make_user, official):
    consultation = make_consultation()
    expert = make_user(display_name="Eva Expert")
    consultations.add_member(session, official, consultation, expert, "expert")
    items, _ = consultation_history(session, consultation, 1, 50)
    added = [item for item in items if item.type == "member_added"]
    assert len(added) == 1 and added[0].subject.id == expert.id and added[0].details == {"role": "expert"}


def test_history_cost_does_not_grow_with_the_page_size(session, make_page, official, monkeypatch):
    def statements(page_count: int) -> int:
        seen = []
        page = make_page(body="Start.\n")
        for number in range(page_count):
            pages.save_page(session, official, page, body=f"Text {number}.\n", base_revision=number + 1)

        def listener(*args):
            seen.append(1)

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            items, _ = consultation_history(session, page.consultation, 1, 50)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert len(items) > page_count
        return len(seen)

    assert statements(2) == statements(25)


# --- contributions -----------------------------------------------------------------------------


@pytest.fixture
def draft_and_public(session, make_consultation, make_page, official, rosa):
    """Rosa edits a public consultation and, as an invited expert, a draft one."""
    public = make_consultation(title="Public")
    draft = make_consultation(status="draft", title="Draft")
    consultations.add_member(session, official, draft, rosa, "expert")
    public_page = make_page(public, body="Public text.\n")
    draft_page = make_page(draft, body="Draft text.\n")
    pages.save_page(session, rosa, public_page, body="Public text, edited.\n", base_revision=1)
    pages.save_page(session, rosa, draft_page, body="Draft text, edited.\n", base_revision=1)
    add_proposal(session, public_page, rosa)
    add_proposal(session, draft_page, rosa)
    return public, draft


def _consultations_of(items) -> list[str]:
    return sorted({item.consultation.title for item in items})


@pytest.mark.parametrize("viewer_kind", ["anonymous", "resident", "official elsewhere"])
def test_contributions_hide_a_draft_from_outsiders(session, draft_and_public, rosa, make_user, viewer_kind):
    viewer = {"anonymous": None, "resident": make_user(), "official elsewhere": make_user("official")}[
        viewer_kind
    ]
    items, total = user_contributions(session, viewer, rosa, 1, 50)
    assert _consultations_of(items) == ["Public"]
    assert total == 2 and sorted(item.type for item in items) == ["proposal", "revision"]


@pytest.mark.parametrize("viewer_kind", ["herself", "its official", "admin"])
def test_contributions_show_a_draft_to_insiders(
    session, draft_and_public, rosa, official, make_user, viewer_kind
):
    viewer = {"herself": rosa, "its official": official, "admin": make_user("admin")}[viewer_kind]
    items, total = user_contributions(session, viewer, rosa, 1, 50)
    assert _consultations_of(items) == ["Draft", "Public"] and total == 4


def test_contributions_hide_an_invited_only_consultation(
    session, make_consultation, make_page, official, rosa, make_user
):
    hidden = make_consultation(visibility="invited")
    page = make_page(hidden)
    consultations.add_member(session, official, hidden, rosa, "expert")
    pages.save_page(session, rosa, page, body="Secret.\n", base_revision=1)
    assert user_contributions(session, make_user(), rosa, 1, 50) == ([], 0)
    assert user_contributions(session, rosa, rosa, 1, 50)[1] == 1


def test_contributions_are_only_that_persons(session, draft_and_public, sam, official):
    items, total = user_contributions(session, None, sam, 1, 50)
    assert (items, total) == ([], 0)
    mine, _ = user_contributions(session, None, official, 1, 50)
    assert {item.actor.id for item in mine} == {official.id}


def test_contributions_page_newest_first(ticking, session, draft_and_public, rosa):
    items, total = user_contributions(session, rosa, rosa, 1, 3)
    rest, _ = user_contributions(session, rosa, rosa, 2, 3)
    assert len(items) == 3 and len(rest) == 1 and total == 4
    moments = [item.at for item in items + rest]
    assert moments == sorted(moments, reverse=True)

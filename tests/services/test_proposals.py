"""Proposals: submit, update, withdraw, review, merge (stale, conflicting, by hand, in part),
reject, and who may do what."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from govwiki.models import AuditEvent, Notification, Revision
from govwiki.services import clock, consultations, history, pages
from govwiki.services import proposal_review as reviews
from govwiki.services import proposals as service
from govwiki.services.errors import Conflict, ConsultationClosed, EditConflict, Forbidden, Invalid, NotFound

BASE = "Vendors apply for a permit.\n\nThe notice period is 30 days.\n\nStalls close at 23:00.\n"


@pytest.fixture
def page(make_page, make_consultation):
    return make_page(make_consultation(edit_policy="suggest"), body=BASE)


@pytest.fixture
def resident(make_user):
    return make_user("resident", "rosa")


def _propose(session, page, author, body, base=1, summary="Longer notice"):
    return service.submit_proposal(session, author, page, body=body, summary=summary, base_revision=base)


def _edit(session, page, body, base):
    return pages.save_page(session, page.consultation.created_by, page, body=body, base_revision=base)


def _revisions(session, page) -> int:
    return session.scalar(select(func.count()).where(Revision.page_id == page.id))


def _head(session, page):
    session.expire_all()
    return pages.head_revision(session, page)


def test_submitted_proposal_is_open_on_its_base(session, page, resident):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    assert (proposal.status, proposal.base_number, proposal.author_id) == ("open", 1, resident.id)


def test_proposal_identical_to_its_base_is_invalid_and_hands_text_back(session, page, resident):
    with pytest.raises(Invalid) as raised:
        _propose(session, page, resident, BASE)
    assert "body" in raised.value.fields and raised.value.details["your_body"] == BASE


def test_proposal_on_an_unknown_base_is_invalid_and_hands_text_back(session, page, resident):
    with pytest.raises(Invalid) as raised:
        _propose(session, page, resident, "Mine.\n", base=9)
    assert "base_revision" in raised.value.fields and raised.value.details["your_body"] == "Mine.\n"


def test_proposing_under_the_comment_policy_is_forbidden(session, make_page, make_consultation, resident):
    page = make_page(make_consultation(edit_policy="comment"), body=BASE)
    with pytest.raises(Forbidden):
        _propose(session, page, resident, BASE + "More.\n")


def test_proposing_after_the_deadline_is_closed_and_hands_text_back(
    session, make_page, make_consultation, resident, move_clock
):
    consultation = make_consultation(edit_policy="suggest", closes_at=clock.now() + timedelta(hours=1))
    page = make_page(consultation, body=BASE)
    move_clock(timedelta(hours=2))
    with pytest.raises(ConsultationClosed) as raised:
        _propose(session, page, resident, BASE + "Late.\n")
    assert raised.value.details["your_body"] == BASE + "Late.\n"


def test_outsider_cannot_load_a_proposal_of_a_draft_consultation(
    session, make_page, make_consultation, official, make_user
):
    page = make_page(make_consultation(status="draft", edit_policy="suggest"), body=BASE)
    proposal = _propose(session, page, official, BASE + "Draft idea.\n")
    with pytest.raises(NotFound):
        service.load_proposal(session, make_user(), proposal.id)


def test_author_updates_an_open_proposal(session, page, resident):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    service.update_proposal(
        session, resident, proposal, body=BASE.replace("30 days", "90 days"), summary="Even longer"
    )
    assert (proposal.body, proposal.summary) == (BASE.replace("30 days", "90 days"), "Even longer")


def test_someone_else_may_not_update_a_proposal(session, page, resident, make_user):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    with pytest.raises(Forbidden) as raised:
        service.update_proposal(session, make_user(), proposal, body="Mine.\n")
    assert raised.value.details["your_body"] == "Mine.\n"


def test_author_withdraws_and_the_audit_log_records_it(session, page, resident):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    service.withdraw_proposal(session, resident, proposal)
    actions = session.scalars(select(AuditEvent.action)).all()
    assert proposal.status == "withdrawn" and "proposal_withdrawn" in actions


def test_withdrawing_a_withdrawn_proposal_is_a_conflict(session, page, resident):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    service.withdraw_proposal(session, resident, proposal)
    with pytest.raises(Conflict) as raised:
        service.withdraw_proposal(session, resident, proposal)
    assert raised.value.status == 409


@pytest.mark.parametrize("action", ["merge", "reject", "withdraw"])
def test_another_resident_may_not_decide_or_withdraw(action, session, page, resident, make_user):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    calls = {
        "merge": lambda who: service.merge_proposal(session, who, proposal),
        "reject": lambda who: service.reject_proposal(session, who, proposal, reason="No."),
        "withdraw": lambda who: service.withdraw_proposal(session, who, proposal),
    }
    with pytest.raises(Forbidden):
        calls[action](make_user())
    assert proposal.status == "open"


def test_merged_revision_credits_the_proposer_and_the_official(session, page, resident, official):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    outcome = service.merge_proposal(session, official, proposal)
    revision = outcome.revision
    assert (revision.author_id, revision.merged_by_id, revision.proposal_id) == (
        resident.id,
        official.id,
        proposal.id,
    )
    assert (proposal.status, proposal.merged_revision, proposal.decided_by_id) == ("merged", 2, official.id)


def test_blame_attributes_merged_words_to_the_proposer(session, page, resident, official):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    service.merge_proposal(session, official, proposal)
    _, spans = history.blame_revision(session, page)
    assert [s.author.id for s in spans if "60" in s.text] == [resident.id]


def test_stale_proposal_merges_three_way_over_newer_revisions(session, page, resident, official):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    _edit(session, page, BASE.replace("23:00", "22:00"), 1)
    service.merge_proposal(session, official, proposal)
    assert _head(session, page).body == BASE.replace("30 days", "60 days").replace("23:00", "22:00")


def test_conflicting_merge_saves_nothing_and_returns_both_texts_and_a_marked_text(
    session, page, resident, official
):
    mine = BASE.replace("30 days", "60 days")
    proposal = _propose(session, page, resident, mine)
    _edit(session, page, BASE.replace("30 days", "45 days"), 1)
    with pytest.raises(EditConflict) as raised:
        service.merge_proposal(session, official, proposal)
    details = raised.value.details
    assert (details["your_body"], details["head_body"]) == (mine, BASE.replace("30 days", "45 days"))
    assert details["conflicts"] and "<<<<<<<" in details["marked_body"]
    assert (
        _revisions(session, page) == 2
        and service.load_proposal(session, official, proposal.id).status == "open"
    )


def test_conflicting_merge_resolved_by_hand_saves_the_resolution(session, page, resident, official):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    _edit(session, page, BASE.replace("30 days", "45 days"), 1)
    resolved = BASE.replace("30 days", "50 days")
    outcome = service.merge_proposal(session, official, proposal, body=resolved, base_revision=2)
    assert (outcome.revision.number, outcome.revision.body, outcome.revision.author_id) == (
        3,
        resolved,
        resident.id,
    )
    assert proposal.status == "merged"


def test_resolution_still_holding_conflict_markers_is_invalid(session, page, resident, official):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    marked = "<<<<<<< suggestion\n60 days\n=======\n45 days\n>>>>>>> current\n"
    with pytest.raises(Invalid) as raised:
        service.merge_proposal(session, official, proposal, body=marked)
    assert raised.value.details["your_body"] == marked


def test_partial_merge_applies_accepted_hunks_and_records_the_declined(session, page, resident, official):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days").replace("23:00", "21:00"))
    outcome = service.merge_proposal(session, official, proposal, accept=[0])
    assert outcome.revision.body == BASE.replace("30 days", "60 days")
    assert (proposal.partial, proposal.declined) == (
        True,
        [{"index": 1, "start": 76, "end": 78, "base": "23", "text": "21"}],
    )


def test_accepting_every_hunk_is_a_full_merge(session, page, resident, official):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days").replace("23:00", "21:00"))
    service.merge_proposal(session, official, proposal, accept=[1, 0])
    assert (proposal.partial, proposal.declined) == (False, None)


@pytest.mark.parametrize("accept", [[], [5], ["0"], "0"])
def test_bad_hunk_selection_is_invalid(accept, session, page, resident, official):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    with pytest.raises(Invalid) as raised:
        service.merge_proposal(session, official, proposal, accept=accept)
    assert "accept" in raised.value.fields


def test_merging_twice_is_already_merged_and_adds_no_revision(session, page, resident, official):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    service.merge_proposal(session, official, proposal)
    with pytest.raises(Conflict) as raised:
        service.merge_proposal(session, official, proposal)
    assert raised.value.code == "already_merged" and _revisions(session, page) == 2


def test_merge_of_a_change_already_in_the_text_points_at_the_current_revision(
    session, page, resident, official
):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    _edit(session, page, BASE.replace("30 days", "60 days"), 1)
    outcome = service.merge_proposal(session, official, proposal)
    assert outcome.unchanged and (proposal.status, proposal.merged_revision) == ("merged", 2)


def test_merge_of_a_proposal_rewritten_since_review_is_refused(session, page, resident, official):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    seen = reviews.review_proposal(session, proposal).version
    service.update_proposal(session, resident, proposal, body=BASE.replace("30 days", "90 days"))
    with pytest.raises(Conflict) as raised:
        service.merge_proposal(session, official, proposal, version=seen)
    assert raised.value.code == "proposal_changed" and _revisions(session, page) == 1


def test_merge_notifies_the_proposer(session, page, resident, official):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    service.merge_proposal(session, official, proposal, accept=[0])
    kinds = session.scalars(select(Notification.kind).where(Notification.user_id == resident.id)).all()
    assert kinds == ["proposal_merged"]


def test_partial_merge_is_audited_as_partly_merged(session, page, resident, official):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days").replace("23:00", "21:00"))
    service.merge_proposal(session, official, proposal, accept=[1])
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "proposal_partly_merged")).one()
    assert event.details["proposal"] == proposal.id and event.details["declined"] == [0]


def test_merging_in_an_adopted_consultation_is_refused(session, page, resident, official):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    for status in ("closed", "adopted"):
        consultations.update_consultation(session, official, page.consultation, {"status": status})
    with pytest.raises(ConsultationClosed):
        service.merge_proposal(session, official, proposal)


def test_officials_still_merge_after_the_consultation_closed(session, page, resident, official):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    consultations.update_consultation(session, official, page.consultation, {"status": "closed"})
    assert service.merge_proposal(session, official, proposal).revision.number == 2


def test_reject_requires_a_reason(session, page, resident, official):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    with pytest.raises(Invalid) as raised:
        service.reject_proposal(session, official, proposal, reason="  ")
    assert "reason" in raised.value.fields and proposal.status == "open"


def test_reject_keeps_the_public_reason_and_notifies(session, page, resident, official):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    service.reject_proposal(session, official, proposal, reason="Thirty days is the legal maximum.")
    kinds = session.scalars(select(Notification.kind).where(Notification.user_id == resident.id)).all()
    assert (proposal.status, proposal.reason, kinds) == (
        "rejected",
        "Thirty days is the legal maximum.",
        ["proposal_rejected"],
    )


def test_rejecting_a_merged_proposal_is_already_merged(session, page, resident, official):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    service.merge_proposal(session, official, proposal)
    with pytest.raises(Conflict) as raised:
        service.reject_proposal(session, official, proposal, reason="Late.")
    assert raised.value.code == "already_merged"


def test_review_numbers_the_hunks_and_previews_a_clean_merge(session, page, resident):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days").replace("23:00", "21:00"))
    review = reviews.review_proposal(session, proposal)
    assert [(h.index, h.base, h.text) for h in review.changes] == [(0, "30", "60"), (1, "23", "21")]
    assert review.mergeable and review.marked is None and review.preview_ops


def test_review_of_a_conflicting_proposal_marks_the_conflicts(session, page, resident):
    proposal = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    _edit(session, page, BASE.replace("30 days", "45 days"), 1)
    review = reviews.review_proposal(session, proposal)
    assert review.mergeable is False and review.merge.conflicts
    assert (
        "The notice period is 60 days." in review.marked and "The notice period is 45 days." in review.marked
    )


def test_overlapping_open_proposals_are_marked_and_separate_ones_are_not(session, page, resident, make_user):
    first = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    _edit(session, page, BASE.replace("Vendors", "Traders"), 1)
    second = _propose(
        session, page, make_user(), BASE.replace("Vendors", "Traders").replace("30 days", "14 days"), base=2
    )
    third = _propose(session, page, make_user(), BASE.replace("23:00", "22:00"))
    states = reviews.open_states(session, page)
    assert states[first.id].overlaps == [second.id] and states[second.id].overlaps == [first.id]
    assert states[third.id].overlaps == [] and all(state.mergeable for state in states.values())


def test_a_conflicting_proposal_still_shows_its_overlaps(session, page, resident, make_user):
    first = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    second = _propose(session, page, make_user(), BASE.replace("30 days", "90 days"))
    _edit(session, page, BASE.replace("30 days", "45 days"), 1)
    states = reviews.open_states(session, page)
    assert states[first.id] == reviews.OpenState(False, [second.id])


def test_listing_filters_by_status(session, page, resident, official):
    kept = _propose(session, page, resident, BASE.replace("30 days", "60 days"))
    merged = _propose(session, page, resident, BASE.replace("23:00", "22:00"))
    service.merge_proposal(session, official, merged)
    items, total = reviews.list_proposals(session, page, status="open")
    assert [p.id for p in items] == [kept.id] and total == 1

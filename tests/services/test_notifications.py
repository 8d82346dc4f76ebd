"""Watchlists and notifications: who hears of what, grouped one entry per page per day, and only
about what they may still read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete

from govwiki.models import Membership, Notification, Proposal
from govwiki.services import consultations, notifications, pages
from govwiki.services.errors import Invalid, NotFound, Unauthenticated


def _entries(session, user):
    items, _total = notifications.list_notifications(session, user)
    return items


def _edit(session, user, page, text: str):
    head = pages.head_revision(session, page)
    return pages.save_page(session, user, page, body=head.body + text + "\n", base_revision=head.number)


def _proposal(
    session, page, author, *, decided_by, status="merged", reason="", merged_revision=None, partial=False
):
    proposal = Proposal(
        page_id=page.id,
        author_id=author.id,
        base_number=1,
        body="Proposed.\n",
        summary="Shorter",
        status=status,
        decided_by_id=decided_by.id,
        reason=reason,
        merged_revision=merged_revision,
        partial=partial,
    )
    session.add(proposal)
    session.commit()
    return proposal


@pytest.fixture
def resident(make_user):
    return make_user("resident", "rosa", display_name="Rosa")


def test_watcher_hears_of_a_new_revision_by_someone_else(session, make_page, official, resident):
    page = make_page()
    _edit(session, resident, page, "Rosa's line.")
    [entry] = _entries(session, official)
    assert (entry.kind, entry.count, entry.page_id) == ("page_edited", 1, page.id)
    assert entry.details["editors"] == [{"username": "rosa", "display_name": "Rosa"}]


def test_editor_does_not_hear_of_their_own_revision(session, make_page, official):
    page = make_page()
    _edit(session, official, page, "My own line.")
    assert _entries(session, official) == []


def test_ten_edits_of_a_page_in_one_day_are_one_entry_with_count_ten(session, make_page, official, make_user):
    page = make_page()
    editors = [make_user() for _ in range(3)]
    for number in range(10):
        _edit(session, editors[number % 3], page, f"Line {number}.")
    [entry] = _entries(session, official)
    assert entry.count == 10
    assert (
        entry.details["base_revision"],
        entry.details["first_revision"],
        entry.details["last_revision"],
    ) == (1, 2, 11)
    assert len(entry.details["editors"]) == 3


def test_each_watcher_keeps_the_day_as_they_saw_it(session, make_page, official, resident, make_user):
    page = make_page()
    late, both = make_user(), make_user()
    notifications.watch(session, both, page=page)
    notifications.watch(session, both, consultation=page.consultation)
    _edit(session, resident, page, "First.")
    notifications.watch(session, late, page=page)
    notifications.mark_read(session, official)
    _edit(session, resident, page, "Second.")
    _edit(session, both, page, "Third.")
    [early], [joined], [twice] = (_entries(session, user) for user in (official, late, both))
    assert (early.count, early.details["first_revision"], early.details["last_revision"]) == (3, 2, 4)
    assert (joined.count, joined.details["first_revision"], joined.details["last_revision"]) == (2, 3, 4)
    assert (twice.count, twice.details["first_revision"], twice.details["last_revision"]) == (2, 2, 3)
    assert early.read_at is None
    assert [e["username"] for e in early.details["editors"]] == ["rosa", both.username]
    assert [e["username"] for e in twice.details["editors"]] == ["rosa"]


def test_edits_on_the_next_day_start_a_new_entry(session, make_page, official, resident, move_clock):
    page = make_page()
    _edit(session, resident, page, "Monday.")
    move_clock(timedelta(days=1))
    _edit(session, resident, page, "Tuesday.")
    newest, oldest = _entries(session, official)
    assert (newest.count, oldest.count) == (1, 1)
    assert (newest.details["first_revision"], newest.details["base_revision"]) == (3, 2)


def test_edits_are_grouped_per_page(session, make_consultation, make_page, official, resident):
    consultation = make_consultation()
    first, second = make_page(consultation, title="One"), make_page(consultation, title="Two")
    for page in (first, second, first):
        _edit(session, resident, page, "More.")
    counts = {entry.page_id: entry.count for entry in _entries(session, official)}
    assert counts == {first.id: 2, second.id: 1}


def test_a_page_watcher_hears_only_of_that_page(session, make_consultation, make_page, resident, make_user):
    consultation = make_consultation()
    watched, other = make_page(consultation, title="Watched"), make_page(consultation, title="Other")
    reader = make_user()
    notifications.watch(session, reader, page=watched)
    _edit(session, resident, other, "Elsewhere.")
    _edit(session, resident, watched, "Here.")
    assert [entry.page_id for entry in _entries(session, reader)] == [watched.id]


def test_a_merged_proposal_does_not_tell_its_author_of_the_edit(session, make_page, official, resident):
    page = make_page()
    head = pages.head_revision(session, page)
    notifications.watch(session, resident, page=page)
    # what merging a proposal appends: the proposer's words, merged by an official
    revision = pages._append(
        session,
        page,
        head.number,
        head,
        pages.NewRevision("Merged.\n", resident, "merged", merged_by=official),
    )
    session.commit()
    assert revision.author_id == resident.id
    assert _entries(session, resident) == []


def test_status_changes_reach_consultation_watchers_but_not_the_official_who_made_them(
    session, make_consultation, official, make_user
):
    consultation = make_consultation(status="open")
    reader = make_user()
    notifications.watch(session, reader, consultation=consultation)
    consultations.update_consultation(session, official, consultation, {"status": "closed"})
    [entry] = _entries(session, reader)
    assert (entry.kind, entry.details["from"], entry.details["to"]) == ("status_changed", "open", "closed")
    assert [e.kind for e in _entries(session, official)] == []


def test_status_changes_reach_watchers_of_its_pages(session, make_page, official, make_user):
    page = make_page()
    reader = make_user()
    notifications.watch(session, reader, page=page)
    consultations.update_consultation(session, official, page.consultation, {"status": "closed"})
    assert [entry.kind for entry in _entries(session, reader)] == ["status_changed"]


@pytest.mark.parametrize(
    "kind, partial, expected",
    [
        ("proposal_merged", False, "proposal_merged"),
        ("merged", True, "proposal_partly_merged"),
        ("proposal_partly_merged", True, "proposal_partly_merged"),
        ("rejected", False, "proposal_rejected"),
    ],
)
def test_proposers_hear_what_became_of_their_proposal(
    kind, partial, expected, session, make_page, official, resident
):
    page = make_page()
    proposal = _proposal(
        session,
        page,
        resident,
        decided_by=official,
        reason="Too vague",
        merged_revision=None if "rejected" in kind else 2,
        partial=partial,
    )
    notifications.proposal_decided(session, proposal, kind)
    session.commit()
    [entry] = _entries(session, resident)
    assert (entry.kind, entry.proposal_id, entry.details["reason"]) == (expected, proposal.id, "Too vague")


def test_an_official_deciding_their_own_proposal_is_not_notified(session, make_page, official):
    proposal = _proposal(session, make_page(), official, decided_by=official, merged_revision=2)
    notifications.proposal_decided(session, proposal, "merged")
    session.commit()
    assert _entries(session, official) == []


def test_unread_count_and_mark_read(session, make_consultation, make_page, official, resident):
    consultation = make_consultation()
    first, second = make_page(consultation, title="One"), make_page(consultation, title="Two")
    _edit(session, resident, first, "A.")
    _edit(session, resident, second, "B.")
    assert notifications.unread_count(session, official) == 2
    one = _entries(session, official)[0]
    assert notifications.mark_read(session, official, [one.id]) == 1
    assert notifications.unread_count(session, official) == 1
    assert notifications.mark_read(session, official) == 1
    assert notifications.unread_count(session, official) == 0


def test_nobody_marks_someone_elses_notifications_read(session, make_page, official, resident):
    page = make_page()
    _edit(session, resident, page, "A.")
    [entry] = _entries(session, official)
    assert notifications.mark_read(session, resident, [entry.id]) == 0
    assert notifications.unread_count(session, official) == 1


@pytest.mark.parametrize("ids", [["1"], [True], [2**40], "all", [0]])
def test_mark_read_refuses_ids_that_are_not_ids(ids, session, official):
    with pytest.raises(Invalid):
        notifications.mark_read(session, official, ids)


def test_an_entry_bumped_after_being_read_is_unread_again(session, make_page, official, resident):
    page = make_page()
    _edit(session, resident, page, "A.")
    notifications.mark_read(session, official)
    _edit(session, resident, page, "B.")
    [entry] = _entries(session, official)
    assert entry.read_at is None and entry.count == 2
    assert notifications.unread_count(session, official) == 1


def test_opening_an_entry_marks_it_read(session, make_page, official, resident):
    page = make_page()
    _edit(session, resident, page, "A.")
    [entry] = _entries(session, official)
    assert notifications.open_notification(session, official, entry.id).read_at is not None
    assert notifications.unread_count(session, official) == 0


def test_someone_elses_entry_cannot_be_opened(session, make_page, official, resident):
    page = make_page()
    _edit(session, resident, page, "A.")
    [entry] = _entries(session, official)
    with pytest.raises(NotFound):
        notifications.open_notification(session, resident, entry.id)


@pytest.mark.parametrize("state", [{"status": "draft"}, {"status": "open", "visibility": "invited"}])
def test_watching_what_you_may_not_read_is_not_found(state, session, make_consultation, resident):
    consultation = make_consultation(**state)
    with pytest.raises(NotFound):
        notifications.watch(session, resident, consultation=consultation)
    assert not notifications.is_watching(session, resident, consultation=consultation)


def test_watching_a_page_you_may_not_read_is_not_found(session, make_consultation, make_page, resident):
    page = make_page(make_consultation(status="draft"))
    with pytest.raises(NotFound):
        notifications.watch(session, resident, page=page)


def test_watching_needs_a_signed_in_user(session, make_consultation):
    with pytest.raises(Unauthenticated):
        notifications.watch(session, None, consultation=make_consultation())


def test_watching_twice_is_harmless_and_unwatch_stops_it(session, make_consultation, resident):
    consultation = make_consultation()
    notifications.watch(session, resident, consultation=consultation)
    notifications.watch(session, resident, consultation=consultation)
    assert notifications.list_watches(session, resident)[1] == 1
    notifications.unwatch(session, resident, consultation=consultation)
    assert not notifications.is_watching(session, resident, consultation=consultation)


def test_an_expert_who_loses_membership_no_longer_sees_its_notifications(
    session, make_consultation, make_page, official, make_user
):
    consultation = make_consultation(visibility="invited")
    expert = make_user()
    consultations.add_member(session, official, consultation, expert, "expert")
    notifications.watch(session, expert, consultation=consultation)
    _edit(session, official, make_page(consultation), "Private change.")
    assert notifications.unread_count(session, expert) == 1
    session.execute(delete(Membership).where(Membership.user_id == expert.id))
    session.commit()
    assert _entries(session, expert) == []
    assert notifications.unread_count(session, expert) == 0
    assert notifications.list_watches(session, expert) == ([], 0)


def test_a_consultation_that_turns_private_takes_its_notifications_out_of_sight(
    session, make_page, official, resident
):
    page = make_page()
    notifications.watch(session, resident, page=page)
    _edit(session, official, page, "Public change.")
    assert len(_entries(session, resident)) == 1
    consultations.update_consultation(session, official, page.consultation, {"visibility": "invited"})
    assert _entries(session, resident) == [] and notifications.unread_count(session, resident) == 0
    # the stored entry is kept: it comes back if the consultation is public again
    assert session.query(Notification).filter_by(user_id=resident.id).count() == 1


# --- new proposals reach the consultation's officials -------------------------------------------


def _suggest(session, user, page, summary="Shorter"):
    from govwiki.services import proposals

    return proposals.submit_proposal(
        session, user, page, body="Proposed.\n", summary=summary, base_revision=1
    )


def test_officials_hear_of_a_new_proposal_even_without_watching(
    session, make_consultation, make_page, official, resident, make_user
):
    consultation = make_consultation(edit_policy="suggest")
    page = make_page(consultation)
    second = make_user("official", "omar")
    consultations.add_member(session, official, consultation, second, "official")
    notifications.unwatch(session, official, consultation=consultation)
    proposal = _suggest(session, resident, page)
    for person in (official, second):
        [entry] = _entries(session, person)
        assert (entry.kind, entry.proposal_id, entry.page_id) == ("proposal_submitted", proposal.id, page.id)
        assert entry.details["by"] == "Rosa" and entry.details["summary"] == "Shorter"


def test_watchers_of_the_page_hear_of_a_new_proposal_but_not_its_author(
    session, make_consultation, make_page, resident, make_user
):
    page = make_page(make_consultation(edit_policy="suggest"))
    watcher, bystander = make_user(), make_user()
    notifications.watch(session, watcher, page=page)
    _suggest(session, resident, page)
    assert [e.kind for e in _entries(session, watcher)] == ["proposal_submitted"]
    assert _entries(session, bystander) == [] and _entries(session, resident) == []


def test_an_official_suggesting_is_not_told_of_their_own_proposal(
    session, make_consultation, make_page, official
):
    page = make_page(make_consultation(edit_policy="suggest"))
    _suggest(session, official, page)
    assert _entries(session, official) == []


def test_each_new_proposal_is_its_own_entry(session, make_consultation, make_page, official, resident):
    page = make_page(make_consultation(edit_policy="suggest"))
    _suggest(session, resident, page, "One")
    _suggest(session, resident, page, "Two")
    assert sorted(e.details["summary"] for e in _entries(session, official)) == ["One", "Two"]


# --- people watch what they edit or suggest, by default ------------------------------------------


def test_an_editor_watches_the_page_by_default_and_hears_of_later_edits(
    session, make_page, resident, make_user
):
    page = make_page()
    _edit(session, resident, page, "Rosa's line.")
    assert notifications.is_watching(session, resident, page=page)
    _edit(session, make_user(), page, "Someone else's line.")
    assert [e.kind for e in _entries(session, resident)] == ["page_edited"]


def test_a_proposer_watches_the_page_by_default(session, make_consultation, make_page, resident):
    page = make_page(make_consultation(edit_policy="suggest"))
    _suggest(session, resident, page)
    assert notifications.is_watching(session, resident, page=page)


def test_watching_the_consultation_already_covers_the_page(session, make_page, official):
    page = make_page()
    _edit(session, official, page, "The official's line.")
    assert notifications.is_watching(session, official, consultation=page.consultation)
    assert not notifications.is_watching(session, official, page=page)


def test_a_page_once_unwatched_is_not_watched_again_by_editing(session, make_page, resident):
    page = make_page()
    _edit(session, resident, page, "First.")
    notifications.unwatch(session, resident, page=page)
    _edit(session, resident, page, "Second.")
    assert not notifications.is_watching(session, resident, page=page)


def test_watching_again_after_unwatching_sticks(session, make_page, resident):
    page = make_page()
    notifications.unwatch(session, resident, page=page)
    notifications.watch(session, resident, page=page)
    notifications.unwatch(session, resident, page=page)
    notifications.watch(session, resident, page=page)
    _edit(session, resident, page, "Still watching.")
    assert notifications.is_watching(session, resident, page=page)


def test_an_official_merging_a_proposal_does_not_start_watching_the_page(
    session, make_consultation, make_page, official, resident, make_user
):
    from govwiki.services import proposals

    consultation = make_consultation(edit_policy="suggest")
    page = make_page(consultation)
    reviewer = make_user("official", "omar")
    consultations.add_member(session, official, consultation, reviewer, "official")
    proposals.merge_proposal(session, reviewer, _suggest(session, resident, page))
    assert not notifications.is_watching(session, reviewer, page=page)


def test_a_day_names_each_editor_once_and_then_says_there_were_more(
    session, make_page, official, make_user, monkeypatch
):
    monkeypatch.setattr(notifications, "NAMED_EDITORS", 2)
    page = make_page()
    first, second, third = make_user(), make_user(), make_user()
    for editor, text in ((first, "A."), (second, "B."), (first, "C."), (third, "D.")):
        _edit(session, editor, page, text)
    [entry] = _entries(session, official)
    assert [e["username"] for e in entry.details["editors"]] == [first.username, second.username]
    assert entry.details["more_editors"] is True
    assert (entry.count, entry.details["last_revision"], entry.details["by"]) == (4, 5, third.display_name)


def test_every_watcher_is_bumped_by_one_statement_however_their_days_differ(
    session, make_page, official, make_user
):
    """Watchers who joined at different times hold different days; a save still costs one UPDATE."""
    from sqlalchemy import event

    page = make_page()
    editors = [make_user() for _ in range(6)]
    for index, editor in enumerate(editors):  # each edits (and so watches) in turn: six distinct days
        _edit(session, editor, page, f"Edit {index}.")
    statements = []
    engine = session.get_bind()
    listener = lambda conn, cursor, statement, *args: statements.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        _edit(session, official, page, "One more.")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert sum(s.lstrip().upper().startswith("UPDATE NOTIFICATIONS") for s in statements) == 1
    assert all(_entries(session, editor)[0].details["last_revision"] == 8 for editor in editors)

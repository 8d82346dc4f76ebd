"""The outcome report ("we asked, you said, we did") and the text snapshots it compares."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from govwiki.models import Snapshot
from govwiki.services import consultations, pages, snapshots
from govwiki.services.report import consultation_report, page_changes
from govwiki.services.report_markdown import to_markdown
from tests.services.record_helpers import add_proposal


@pytest.fixture
def rosa(make_user):
    return make_user("resident", "rosa", display_name="Rosa")


@pytest.fixture
def sam(make_user):
    return make_user("resident", "sam", display_name="Sam")


def _status(session, official, consultation, *steps):
    for step in steps:
        consultations.update_consultation(session, official, consultation, {"status": step})


def _snapshot(session, consultation, kind) -> dict[int, int]:
    return snapshots.revisions(session, consultation, kind)


# --- snapshots ---------------------------------------------------------------------------------


def test_opening_records_each_pages_head(session, make_consultation, make_page, official):
    consultation = make_consultation(status="draft")
    first = make_page(consultation, body="One.\n", title="First")
    second = make_page(consultation, body="Two.\n", title="Second")
    pages.save_page(session, official, first, body="One, revised.\n", base_revision=1)
    _status(session, official, consultation, "open")
    assert _snapshot(session, consultation, "opened") == {first.id: 2, second.id: 1}
    assert _snapshot(session, consultation, "adopted") == {}


def test_edits_after_opening_show_in_the_opened_to_current_diff(
    session, make_consultation, make_page, official, rosa
):
    consultation = make_consultation(status="draft")
    page = make_page(consultation, body="Lanes on Main Street.\n")
    _status(session, official, consultation, "open")
    pages.save_page(session, rosa, page, body="Wide lanes on Main Street.\n", base_revision=1)
    [change] = page_changes(session, consultation)
    assert (change.opened.number, change.final.number, change.final_kind) == (1, 2, "current")
    assert "".join(op.text for op in change.ops if op.op != "insert") == "Lanes on Main Street.\n"
    assert "".join(op.text for op in change.ops if op.op != "delete") == "Wide lanes on Main Street.\n"
    assert change.changed and change.stats["inserted"] >= 1


def test_an_unchanged_page_reports_no_change(session, make_consultation, make_page, official):
    consultation = make_consultation(status="draft")
    make_page(consultation, body="Same.\n")
    _status(session, official, consultation, "open")
    [change] = page_changes(session, consultation)
    assert not change.changed and change.opened.number == change.final.number == 1


def test_a_page_added_after_opening_takes_its_first_revision_as_opened(
    session, make_consultation, make_page, official
):
    consultation = make_consultation(status="draft")
    make_page(consultation, body="Before.\n", title="Before")
    _status(session, official, consultation, "open")
    after_page = make_page(consultation, body="Added later.\n", title="After")
    pages.save_page(session, official, after_page, body="Added later, then edited.\n", base_revision=1)
    before, after = page_changes(session, consultation)
    assert before.opened.number == 1 and not before.added_later
    assert (after.opened.number, after.final.number, after.added_later) == (1, 2, True)
    assert "".join(op.text for op in after.ops if op.op != "insert") == "Added later.\n"


def test_a_page_added_after_opening_is_unchanged_until_edited(
    session, make_consultation, make_page, official
):
    consultation = make_consultation(status="open")
    make_page(consultation, body="Added while open.\n")
    [change] = page_changes(session, consultation)
    assert change.opened.number == 1 and not change.changed
    assert "as opened: revision 1, added after opening" in to_markdown(
        consultation_report(session, consultation)
    )


def test_a_consultation_never_opened_has_no_opened_text(session, make_consultation, make_page):
    consultation = make_consultation(status="draft")
    make_page(consultation, body="Draft.\n")
    [change] = page_changes(session, consultation)
    assert change.opened is None and change.final_kind == "current"


def test_adoption_freezes_the_adopted_text(session, make_consultation, make_page, official):
    consultation = make_consultation(status="draft")
    page = make_page(consultation, body="Opened.\n")
    _status(session, official, consultation, "open")
    pages.save_page(session, official, page, body="Adopted.\n", base_revision=1)
    _status(session, official, consultation, "closed", "adopted")
    assert _snapshot(session, consultation, "adopted") == {page.id: 2}
    # A later repair of the data moves the head; the adopted text stays the one adopted.
    consultation.status = "closed"
    session.commit()
    pages.save_page(session, official, page, body="Changed after adoption.\n", base_revision=2)
    consultation.status = "adopted"
    session.commit()
    snapshots.take(session, consultation, "adopted")
    session.commit()
    assert _snapshot(session, consultation, "adopted") == {page.id: 2}
    [change] = page_changes(session, consultation)
    assert (change.opened.number, change.final.number, change.final_kind) == (1, 2, "adopted")
    assert change.final.body == "Adopted.\n"


def test_reopening_keeps_the_first_opened_snapshot(session, make_consultation, make_page, official):
    consultation = make_consultation(status="draft")
    page = make_page(consultation, body="First opening.\n")
    _status(session, official, consultation, "open")
    pages.save_page(session, official, page, body="Changed while open.\n", base_revision=1)
    _status(session, official, consultation, "closed", "open")
    assert _snapshot(session, consultation, "opened") == {page.id: 1}
    assert len(session.scalars(select(Snapshot).where(Snapshot.kind == "opened")).all()) == 1
    [change] = page_changes(session, consultation)
    assert change.opened.body == "First opening.\n"


# --- the report --------------------------------------------------------------------------------


@pytest.fixture
def decided(session, make_consultation, make_page, official, rosa, sam):
    """Two pages; proposals merged, partly merged, rejected, withdrawn and still open."""
    consultation = make_consultation(status="draft", title="Cycle lanes", summary="Where should lanes go?")
    page = make_page(consultation, body="Lanes on Main Street.\n", title="Routes")
    other = make_page(consultation, body="Budget: 1M.\n", title="Budget")
    _status(session, official, consultation, "open")
    pages.save_page(session, rosa, page, body="Wide lanes on Main Street.\n", base_revision=1)
    add_proposal(
        session, page, rosa, status="merged", decided_by=official, merged_revision=2, summary="Wider"
    )
    add_proposal(
        session,
        other,
        sam,
        status="merged",
        decided_by=official,
        merged_revision=1,
        partial=True,
        declined=[{"start": 8, "end": 10, "base": "1M", "text": "5M"}],
        summary="More money",
    )
    add_proposal(
        session,
        page,
        sam,
        status="rejected",
        decided_by=official,
        reason="Out of budget.\nSorry.",
        summary="Tunnel",
    )
    add_proposal(session, other, rosa, status="withdrawn", summary="Oops")
    add_proposal(session, page, sam, summary="Bridge")
    return consultation


def test_report_counts_participants_and_proposals(session, decided):
    counts = consultation_report(session, decided).counts
    assert counts.participants == 3  # the official (pages), Rosa (edit, proposals), Sam (proposals)
    assert counts.revisions == 3
    assert (
        counts.received,
        counts.merged,
        counts.partly_merged,
        counts.rejected,
        counts.withdrawn,
        counts.open,
    ) == (5, 1, 1, 1, 1, 1)


def test_report_lists_participants_with_their_share(session, decided, official, rosa, sam):
    people = {
        (p.user.username, p.revisions, p.proposals)
        for p in consultation_report(session, decided).participants
    }
    assert people == {(official.username, 2, 0), ("rosa", 1, 2), ("sam", 0, 3)}


def test_report_lists_merged_proposals_with_author_and_landing_revision(
    session, decided, official, rosa, sam
):
    merged = consultation_report(session, decided).merged
    assert [(p.summary, p.author.username, p.merged_revision, p.partial) for p in merged] == [
        ("Wider", "rosa", 2, False),
        ("More money", "sam", 1, True),
    ]
    assert merged[1].declined == [{"start": 8, "end": 10, "base": "1M", "text": "5M"}]
    assert {p.decided_by.id for p in merged} == {official.id}


def test_report_lists_rejections_with_reason_and_who_decided(session, decided, official):
    report = consultation_report(session, decided)
    [rejected] = report.rejected
    assert (rejected.summary, rejected.reason, rejected.decided_by.id) == (
        "Tunnel",
        "Out of budget.\nSorry.",
        official.id,
    )
    assert [p.summary for p in report.withdrawn] == ["Oops"] and [p.summary for p in report.pending] == [
        "Bridge"
    ]


def test_report_compares_each_page_from_opening(session, decided):
    changes = consultation_report(session, decided).changes
    assert [(c.page.title, c.opened.number, c.final.number, c.changed) for c in changes] == [
        ("Routes", 1, 2, True),
        ("Budget", 1, 1, False),
    ]


def test_report_of_an_empty_consultation(session, make_consultation):
    report = consultation_report(session, make_consultation())
    assert report.counts.participants == 0 and report.counts.received == 0 and report.changes == []
    assert "This consultation has no pages." in to_markdown(report)


def test_markdown_tells_asked_said_did_and_the_text(session, decided):
    markdown = to_markdown(consultation_report(session, decided))
    assert markdown.startswith("# Outcome report: Cycle lanes\n")
    for heading in (
        "## We asked",
        "## You said",
        "## We did",
        "### Merged proposals",
        "### Rejected proposals",
        "### Withdrawn proposals",
        "### Awaiting a decision",
        "## The text: as opened and as adopted",
    ):
        assert f"\n{heading}\n" in markdown
    assert "- Proposals received: 5" in markdown and "  - partly merged: 1" in markdown
    assert "into revision 2" in markdown and "Rejected by olivia-official" in markdown
    assert "  > Out of budget.\n  > Sorry." in markdown
    assert "Declined: “1M” → “5M”" in markdown
    assert "{+Wide +}" in markdown or "{+Wide" in markdown


def test_markdown_escapes_what_people_typed(session, make_consultation, make_page, make_user, official):
    consultation = make_consultation(title="Lanes <script>alert(1)</script> [x](javascript:1)")
    page = make_page(consultation, body="Text.\n")
    mallory = make_user(display_name="*Mallory*")
    add_proposal(session, page, mallory, status="rejected", decided_by=official, reason="# Not a heading")
    markdown = to_markdown(consultation_report(session, consultation))
    assert "<script>" not in markdown and "\\[x\\](javascript:1)" in markdown
    assert "\\<script\\>" in markdown and "\\*Mallory\\*" in markdown
    assert "  > \\# Not a heading" in markdown


def test_markdown_fences_the_diff_beyond_any_backticks_in_the_text(
    session, make_consultation, make_page, official
):
    consultation = make_consultation(status="draft")
    page = make_page(consultation, body="Plain.\n")
    _status(session, official, consultation, "open")
    pages.save_page(session, official, page, body="Plain.\n````\ncode\n````\n", base_revision=1)
    markdown = to_markdown(consultation_report(session, consultation))
    assert "\n`````\n" in markdown

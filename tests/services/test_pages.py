"""Saving pages: direct saves, merges over newer revisions, conflicts, no-op saves, reverts."""

import pytest
from sqlalchemy import func, select

from govwiki.models import Revision
from govwiki.services import history, pages, revision_list
from govwiki.services.errors import EditConflict, Invalid, TooLarge

BASE = "Vendors apply for a permit.\n\nThe notice period is 30 days.\n\nStalls close at 23:00.\n"


def _revisions(session, page) -> int:
    return session.scalar(select(func.count()).where(Revision.page_id == page.id))


def test_create_page_starts_at_revision_one(make_page, session):
    page = make_page(body=BASE)
    head = pages.head_revision(session, page)
    assert (page.head_number, head.number, head.body, head.parent_number) == (1, 1, BASE, None)


def test_save_on_head_appends_the_next_revision(make_page, session):
    page = make_page(body=BASE)
    result = pages.save_page(
        session, page.consultation.created_by, page, body=BASE + "More.\n", base_revision=1
    )
    assert (result.revision.number, result.merged, result.revision.parent_number) == (2, False, 1)


def test_saving_the_unchanged_text_creates_no_revision(make_page, session):
    page = make_page(body=BASE)
    result = pages.save_page(session, page.consultation.created_by, page, body=BASE, base_revision=1)
    assert result.unchanged and _revisions(session, page) == 1


def test_line_endings_are_normalised_so_crlf_is_no_change(make_page, session):
    page = make_page(body=BASE)
    result = pages.save_page(
        session, page.consultation.created_by, page, body=BASE.replace("\n", "\r\n"), base_revision=1
    )
    assert result.unchanged


def test_stale_base_with_separate_changes_merges_both(make_page, session, make_user):
    page = make_page(body=BASE)
    owner = page.consultation.created_by
    pages.save_page(session, owner, page, body=BASE.replace("30 days", "45 days"), base_revision=1)
    result = pages.save_page(session, make_user(), page, body=BASE.replace("23:00", "23:30"), base_revision=1)
    assert result.merged
    assert result.revision.body == BASE.replace("30 days", "45 days").replace("23:00", "23:30")
    assert result.revision.merged_from_base == 1


def test_overlapping_change_is_a_conflict_that_saves_nothing(make_page, session, make_user):
    page = make_page(body=BASE)
    pages.save_page(
        session, page.consultation.created_by, page, body=BASE.replace("30 days", "45 days"), base_revision=1
    )
    mine = BASE.replace("30 days", "60 days")
    with pytest.raises(EditConflict) as raised:
        pages.save_page(session, make_user(), page, body=mine, base_revision=1)
    details = raised.value.details
    assert details["your_body"] == mine and "45 days" in details["head_body"]
    assert (details["base_revision"], details["head_revision"]) == (1, 2)
    assert details["conflicts"] and _revisions(session, page) == 2


def test_base_revision_beyond_the_head_is_invalid_and_hands_text_back(make_page, session):
    page = make_page(body=BASE)
    with pytest.raises(Invalid) as raised:
        pages.save_page(session, page.consultation.created_by, page, body="x", base_revision=7)
    assert "base_revision" in raised.value.fields and raised.value.details["your_body"] == "x"


def test_missing_base_revision_is_invalid(make_page, session):
    page = make_page(body=BASE)
    with pytest.raises(Invalid):
        pages.save_page(session, page.consultation.created_by, page, body="x", base_revision=None)


def test_body_over_the_limit_is_too_large(make_page, session):
    page = make_page(body=BASE)
    with pytest.raises(TooLarge):
        pages.save_page(
            session, page.consultation.created_by, page, body="x" * 101, base_revision=1, max_bytes=100
        )


def test_nul_in_body_is_invalid(make_page, session):
    page = make_page(body=BASE)
    with pytest.raises(Invalid):
        pages.save_page(session, page.consultation.created_by, page, body="a\x00b", base_revision=1)


def test_revert_restores_old_text_as_a_new_revision(make_page, session):
    page = make_page(body=BASE)
    owner = page.consultation.created_by
    pages.save_page(session, owner, page, body="Rewritten.\n", base_revision=1)
    result = pages.revert_page(session, owner, page, to_revision=1)
    assert (result.revision.number, result.revision.body, result.revision.reverted_to) == (3, BASE, 1)


def test_revert_keeps_the_original_authors_in_blame(make_page, session, make_user):
    page = make_page(body=BASE)
    owner = page.consultation.created_by
    pages.save_page(session, make_user(), page, body="Vandalised.\n", base_revision=1)
    pages.revert_page(session, owner, page, to_revision=1)
    _, spans = history.blame_revision(session, page)
    assert {span.revision for span in spans} == {1}


def test_blame_names_who_introduced_each_span(make_page, session, make_user):
    page = make_page(body=BASE)
    editor = make_user()
    pages.save_page(session, editor, page, body=BASE.replace("30 days", "45 days"), base_revision=1)
    _, spans = history.blame_revision(session, page)
    assert "".join(s.text for s in spans) == BASE.replace("30 days", "45 days")
    assert any("45" in s.text and s.author.id == editor.id and s.revision == 2 for s in spans)


def test_history_pages_newest_first_with_total(make_page, session):
    page = make_page(body="r1\n")
    owner = page.consultation.created_by
    for n in range(2, 8):
        pages.save_page(session, owner, page, body=f"r{n}\n", base_revision=n - 1)
    items, total = revision_list.list_revisions(session, page, page_no=2, per_page=3)
    assert total == 7 and [r.number for r in items] == [4, 3, 2]


def test_contributors_count_revisions_per_person(make_page, session, make_user):
    page = make_page(body="one\n")
    editor = make_user()
    pages.save_page(session, editor, page, body="two\n", base_revision=1)
    pages.save_page(session, editor, page, body="three\n", base_revision=2)
    tally = {c.user.username: c.revisions for c in pages.contributors(session, page)}
    assert tally == {page.consultation.created_by.username: 1, editor.username: 2}


def test_diff_defaults_to_previous_against_head(make_page, session):
    page = make_page(body="alpha beta\n")
    pages.save_page(session, page.consultation.created_by, page, body="alpha gamma\n", base_revision=1)
    result = history.diff_revisions(session, page)
    assert (result.old.number, result.new.number) == (1, 2)
    assert "".join(op.text for op in result.ops if op.op != "insert") == "alpha beta\n"

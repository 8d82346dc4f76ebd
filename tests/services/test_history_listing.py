"""History without bodies: what it lists is stored at save time, and listing it reads no text.

The counts (characters, words, words added and removed) come from one place, the save path
every use case goes through (create, save, merge over newer revisions, revert, merged
proposals); the history query never selects a body and costs the same at any length.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from govwiki.core.diff_views import count_words
from govwiki.extensions import db
from govwiki.models import Page, Revision
from govwiki.services import pages, revision_list
from govwiki.services import proposals as proposal_service


def save(session, user, page, body, base=None):
    base = base if base is not None else pages.head_revision(session, page).number
    return pages.save_page(session, user, page, body=body, base_revision=base).revision


@pytest.fixture
def statements():
    """Collect the SQL statements run inside a `with statements() as seen:` block."""

    class Recorder:
        def __init__(self):
            self.seen: list[str] = []

        def __enter__(self):
            event.listen(db.engine, "before_cursor_execute", self._record)
            return self.seen

        def __exit__(self, *exc):
            event.remove(db.engine, "before_cursor_execute", self._record)

        def _record(self, connection, cursor, statement, *args):
            self.seen.append(statement)

    return Recorder


def _fresh(session, page):
    """The page in an emptied session, so nothing already loaded hides what a query reads."""
    page_id = page.id
    session.expunge_all()
    return session.get(Page, page_id)


def _counts(revision) -> tuple[int, int, int, int, int]:
    return revision.size, revision.chars, revision.words, revision.words_added, revision.words_removed


# --- counts stored at save time ------------------------------------------------------------


def test_a_new_page_stores_its_sizes_and_words(session, make_page):
    page = make_page(body="Stalls open at dawn.\n区政府公示。\n")
    first = pages.head_revision(session, page)
    assert _counts(first) == (len(first.body.encode()), len(first.body), 4 + 5, 4 + 5, 0)


def test_a_save_stores_the_words_it_added_and_removed(session, make_page, official):
    page = make_page(body="Stalls open at dawn.\n\nFees are due in May.\n")
    revision = save(session, official, page, "Stalls open at noon daily.\n\nFees are due in May.\n")
    assert (revision.words, revision.words_added, revision.words_removed) == (10, 2, 1)


def test_chinese_counts_each_character_as_a_word(session, make_page, official):
    page = make_page(body="区政府在公示三十日后划定区域。\n")
    revision = save(session, official, page, "区政府在公示六十日后划定区域。\n")
    assert (revision.chars, revision.words, revision.words_added, revision.words_removed) == (16, 14, 1, 1)


def test_a_merge_over_newer_revisions_counts_the_merged_text(session, make_page, official, make_user):
    page = make_page(body="One paragraph here.\n\nAnother paragraph there.\n")
    save(session, official, page, "One paragraph here, amended.\n\nAnother paragraph there.\n")
    merged = save(session, make_user(), page, "One paragraph here.\n\nAnother paragraph, too.\n", base=1)
    assert merged.merged_from_base == 1 and merged.words == count_words(merged.body)
    assert (merged.words_added, merged.words_removed) == (1, 1)


def test_a_revert_counts_what_it_restores(session, make_page, official):
    page = make_page(body="Good text stays.\n")
    save(session, official, page, "Vandalised.\n")
    reverted = pages.revert_page(session, official, page, to_revision=1).revision
    assert (reverted.words, reverted.words_added, reverted.words_removed) == (3, 3, 1)


def test_a_merged_proposal_counts_its_revision(session, make_page, make_consultation, make_user):
    page = make_page(make_consultation(edit_policy="suggest"), body="The notice period is 30 days.\n")
    proposal = proposal_service.submit_proposal(
        session, make_user(), page, body="The notice period is 45 days.\n", summary="", base_revision=1
    )
    proposal_service.merge_proposal(session, page.consultation.created_by, proposal)
    revision = pages.head_revision(session, page)
    assert (revision.number, revision.words, revision.words_added, revision.words_removed) == (2, 6, 1, 1)


def test_stored_word_counts_add_up_over_a_history(session, make_page, official):
    bodies = ["A b c.\n", "A b c d.\n\nE 中文.\n", "E 中文 f.\n", "x\n" * 5, "Last words 最后.\n"]
    page = make_page(body=bodies[0])
    for body in bodies[1:]:
        save(session, official, page, body)
    for revision in session.scalars(select(Revision).where(Revision.page_id == page.id)):
        assert revision.words == count_words(revision.body), revision.number


# --- listing without bodies -----------------------------------------------------------------


def test_listing_history_never_selects_a_body(session, make_page, official, statements):
    page = make_page(body="x " * 50_000)
    save(session, official, page, "y " * 50_000)
    page = _fresh(session, page)  # nothing already loaded may hide what the listing reads
    with statements() as seen:
        items, total = revision_list.list_revisions(session, page, page_no=1, per_page=50)
        assert [(r.number, r.size, r.author.username) for r in items][0][:2] == (2, 100_000)
    assert total == 2 and seen
    assert not [sql for sql in seen if "body" in sql.lower()]


def test_a_listed_revision_holds_no_body_to_load(session, make_page, official):
    page = _fresh(session, make_page())
    (revision,), _ = revision_list.list_revisions(session, page)
    with pytest.raises(AttributeError):
        revision.body  # noqa: B018 - a lazy load of every listed body is what this prevents


def test_listing_a_screen_of_history_is_one_statement(session, make_page, official, statements):
    page = make_page(body="v1\n")
    save(session, official, page, "v2\n")
    page = _fresh(session, page)
    with statements() as seen:
        items, total = revision_list.list_revisions(session, page, page_no=1, per_page=50)
    assert total == 2 and [r.number for r in items] == [2, 1] and len(seen) == 1


def test_a_listed_revision_names_its_merger_and_the_people_as_they_are(
    session, make_page, make_consultation, make_user
):
    page = make_page(make_consultation(edit_policy="suggest"), body="The notice period is 30 days.\n")
    author, official = make_user(), page.consultation.created_by
    proposal = proposal_service.submit_proposal(
        session, author, page, body="The notice period is 45 days.\n", summary="", base_revision=1
    )
    proposal_service.merge_proposal(session, official, proposal)
    official.affiliation = "City hall"
    session.commit()
    names, proposal_id = (author.username, official.username), proposal.id
    newest, first = revision_list.list_revisions(session, _fresh(session, page))[0]
    assert (newest.author.username, newest.merged_by.username) == names
    assert newest.merged_by.affiliation == "City hall" and newest.proposal_id == proposal_id
    assert first.merged_by is None and first.parent_number is None and newest.parent_number == 1


def test_listing_history_costs_the_same_at_any_length(session, make_page, make_user, statements):
    short, long = make_page(body="v1\n"), make_page(body="v1\n")
    for page, revisions in ((short, 6), (long, 30)):
        for number in range(2, revisions + 1):
            save(session, make_user(), page, f"v{number}\n")
    ids = short.id, long.id
    session.expunge_all()

    def listing_statements(page_id: int) -> int:
        page = session.get(Page, page_id)
        with statements() as seen:
            items, _ = revision_list.list_revisions(session, page, page_no=1, per_page=5)
            assert [r.author.display_name for r in items]
        return len(seen)

    assert listing_statements(ids[0]) == listing_statements(ids[1])


def test_history_pages_hold_every_revision_once_newest_first(session, make_page, official):
    page = make_page(body="v1\n")
    for number in range(2, 13):
        save(session, official, page, f"v{number}\n")
    seen = []
    for page_no in (1, 2, 3, 4):
        items, total = revision_list.list_revisions(session, page, page_no=page_no, per_page=5)
        seen += [r.number for r in items]
    assert total == 12 and seen == list(range(12, 0, -1))
    assert revision_list.list_revisions(session, page, page_no=4, per_page=5)[0] == []

"""Each save keeps its diff's shape beside the new revision, so the first view of that change,
in any worker, rebuilds the diff from the two bodies instead of diffing them again."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from govwiki.core import diff_cache
from govwiki.core.diff import diff_texts
from govwiki.models import Revision
from govwiki.services import history, pages

TEXT = "".join(f"Clause {n}. Stalls open at six.\n\n" for n in range(1, 60))
EDITED = TEXT.replace("Clause 7. Stalls open at six", "Clause 7. Stalls open at seven")


def save(session, user, page, body):
    base = pages.head_revision(session, page).number
    return pages.save_page(session, user, page, body=body, base_revision=base).revision


@pytest.fixture
def edited(session, make_page, official):
    page = make_page(body=TEXT)
    save(session, official, page, EDITED)
    save(session, official, page, EDITED + "Clause 60. New.\n")
    diff_cache.clear_diff_cache()  # as a worker that did not save them
    return page


def shapes(session, page):
    rows = select(Revision.number, Revision.diff_shape).where(Revision.page_id == page.id)
    return dict(session.execute(rows).all())


def test_a_save_keeps_its_diffs_shape_and_a_first_revision_has_none(session, edited):
    kept = shapes(session, edited)
    assert kept[1] is None and kept[2] and kept[3]


def test_the_first_view_of_a_change_is_rebuilt_from_its_kept_shape(session, edited, monkeypatch):
    expected = tuple(diff_texts(TEXT, EDITED))
    monkeypatch.setattr(diff_cache, "diff_texts", lambda *a, **k: pytest.fail("diffed again"))
    found = history.diff_revisions(session, edited, 1, 2)
    assert found.ops == expected and found.stats["inserted"] == 1


def test_a_diff_across_several_revisions_is_computed(session, edited):
    found = history.diff_revisions(session, edited, 1, 3)
    assert found.ops == tuple(diff_texts(TEXT, EDITED + "Clause 60. New.\n"))


def test_a_revision_saved_without_a_shape_is_diffed_when_first_viewed(session, edited):
    session.execute(update(Revision).where(Revision.page_id == edited.id).values(diff_shape=None))
    session.commit()
    assert history.diff_revisions(session, edited, 1, 2).ops == tuple(diff_texts(TEXT, EDITED))

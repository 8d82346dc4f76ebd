"""Search through the services, on the real database: every committed change is found at once,
and what a reader may not read is neither found nor counted."""

from __future__ import annotations

import gc
import os
import shutil
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from govwiki.extensions import db
from govwiki.models import SearchChange
from govwiki.search.index import SearchIndex
from govwiki.services import comments, moderation, pages, proposals, search_queue
from govwiki.services.search import search
from govwiki.services.search_rebuild import rebuild_into

STALLS = "城市管理执法局征集市民对便民菜站设置方案的意见。\n"


@pytest.fixture
def index(app):
    return app.extensions["govwiki_search"]


def found(session, actor, index, text, **asked) -> list[str]:
    return sorted(hit.key for hit in search(session, actor, index, text=text, **asked).hits)


def test_a_saved_page_is_found_by_its_new_text_and_no_longer_by_its_old(session, make_page, make_user, index):
    page = make_page(body=STALLS, title="Market plan")
    resident = make_user()
    assert found(session, None, index, "菜站") == [f"page:{page.id}"]
    pages.save_page(session, resident, page, body="The parking plan was drafted.\n", base_revision=1)
    assert found(session, None, index, "菜站") == []
    assert found(session, None, index, "draft") == [f"page:{page.id}"]


def test_a_draft_consultation_is_found_only_by_those_who_may_read_it(
    session, make_consultation, make_page, make_user, official, index
):
    draft = make_consultation(status="draft")
    page = make_page(draft, body="Secret parking fees.\n")
    assert found(session, None, index, "parking") == []
    assert found(session, make_user(), index, "parking") == []
    assert found(session, official, index, "parking") == [f"page:{page.id}"]
    assert search(session, make_user("admin"), index, text="parking").total == 1


def test_a_hidden_comment_leaves_the_index_and_comes_back_unhidden(
    session, make_page, make_user, official, index
):
    page = make_page()
    comment = comments.post_comment(session, make_user(), page, body="Bicycle lanes on every street.")
    assert found(session, None, index, "bicycle") == [f"comment:{comment.id}"]
    moderation.hide_comment(session, official, comment, reason="Off topic")
    assert found(session, None, index, "bicycle") == []
    moderation.unhide_comment(session, official, comment)
    assert found(session, None, index, "bicycle") == [f"comment:{comment.id}"]


def test_a_decided_proposal_is_found_with_its_new_status(
    session, make_consultation, make_page, make_user, official, index
):
    page = make_page(make_consultation(edit_policy="suggest"))
    proposal = proposals.submit_proposal(
        session, make_user(), page, body="Trees along the river.\n", summary="Trees", base_revision=1
    )
    assert found(session, None, index, "trees", status="open") == [f"proposal:{proposal.id}"]
    proposals.reject_proposal(session, official, proposal, reason="Out of scope for this plan.")
    assert found(session, None, index, "trees", status="open") == []
    assert found(session, None, index, "trees", status="rejected") == [f"proposal:{proposal.id}"]


def test_draining_empties_the_queue_and_a_second_drain_has_nothing_to_do(session, make_page, index):
    make_page(body="Library opening hours.\n")
    assert db.session.scalar(select(func.count()).select_from(SearchChange)) > 0
    search(session, None, index, text="library")
    assert db.session.scalar(select(func.count()).select_from(SearchChange)) == 0
    assert search_queue.drain(db.engine, index) == 0


def test_a_missing_index_is_rebuilt_from_the_database(session, make_page, index):
    page = make_page(body="Night buses to the airport.\n")
    found(session, None, index, "buses")
    shutil.rmtree(index.folder)
    missing = SearchIndex(index.folder)  # a new process finds no folder
    assert found(session, None, missing, "buses") == [f"page:{page.id}"]


def test_rebuilding_swaps_in_a_complete_index(session, make_page, index, tmp_path):
    page = make_page(body="Street lights.\n")
    folder = str(tmp_path / "rebuilt")
    assert rebuild_into(db.engine, folder) >= 2  # the page and its consultation
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".rebuilt")]
    assert found(session, None, SearchIndex(folder), "lights") == [f"page:{page.id}"]


def test_the_reindex_command_rebuilds_and_says_how_many(runner, make_page, app, session, index):
    page = make_page(body="Public toilets in parks.\n")
    result = runner.invoke(args=["govwiki", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed 2 documents" in result.output
    assert found(session, None, index, "toilets") == [f"page:{page.id}"]


def test_a_search_while_another_worker_holds_the_index_answers_from_it_as_it_stands(
    session, make_page, index, monkeypatch
):
    first = make_page(body="Ferry timetable.\n")
    assert found(session, None, index, "ferry") == [f"page:{first.id}"]
    make_page(body="Ferry fares.\n")
    monkeypatch.setattr("govwiki.search.index.WRITE_TIMEOUT", 0.1)
    held = index._opened().writer()  # another worker, mid-drain
    try:
        assert found(session, None, index, "ferry") == [f"page:{first.id}"]
    finally:
        held.cancel()
    assert len(found(session, None, index, "ferry")) == 2  # the queue kept the change


def _in_index(index, text, consultation) -> list[str]:
    """What the index itself holds, without the drain a search does first."""
    from govwiki.search.index import SearchRequest

    request = SearchRequest(text=text, readable=frozenset({consultation.id}))
    return sorted(hit.key for hit in index.search(request).hits)


def test_a_request_that_saves_updates_the_index_once_its_response_is_sent(
    client, session, make_page, make_user, bearer, index
):
    page = make_page(body="Tram lines.\n")
    found(session, None, index, "tram")  # the first search builds the index
    response = client.put(
        f"/api/v1/pages/{page.slug}",
        headers=bearer(make_user()),
        json={"body": "Cable cars.\n", "base_revision": 1},
    )
    assert response.status_code == 200, response.get_json()
    # nobody waits for the index: it is updated once the response has been sent (closed)
    assert db.session.scalar(select(func.count()).select_from(SearchChange)) > 0
    response.close()
    assert _in_index(index, "cable", page.consultation) == [f"page:{page.id}"]
    assert db.session.scalar(select(func.count()).select_from(SearchChange)) == 0


class _LetsAnotherWorkerIn:
    """An index whose first batch, once committed, lets `meanwhile` happen before the drain goes
    on: the window between the index's commit (which releases the lock) and the queue's delete."""

    def __init__(self, index: SearchIndex, meanwhile):
        self._index, self._meanwhile = index, meanwhile

    @contextmanager
    def batch(self):
        with self._index.batch() as batch:
            yield batch
        meanwhile, self._meanwhile = self._meanwhile, lambda: None
        meanwhile()


def test_a_change_queued_while_another_worker_drains_the_same_rows_is_not_forgotten(
    session, make_page, make_user, index
):
    # Two workers can read the same queued rows: the first forgets them only after the index's
    # commit has let the second in. A change queued once the second has forgotten them must not
    # take one of their ids (SQLite hands the highest rowid out again once it is deleted), or
    # the first worker's delete forgets it unindexed.
    tram, bus = make_page(body="Tram lines.\n"), make_page(body="Bus stops.\n")
    found(session, None, index, "tram")  # the first search builds the index: the queue is empty
    resident = make_user()
    pages.save_page(session, resident, tram, body="Cable cars.\n", base_revision=1)

    def another_worker():
        search_queue.drain(db.engine, SearchIndex(index.folder))
        pages.save_page(session, resident, bus, body="Ferries to the islands.\n", base_revision=1)

    search_queue.drain(db.engine, _LetsAnotherWorkerIn(index, another_worker))
    assert _in_index(index, "cable", tram.consultation) == [f"page:{tram.id}"]
    assert _in_index(index, "ferries", bus.consultation) == [f"page:{bus.id}"]


def test_a_rebuild_takes_the_queued_changes_with_it(session, make_page, tmp_path):
    make_page(body="Parks.\n")
    rebuild_into(db.engine, str(tmp_path / "rebuilt"))
    assert db.session.scalar(select(func.count()).select_from(SearchChange)) == 0


def test_snippets_show_the_text_as_read_not_its_markdown(session, make_page, index):
    make_page(body="# Rules\n\n**Dogs** must be on a [leash](https://example.org) in *parks*.\n")
    [hit] = search(session, None, index, text="parks").hits
    assert "**" not in hit.snippet_html and "](" not in hit.snippet_html and "# " not in hit.snippet_html
    assert "Dogs must be on a leash in" in str(hit.snippet_html)


# whoosh leaves the damaged table of contents' file open when it fails to read it
@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("found_by", ["a worker starting", "the next change"])
def test_a_damaged_index_is_set_aside_and_rebuilt(session, make_page, make_user, index, caplog, found_by):
    page = make_page(body="Flood defences.\n")
    found(session, None, index, "flood")
    _damage(index.folder)
    if found_by == "a worker starting":
        assert found(session, None, SearchIndex(index.folder), "flood") == [f"page:{page.id}"]
    else:
        # A worker with the index open answers from the segments it holds (they are intact)
        # until the next change makes it write: the writer reads the damaged table.
        assert found(session, None, index, "flood") == [f"page:{page.id}"]
        pages.save_page(session, make_user(), page, body="Flood barriers.\n", base_revision=1)
        assert found(session, None, index, "barriers") == [f"page:{page.id}"]
    assert "damaged" in caplog.text
    assert any(".damaged-" in name for name in os.listdir(os.path.dirname(index.folder)))
    gc.collect()  # whoosh's open file is reported here, under this test's filters


def _damage(folder: str) -> None:
    for name in os.listdir(folder):
        if name.endswith(".toc"):
            with open(os.path.join(folder, name), "wb") as damaged:
                damaged.write(b"not an index")


def test_a_rebuild_in_two_processes_indexes_everything_and_its_progress_reaches_the_total(
    session, make_page, tmp_path, monkeypatch
):
    monkeypatch.setattr("govwiki.services.search_queue.BATCH", 2)  # several batches of keys
    made = [make_page(body=f"Street light number {n}.\n") for n in range(5)]
    seen = []
    count = rebuild_into(db.engine, str(tmp_path / "rebuilt"), lambda *step: seen.append(step), procs=2)
    assert seen[-1] == (count, count) and [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert found(session, None, SearchIndex(str(tmp_path / "rebuilt")), "light") == sorted(
        f"page:{page.id}" for page in made
    )

"""Parallel saves with real commits on separate connections: every request ends 200 or 409,
and every change that got a 200 is in the final text."""

import multiprocessing
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.services.concurrent_saver import edit_paragraph, make_base, save_paragraphs
from govwiki.extensions import db
from govwiki.services import pages

THREADS = 8
PROCESSES = 3
EDITS_PER_PROCESS = 4


@pytest.fixture
def shared_page(make_page, session):
    page = make_page(body=make_base(THREADS + PROCESSES * EDITS_PER_PROCESS))
    return page


def _put_from_thread(app, headers, slug, base, index):
    with app.app_context():
        client = app.test_client()
        response = client.put(
            f"/api/v1/pages/{slug}",
            headers=headers,
            json={"body": edit_paragraph(base, index), "base_revision": 1, "summary": f"p{index}"},
        )
        db.session.remove()
        return index, response.status_code


def _final_text(session, page) -> str:
    session.expire_all()
    return pages.head_revision(session, page).body


def test_parallel_saves_from_threads_all_land_or_conflict(app, session, shared_page, bearer):
    base, slug = pages.head_revision(session, shared_page).body, shared_page.slug
    headers = bearer(shared_page.consultation.created_by)
    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = list(pool.map(lambda i: _put_from_thread(app, headers, slug, base, i), range(THREADS)))
    assert {status for _, status in outcomes} <= {200, 409}
    final = _final_text(session, shared_page)
    for index, status in outcomes:
        if status == 200:
            assert f"Article {index}: the amended-{index}" in final


def test_parallel_saves_from_threads_on_separate_paragraphs_all_merge(app, session, shared_page, bearer):
    base, slug = pages.head_revision(session, shared_page).body, shared_page.slug
    headers = bearer(shared_page.consultation.created_by)
    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = list(pool.map(lambda i: _put_from_thread(app, headers, slug, base, i), range(THREADS)))
    assert [status for _, status in outcomes] == [200] * THREADS
    assert pages.page_head_number(session, shared_page) == THREADS + 1


@pytest.mark.slow
def test_parallel_saves_from_processes_all_land_or_conflict(app, session, shared_page, bearer, database_url):
    base, slug = pages.head_revision(session, shared_page).body, shared_page.slug
    token = bearer(shared_page.consultation.created_by)["Authorization"].split()[1]
    offset = THREADS
    batches = [
        list(range(offset + p * EDITS_PER_PROCESS, offset + (p + 1) * EDITS_PER_PROCESS))
        for p in range(PROCESSES)
    ]
    context = multiprocessing.get_context("spawn")
    with context.Pool(PROCESSES) as pool:
        results = pool.starmap(
            save_paragraphs, [(database_url, token, slug, batch, base, 1) for batch in batches]
        )
    outcomes = [pair for batch in results for pair in batch]
    assert len(outcomes) == PROCESSES * EDITS_PER_PROCESS
    assert {status for _, status in outcomes} <= {200, 409}
    final = _final_text(session, shared_page)
    landed = [index for index, status in outcomes if status == 200]
    assert landed, "no save succeeded"
    for index in landed:
        assert f"Article {index}: the amended-{index}" in final

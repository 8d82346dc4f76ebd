"""Several worker processes save at once, each updating the one shared index after its commits:
no error reaches anyone, and the index ends holding every page's newest text."""

from __future__ import annotations

import multiprocessing

import pytest

from govwiki.search.index import SearchRequest
from govwiki.services.search import search
from tests.search.search_writer import save_pages

PROCESSES, PAGES_EACH = 3, 6
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
         "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo"]  # fmt: skip


@pytest.mark.slow
def test_workers_saving_at_once_leave_every_newest_text_in_the_index(
    app, session, make_consultation, make_page, bearer, database_url
):
    consultation = make_consultation()
    pages = [make_page(consultation, body="Old text.\n") for _ in range(PROCESSES * PAGES_EACH)]
    index = app.extensions["govwiki_search"]
    search(session, None, index, text="old")  # the index exists, as on a running site
    token = bearer(consultation.created_by)["Authorization"].split()[1]
    edits = [(page.slug, f"New text about {word}.\n") for page, word in zip(pages, WORDS)]
    batches = [(database_url, index.folder, token, edits[p::PROCESSES]) for p in range(PROCESSES)]
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        statuses = [status for batch in pool.starmap(save_pages, batches) for status in batch]
    assert statuses == [200] * len(edits)
    index.forget()
    readable = frozenset({consultation.id})
    for page, word in zip(pages, WORDS):  # the index itself, without a search's drain
        hits = index.search(SearchRequest(text=word, readable=readable)).hits
        assert [hit.key for hit in hits] == [f"page:{page.id}"], word
    assert index.search(SearchRequest(text="old", readable=readable)).total == 0

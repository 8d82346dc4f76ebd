"""Diffs computed once: a second look at any diff, on the web or the API, diffs nothing, and the
cache can never show a diff to someone who may not read the page, in the wrong language, or
in place of a newer revision."""

from __future__ import annotations

import pytest

from govwiki.core import diff_cache
from govwiki.services import consultations, pages


@pytest.fixture(autouse=True)
def diffs(monkeypatch):
    """Count the diffs actually computed; the cache starts empty and is emptied afterwards."""
    calls = []
    real = diff_cache.diff_texts

    def counting(old, new, **kwargs):
        calls.append((old, new))
        return real(old, new, **kwargs)

    diff_cache.clear_diff_cache()
    monkeypatch.setattr(diff_cache, "diff_texts", counting)
    yield calls
    diff_cache.clear_diff_cache()


def save(session, user, page, body):
    base = pages.head_revision(session, page).number
    return pages.save_page(session, user, page, body=body, base_revision=base).revision


@pytest.fixture
def page(session, make_page, official, diffs):
    page = make_page(body="The market opens at dawn.\n\nStalls close at dusk.\n")
    save(session, official, page, "The market opens at noon.\n\nStalls close at dusk.\n")
    save(session, official, page, "The market opens at noon.\n\nStalls close at nine.\n")
    diffs.clear()  # what the saves diffed
    return page


def test_a_diff_viewed_twice_is_computed_once(client, page, diffs, text_of):
    first = text_of(client.get(f"/pages/{page.slug}/diff?from=1&to=3"))
    second = text_of(client.get(f"/pages/{page.slug}/diff?from=1&to=3"))
    assert "<ins>noon</ins>" in second and "<ins>nine</ins>" in second and first == second
    assert len(diffs) == 1


def test_every_view_of_one_diff_shares_it(client, page, diffs):
    for view in ("", "&view=side", "&full=1", "&view=side&full=1"):
        assert client.get(f"/pages/{page.slug}/diff?from=1&to=3{view}").status_code == 200
    ops = client.get(f"/api/v1/pages/{page.slug}/diff?from=1&to=3").get_json()["ops"]
    assert {"op": "insert", "text": "nine"} in ops and len(diffs) == 1


def test_a_save_leaves_its_own_change_ready_to_view(client, session, page, official, diffs):
    save(session, official, page, "The market opens at noon.\n\nStalls close at ten.\n")
    computed = len(diffs)  # the save diffs the head against the new text once, for blame
    data = client.get(f"/api/v1/pages/{page.slug}/diff").get_json()
    assert (data["from"], data["to"]) == (3, 4) and {"op": "insert", "text": "ten"} in data["ops"]
    assert len(diffs) == computed == 1


def test_the_default_diff_follows_a_new_revision(client, session, page, official, text_of):
    assert "<ins>nine</ins>" in text_of(client.get(f"/pages/{page.slug}/diff"))
    save(session, official, page, "The market opens at noon.\n\nStalls close at ten.\n")
    html = text_of(client.get(f"/pages/{page.slug}/diff"))
    assert "<del>nine</del>" in html and "<ins>ten</ins>" in html


def test_a_cached_diff_is_shown_in_each_readers_language(client, page, text_of):
    chinese = text_of(client.get(f"/pages/{page.slug}/diff?from=1&to=3&lang=zh"))
    english = text_of(client.get(f"/pages/{page.slug}/diff?from=1&to=3&lang=en"))
    again = text_of(client.get(f"/pages/{page.slug}/diff?from=1&to=3&lang=zh"))
    assert "并排" in chinese and "Side by side" not in chinese
    assert "Side by side" in english and "并排" not in english
    assert again == chinese


def test_a_cached_diff_of_a_draft_stays_hidden_from_those_who_may_not_read_it(
    client, session, make_page, make_consultation, official, make_user, login, bearer, diffs
):
    draft = make_consultation(status="draft")
    page = make_page(draft, body="Secret plan: one.\n")
    save(session, official, page, "Secret plan: two.\n")
    resident = make_user()
    login(official)
    assert client.get(f"/pages/{page.slug}/diff?from=1&to=2").status_code == 200
    assert len(diffs) == 1  # by the save: the official's view came from the cache
    login(resident)
    assert client.get(f"/pages/{page.slug}/diff?from=1&to=2").status_code == 404
    for headers in ({}, bearer(resident)):
        assert client.get(f"/api/v1/pages/{page.slug}/diff?from=1&to=2", headers=headers).status_code == 404
    consultations.update_consultation(session, official, draft, {"status": "open"})
    assert client.get(f"/pages/{page.slug}/diff?from=1&to=2").status_code == 200


def test_an_anonymous_reader_gets_no_cached_diff_of_a_draft(
    client, session, make_page, make_consultation, official, login
):
    page = make_page(make_consultation(status="draft"), body="Secret plan: one.\n")
    save(session, official, page, "Secret plan: two.\n")
    login(official)
    assert client.get(f"/pages/{page.slug}/diff").status_code == 200
    with client.session_transaction() as flask_session:
        flask_session.clear()
    assert client.get(f"/pages/{page.slug}/diff").status_code == 404
    assert client.get(f"/pages/{page.slug}/diff?view=side").status_code == 404

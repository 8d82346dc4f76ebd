"""The permission matrix through the HTML pages: role × action × state (× edit policy), each case
answering as the hand-written table in tests/matrix.py says, and a refused write changing nothing."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from tests import matrix
from tests.matrix import EDITED, NEXT_STATUS, REASON, SUGGESTED
from tests.matrix import app, connection, engine, people, worlds  # noqa: F401 - module fixtures
from tests.sessions import plant_session

#: the HTTP status of each refusal of the table (signed out: see `asks_to_sign_in`)
STATUS = {matrix.HIDDEN: 404, matrix.NO: 403, matrix.SHUT: 403, matrix.ILLEGAL: 409}
#: what a page answers for a permitted action: reading shows it, writes redirect to the result
SUCCESS = {"read": (200,)}
REDIRECTED = (302, 303)
#: a refused edit or suggestion shows its form again with the text that was sent (a line of it)
KEPT = {"edit": "Markets open at 8.", "propose": "Street vendors need a permit."}


def sign_in(client, person: matrix.Person | None) -> None:
    if person is None:
        return
    plant_session(client, person.id)


def perform(client, action: str, world: matrix.World):
    """Do `action` on the world through the HTML forms (CSRF is off in the test config), past
    the confirmation step of those that ask first (tests/web/test_confirmations.py)."""
    page = f"/pages/{world.page}"
    if action == "read":
        return client.get(page)
    if action == "propose":
        form = {"body": SUGGESTED, "summary": "Say street vendors", "base_revision": "2"}
        return client.post(f"{page}/proposals/new", data=form)
    if action == "edit":
        form = {"body": EDITED, "summary": "Opening hours", "base_revision": "2"}
        return client.post(f"{page}/edit", data=form)
    if action == "merge":
        return client.post(f"/proposals/{world.proposal}/merge", data={})
    if action == "reject":
        return client.post(f"/proposals/{world.proposal}/reject", data={"reason": REASON, "confirm": "yes"})
    if action == "revert":
        return client.post(f"{page}/revert", data={"to_revision": "1", "confirm": "yes"})
    if action == "change_status":
        form = {"status": NEXT_STATUS[world.state], "confirm": "yes"}
        return client.post(f"/consultations/{world.consultation}/status", data=form)
    raise AssertionError(action)


def asks_to_sign_in(response) -> bool:
    if response.status_code in REDIRECTED:
        return urlsplit(response.location).path == "/login"
    return response.status_code == 401


@pytest.mark.parametrize("role, action, state, policy", matrix.params())
def test_answer_follows_the_matrix(
    client, connection, worlds, people, move_clock, role, action, state, policy
):
    world = worlds[state, policy]
    if state == "past_deadline":
        move_clock(timedelta(hours=2))
    sign_in(client, people.get(role))
    before = matrix.snapshot(connection, world)
    want = matrix.expected(role, action, state, policy)

    response = perform(client, action, world)

    after = matrix.snapshot(connection, world)
    if want == matrix.OK:
        assert response.status_code in SUCCESS.get(action, REDIRECTED)
        assert after == matrix.after_success(before, action, world)
    else:
        if want == matrix.SIGN_IN:
            assert asks_to_sign_in(response), response.status_code
        else:
            assert response.status_code == STATUS[want]
        assert after == before
        if action in KEPT and want != matrix.HIDDEN:
            assert KEPT[action] in response.get_data(as_text=True), "the refused text is lost"


def test_every_test_starts_from_the_world_as_built(connection, worlds):
    # Runs after the matrix: the permitted writes of earlier tests must have been rolled back.
    assert {key: matrix.snapshot(connection, w) for key, w in worlds.items()} == {
        key: matrix.as_built(w) for key, w in worlds.items()
    }

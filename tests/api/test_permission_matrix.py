"""The permission matrix through the JSON API: role × action × state (× edit policy), each case
answering as the hand-written table in tests/matrix.py says, and a refused write changing nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests import matrix
from tests.matrix import EDITED, NEXT_STATUS, REASON, SUGGESTED
from tests.matrix import app, connection, engine, people, worlds  # noqa: F401 - module fixtures

#: the HTTP status of each answer of the table
STATUS = {matrix.HIDDEN: 404, matrix.SIGN_IN: 401, matrix.NO: 403, matrix.SHUT: 403, matrix.ILLEGAL: 409}
#: the status of a permitted action
SUCCESS = {"propose": 201}
#: a refused edit or suggestion hands the caller's text back in the error
KEPT = {"edit": EDITED, "propose": SUGGESTED}


def perform(client, action: str, world: matrix.World, headers: dict):
    """Do `action` on the world through the API."""
    page = f"/api/v1/pages/{world.page}"
    if action == "read":
        return client.get(page, headers=headers)
    if action == "propose":
        body = {"body": SUGGESTED, "summary": "Say street vendors", "base_revision": 2}
        return client.post(f"{page}/proposals", json=body, headers=headers)
    if action == "edit":
        body = {"body": EDITED, "summary": "Opening hours", "base_revision": 2}
        return client.put(page, json=body, headers=headers)
    proposal = f"/api/v1/proposals/{world.proposal}"
    if action == "merge":
        return client.post(f"{proposal}/merge", json={}, headers=headers)
    if action == "reject":
        return client.post(f"{proposal}/reject", json={"reason": REASON}, headers=headers)
    if action == "revert":
        return client.post(f"{page}/revert", json={"to_revision": 1}, headers=headers)
    if action == "change_status":
        status = {"status": NEXT_STATUS[world.state]}
        return client.patch(f"/api/v1/consultations/{world.consultation}", json=status, headers=headers)
    raise AssertionError(action)


@pytest.mark.parametrize("role, action, state, policy", matrix.params())
def test_answer_follows_the_matrix(
    client, connection, worlds, people, move_clock, role, action, state, policy
):
    world = worlds[state, policy]
    if state == "past_deadline":
        move_clock(timedelta(hours=2))
    headers = {"Authorization": f"Bearer {people[role].token}"} if role != "anonymous" else {}
    before = matrix.snapshot(connection, world)
    want = matrix.expected(role, action, state, policy)

    response = perform(client, action, world, headers)

    after = matrix.snapshot(connection, world)
    if want == matrix.OK:
        assert response.status_code == SUCCESS.get(action, 200), response.get_json()
        assert after == matrix.after_success(before, action, world)
    else:
        error = response.get_json()["error"]
        assert (response.status_code, error["code"]) == (STATUS[want], want)
        assert after == before
        if action in KEPT and want != matrix.HIDDEN:
            assert error["your_body"] == KEPT[action], "the refused text is not handed back"


def test_every_test_starts_from_the_world_as_built(connection, worlds):
    # Runs after the matrix: the permitted writes of earlier tests must have been rolled back.
    assert {key: matrix.snapshot(connection, w) for key, w in worlds.items()} == {
        key: matrix.as_built(w) for key, w in worlds.items()
    }

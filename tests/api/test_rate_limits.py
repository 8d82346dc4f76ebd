"""Rate limits in the API: 429 `rate_limited` with Retry-After, the seconds and the text in the
error, each kind counted on its own, and the API's limit on all its writes together."""

from __future__ import annotations

import pytest

BODY = "# Rules\n\nVendors need a permit.\n"


@pytest.fixture
def page(make_page):
    return make_page(body=BODY)


@pytest.fixture
def headers(page, bearer):
    return bearer(page.consultation.created_by)


def save(client, page, headers, body, base):
    return client.put(
        f"/api/v1/pages/{page.slug}", json={"body": body, "base_revision": base}, headers=headers
    )


def suggest(client, page, headers, body):
    return client.post(
        f"/api/v1/pages/{page.slug}/proposals", json={"body": body, "base_revision": 1}, headers=headers
    )


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_EDITS="2/minute")
def test_saves_over_the_edit_limit_are_429_with_when_to_retry_and_the_text(client, page, headers):
    assert [save(client, page, headers, BODY + f"{n}.\n", n).status_code for n in (1, 2)] == [200, 200]
    response = save(client, page, headers, BODY + "3.\n", 3)
    error = response.get_json()["error"]
    assert response.status_code == 429 and error["code"] == "rate_limited"
    seconds = int(response.headers["Retry-After"])
    assert 0 < seconds <= 60 and abs(error["retry_after"] - seconds) <= 1  # the second may turn between
    assert error["rate_limit"] == "2 per 1 minute" and error["your_body"] == BODY + "3.\n"
    assert "wait" in error["message"]


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_PROPOSALS="1/minute")
def test_suggestions_over_the_proposal_limit_are_429(client, page, make_user, bearer):
    resident = bearer(make_user("resident"))
    assert suggest(client, page, resident, BODY + "Mine.\n").status_code == 201
    response = suggest(client, page, resident, BODY + "Mine again.\n")
    assert response.status_code == 429 and response.get_json()["error"]["your_body"] == BODY + "Mine again.\n"


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_EDITS="1/minute", RATELIMIT_PROPOSALS="1/minute")
def test_each_kind_has_its_own_count(client, page, headers):
    assert save(client, page, headers, BODY + "Edit.\n", 1).status_code == 200
    assert suggest(client, page, headers, BODY + "Suggestion.\n").status_code == 201


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_WRITES="2/minute")
def test_the_write_limit_counts_all_api_writes_together(client, page, headers):
    assert save(client, page, headers, BODY + "Edit.\n", 1).status_code == 200
    assert suggest(client, page, headers, BODY + "Suggestion.\n").status_code == 201
    created = client.post(
        "/api/v1/consultations", json={"title": "Third", "edit_policy": "edit"}, headers=headers
    )
    assert created.status_code == 429


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_EDITS="1/minute")
def test_reading_does_not_count(client, page, headers):
    for _ in range(3):
        assert client.get(f"/api/v1/pages/{page.slug}", headers=headers).status_code == 200
    assert save(client, page, headers, BODY + "Edit.\n", 1).status_code == 200

"""API: bad input is a 4xx with a message, never a 500, the same on SQLite and PostgreSQL
(deep JSON, numbers beyond the database's integers, NUL characters)."""

import pytest

from govwiki.models import User

BODY = "First text.\n"
#: beyond PostgreSQL's integer, beyond SQLite's (and PostgreSQL's bigint), and below them
HUGE = [2**31, 2**63, -(2**63) - 1, 10**30]


@pytest.fixture
def page(make_page, make_consultation):
    return make_page(make_consultation(slug="rules"), body=BODY, title="Draft rules")


@pytest.fixture
def headers(page, bearer):
    return bearer(page.consultation.created_by)


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    return error


@pytest.mark.parametrize("opening, closing", [("[", "]"), ('{"a":', "}")])
def test_json_nested_a_thousand_deep_is_a_400(client, headers, opening, closing):
    raw = opening * 1000 + "1" + closing * 1000
    response = client.put(
        "/api/v1/pages/draft-rules", data=raw, content_type="application/json", headers=headers
    )
    _error(response, 400, "bad_request")


def test_json_nested_within_reason_is_still_read(client, headers):
    nested = [1]
    for _ in range(20):
        nested = {"x": [nested]}
    data = {"body": "Changed.\n", "base_revision": 1, "summary": "s", "extra": nested}
    response = client.put("/api/v1/pages/draft-rules", json=data, headers=headers)
    assert response.status_code == 200


@pytest.mark.parametrize("number", HUGE)
def test_revert_to_a_revision_beyond_the_integer_range_is_a_422(client, headers, number):
    response = client.post("/api/v1/pages/draft-rules/revert", json={"to_revision": number}, headers=headers)
    assert "to_revision" in _error(response, 422, "invalid")["fields"]


@pytest.mark.parametrize("number", HUGE)
def test_save_on_a_base_revision_beyond_the_integer_range_is_a_422(client, headers, number):
    response = client.put(
        "/api/v1/pages/draft-rules", json={"body": "New.\n", "base_revision": number}, headers=headers
    )
    assert "base_revision" in _error(response, 422, "invalid")["fields"]


@pytest.mark.parametrize("number", HUGE)
def test_proposal_on_a_base_revision_beyond_the_integer_range_is_a_422(client, headers, number):
    response = client.post(
        "/api/v1/pages/draft-rules/proposals",
        json={"body": "New.\n", "base_revision": number},
        headers=headers,
    )
    assert "base_revision" in _error(response, 422, "invalid")["fields"]


def test_huge_numbers_deep_in_a_body_are_named(client, headers):
    response = client.post("/api/v1/notifications/read", json={"ids": [1, 2**63]}, headers=headers)
    assert _error(response, 422, "invalid")["fields"]


@pytest.mark.parametrize(
    "query", ["page=245115275&per_page=189", "page=2147483647&per_page=200", "page=11362348&per_page=189"]
)
def test_pages_far_beyond_the_end_are_a_422(client, page, query):
    response = client.get(f"/api/v1/pages/draft-rules/revisions?{query}")
    assert "page" in _error(response, 422, "invalid")["fields"]


@pytest.mark.parametrize(
    "query", ["page=100000&per_page=200", "page=11362347&per_page=189", "page=2147483647&per_page=1"]
)
def test_a_far_but_representable_page_is_empty(client, page, query):
    response = client.get(f"/api/v1/pages/draft-rules/revisions?{query}")
    assert response.status_code == 200 and response.get_json()["items"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/pages/draft%00rules",
        "/api/v1/pages/draft-rules%00",
        "/api/v1/consultations/ru%00les",
        "/api/v1/users/ro%00sa/contributions",
        "/api/v1/pages/a%00/revisions",
        "/api/v1/consultations/r%00/report",
    ],
)
def test_nul_in_a_url_part_is_a_404(client, page, path):
    _error(client.get(path), 404, "not_found")


def test_nul_in_a_query_value_is_a_400(client, page):
    _error(client.get("/api/v1/consultations?status=open%00"), 400, "bad_request")
    _error(client.get("/api/v1/pages/draft-rules/proposals?status=o%00pen"), 400, "bad_request")


def test_nul_in_a_write_to_a_nul_slug_is_a_404(client, headers):
    response = client.post(
        "/api/v1/consultations/ru%00les/pages", json={"title": "T", "body": "b"}, headers=headers
    )
    _error(response, 404, "not_found")


@pytest.mark.parametrize("field", ["title", "slug", "summary"])
def test_nul_in_a_json_field_is_a_422_naming_it(client, headers, field):
    data = {"title": "Hours", "body": "b", "summary": "s", field: "ho\x00urs"}
    response = client.post("/api/v1/consultations/rules/pages", json=data, headers=headers)
    assert field in _error(response, 422, "invalid")["fields"]


def test_nul_in_a_json_key_is_a_422(client, headers):
    response = client.put(
        "/api/v1/pages/draft-rules", json={"body": "x\n", "base_revision": 1, "a\x00": 1}, headers=headers
    )
    _error(response, 422, "invalid")


def test_nul_in_a_bearer_token_is_a_401(client, page):
    response = client.get("/api/v1/consultations", headers={"Authorization": "Bearer gw_\x00abc"})
    _error(response, 401, "unauthenticated")


def test_nothing_with_nul_was_stored(client, headers, session):
    client.post("/api/v1/consultations/rules/pages", json={"title": "A\x00", "body": "b"}, headers=headers)
    assert not [u for u in session.query(User).all() if "\x00" in u.email]

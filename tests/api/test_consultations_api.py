"""API: consultations — create, read, patch to open, visibility and errors."""

import pytest


@pytest.fixture
def official_headers(official, bearer):
    return bearer(official)


def _create(client, headers, **fields):
    body = {"title": "Night markets", "summary": "Hours", "edit_policy": "edit", **fields}
    return client.post("/api/v1/consultations", json=body, headers=headers)


def test_official_creates_a_draft_consultation(client, official_headers):
    response = _create(client, official_headers)
    assert response.status_code == 201
    data = response.get_json()
    assert (data["slug"], data["status"], data["created_by"]["username"]) == (
        "night-markets",
        "draft",
        "olivia-official",
    )


def test_resident_may_not_create_a_consultation(client, make_user, bearer):
    response = _create(client, bearer(make_user()))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


def test_anonymous_create_is_unauthenticated(client):
    response = _create(client, {})
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthenticated"


def test_unknown_token_is_unauthenticated_even_for_reads(client):
    response = client.get("/api/v1/consultations", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


def test_revoked_token_is_refused(client, session, official):
    from govwiki.models import ApiToken
    from govwiki.services import accounts

    token = accounts.create_token(session, official)
    record = session.query(ApiToken).one()
    accounts.revoke_token(session, official, record.id)
    response = client.get("/api/v1/consultations", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_chinese_title_gets_a_numbered_ascii_slug(client, official_headers):
    response = _create(client, official_headers, title="便民菜站管理办法")
    assert response.status_code == 201 and response.get_json()["slug"] == "consultation"


def test_taken_slug_is_a_409(client, official_headers):
    _create(client, official_headers, slug="rules")
    response = _create(client, official_headers, slug="rules")
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "slug_taken"


@pytest.mark.parametrize(
    "fields, bad",
    [
        ({"title": ""}, "title"),
        ({"edit_policy": "anything"}, "edit_policy"),
        ({"visibility": "secret"}, "visibility"),
        ({"slug": "Not A Slug"}, "slug"),
        ({"closes_at": "tomorrow"}, "closes_at"),
        ({"closes_at": "2026-12-01T10:00:00"}, "closes_at"),
        ({"title": 42}, "title"),
        ({"title": "a\u202eb"}, "title"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_fields_are_422_naming_the_field(client, official_headers, fields, bad):
    response = _create(client, official_headers, **fields)
    assert response.status_code == 422
    assert bad in response.get_json()["error"]["fields"]


def test_malformed_json_is_400(client, official_headers):
    response = client.post(
        "/api/v1/consultations",
        data="{nope",
        headers={**official_headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"


def test_json_array_body_is_400(client, official_headers):
    response = client.post("/api/v1/consultations", json=[1, 2], headers=official_headers)
    assert response.status_code == 400


def test_official_opens_the_consultation_with_patch(client, official_headers):
    _create(client, official_headers, slug="rules")
    response = client.patch("/api/v1/consultations/rules", json={"status": "open"}, headers=official_headers)
    data = response.get_json()
    assert response.status_code == 200 and data["status"] == "open" and data["opens_at"]


def test_illegal_transition_is_409(client, official_headers):
    _create(client, official_headers, slug="rules")
    response = client.patch(
        "/api/v1/consultations/rules", json={"status": "adopted"}, headers=official_headers
    )
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "invalid_transition"


def test_draft_is_404_for_anonymous_and_residents(client, official_headers, make_user, bearer):
    _create(client, official_headers, slug="rules")
    assert client.get("/api/v1/consultations/rules").status_code == 404
    assert client.get("/api/v1/consultations/rules", headers=bearer(make_user())).status_code == 404
    assert client.get("/api/v1/consultations/rules", headers=official_headers).status_code == 200


def test_draft_is_404_for_an_official_of_another_consultation(client, official_headers, make_user, bearer):
    _create(client, official_headers, slug="rules")
    other = bearer(make_user("official"))
    assert client.get("/api/v1/consultations/rules", headers=other).status_code == 404


def test_admin_sees_drafts(client, official_headers, make_user, bearer):
    _create(client, official_headers, slug="rules")
    assert client.get("/api/v1/consultations/rules", headers=bearer(make_user("admin"))).status_code == 200


def test_resident_may_not_patch(client, official_headers, make_user, bearer):
    _create(client, official_headers, slug="rules")
    client.patch("/api/v1/consultations/rules", json={"status": "open"}, headers=official_headers)
    response = client.patch(
        "/api/v1/consultations/rules", json={"title": "Mine"}, headers=bearer(make_user())
    )
    assert response.status_code == 403


def test_list_shows_only_visible_consultations(client, make_consultation, make_user, official):
    make_consultation(title="Open one")
    make_consultation(title="Draft one", status="draft")
    make_consultation(title="Invited one", visibility="invited")
    titles = [c["title"] for c in client.get("/api/v1/consultations").get_json()["items"]]
    assert titles == ["Open one"]


def test_list_filters_by_status(client, make_consultation):
    make_consultation(title="Open one")
    make_consultation(title="Closed one", status="closed")
    data = client.get("/api/v1/consultations?status=closed").get_json()
    assert [c["title"] for c in data["items"]] == ["Closed one"] and data["total"] == 1


@pytest.mark.parametrize(
    "query", ["page=0", "per_page=1000", "per_page=0", "page=abc", "page=99999999999999"]
)
def test_absurd_pagination_is_422(client, query):
    assert client.get(f"/api/v1/consultations?{query}").status_code == 422


def test_unknown_consultation_is_404_json(client):
    response = client.get("/api/v1/consultations/nothing-here")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_unknown_api_route_is_404_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_wrong_method_is_405_json(client):
    response = client.delete("/api/v1/consultations")
    assert response.status_code == 405 and response.get_json()["error"]["code"] == "method_not_allowed"


def test_missing_title_is_422_not_a_crash(client, official_headers):
    response = client.post("/api/v1/consultations", json={"edit_policy": "edit"}, headers=official_headers)
    assert response.status_code == 422 and response.get_json()["error"]["fields"]["title"] == "required"


def test_a_route_word_is_not_a_consultation_slug(client, official_headers):
    response = _create(client, official_headers, slug="new")
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"slug"}


def test_a_title_that_slugifies_to_a_route_word_gets_another_slug(client, official_headers):
    assert _create(client, official_headers, title="New").get_json()["slug"] == "new-2"

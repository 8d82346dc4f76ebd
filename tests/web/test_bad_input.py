"""HTML: NUL characters and numbers beyond the database's integers are a 4xx page with a
message, never a 500, and nothing holding a NUL is stored (SQLite would store it)."""

import pytest
from sqlalchemy import func, select

from govwiki.models import User

REGISTRATION = {
    "username": "wei-zhang",
    "display_name": "Zhang Wei",
    "email": "wei@example.org",
    "password": "long-enough-password",
}


@pytest.fixture
def page(make_page, make_consultation):
    return make_page(make_consultation(slug="rules"), title="Draft rules")


@pytest.mark.parametrize(
    "field, value",
    [
        ("email", "wei\x00@example.org"),
        ("email", "wei@exa\x00mple.org"),
        ("username", "wei\x00zhang"),
        ("display_name", "Zhang\x00Wei"),
        ("password", "long-enough\x00password"),
    ],
)
def test_register_with_a_nul_is_refused_and_nothing_is_stored(client, session, field, value, text_of):
    response = client.post("/register", data={**REGISTRATION, field: value})
    assert response.status_code == 422
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_register_with_a_control_character_in_the_email_is_refused(client, session):
    response = client.post("/register", data={**REGISTRATION, "email": "wei\x01@example.org"})
    assert response.status_code == 422
    assert session.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.parametrize(
    "login, password",
    [
        ("wei\x00zhang", "long-enough-password"),
        ("wei@example.org\x00", "long-enough-password"),
        ("wei-zhang", "long-enough\x00password"),
        ("\x00", "\x00"),
    ],
)
def test_sign_in_with_a_nul_is_the_usual_refusal(client, make_user, login, password, text_of):
    make_user(username="wei-zhang")
    response = client.post("/login", data={"login": login, "password": password})
    assert response.status_code == 401
    assert "is not right" in text_of(response)


@pytest.mark.parametrize(
    "path",
    [
        "/pages/draft%00rules",
        "/pages/draft-rules%00/history",
        "/consultations/ru%00les",
        "/users/ro%00sa/contributions",
        "/consultations/r%00/report",
        "/pages/a%00/edit",
    ],
)
def test_nul_in_a_url_part_is_a_404_page(client, page, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "<html" in response.get_data(as_text=True)


def test_nul_in_a_posted_url_part_is_a_404(client, page, official, login):
    login(official)
    assert client.post("/pages/a%00/watch").status_code == 404


def test_nul_in_a_query_value_is_a_400_page(client, page, text_of):
    response = client.get("/pages/draft-rules/history?page=1%00")
    assert response.status_code == 400
    assert "NUL" in text_of(response)
    assert client.get("/?q=ab%00c").status_code == 400
    assert client.get("/login?next=/pages/x%00").status_code == 400


@pytest.mark.parametrize(
    "query", ["page=245115275&per_page=189", "page=99999999999999999999999&per_page=200", "page=-5"]
)
def test_far_history_pages_are_not_an_error(client, page, query):
    assert client.get(f"/pages/draft-rules/history?{query}").status_code == 200


@pytest.mark.parametrize("number", ["2147483648", "9223372036854775808", "-9223372036854775809"])
def test_revert_to_a_revision_beyond_the_integer_range_is_refused(client, page, official, login, number):
    login(official)
    response = client.post("/pages/draft-rules/revert", data={"to_revision": number, "summary": ""})
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("number", ["2147483648", "9223372036854775808"])
def test_edit_on_a_base_revision_beyond_the_integer_range_is_refused(
    client, page, official, login, number, text_of
):
    login(official)
    response = client.post(
        "/pages/draft-rules/edit", data={"body": "Mine.\n", "base_revision": number, "summary": ""}
    )
    assert 400 <= response.status_code < 500
    assert "Mine." in text_of(response)


NUL, HUGE = "x\x00y", "9223372036854775808"
#: every form an official may send, each field holding a NUL (and numbers beyond any integer)
FORMS = [
    (
        "/consultations/new",
        {"title": NUL, "summary": NUL, "edit_policy": NUL, "visibility": NUL, "closes_at": NUL},
    ),
    (
        "/consultations/rules/edit",
        {"title": NUL, "summary": NUL, "edit_policy": NUL, "visibility": NUL, "closes_at": NUL},
    ),
    ("/consultations/rules/status", {"status": NUL}),
    ("/consultations/rules/pages", {"page-title": NUL, "page-body": NUL, "page-summary": NUL}),
    ("/pages/draft-rules/edit", {"body": NUL, "summary": NUL, "base_revision": NUL}),
    ("/pages/draft-rules/edit", {"body": "ok\n", "summary": NUL, "base_revision": HUGE}),
    ("/pages/draft-rules/revert", {"to_revision": NUL, "summary": NUL}),
    ("/pages/draft-rules/proposals/new", {"body": NUL, "summary": NUL, "base_revision": NUL}),
    ("/pages/draft-rules/proposals/new", {"body": "ok\n", "summary": "s", "base_revision": HUGE}),
    ("/proposals/{id}/edit", {"body": NUL, "summary": NUL, "base_revision": HUGE}),
    (
        "/proposals/{id}/merge",
        {"body": NUL, "mode": "selected", "accept": [NUL, HUGE], "base_revision": NUL, "version": NUL},
    ),
    ("/proposals/{id}/merge", {"mode": "selected", "accept": [HUGE, "-" + HUGE], "version": NUL}),
    ("/proposals/{id}/reject", {"reason": NUL}),
    ("/settings/tokens", {"name": NUL}),
    ("/notifications/read", {"ids": [NUL, HUGE]}),
]


@pytest.mark.parametrize("path, data", FORMS)
def test_every_form_with_a_nul_in_every_field_is_a_4xx(client, page, official, login, session, path, data):
    from govwiki.services import proposals

    proposal = proposals.submit_proposal(session, official, page, body="Other.\n", base_revision=1)
    login(official)
    response = client.post(path.format(id=proposal.id), data=data)
    # marking read takes no fields (it marks all); every other form names the bad field
    assert response.status_code == (302 if path == "/notifications/read" else 422)
    if response.status_code == 422:
        assert "<html" in response.get_data(as_text=True)

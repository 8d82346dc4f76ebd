"""API: a suspended person's tokens stop working on every call (and work again once the
suspension is lifted), and their name carries `"suspended": true` where the API shows it."""

import pytest

from govwiki.services import pages, suspensions


@pytest.fixture
def page(make_page, make_consultation):
    return make_page(make_consultation(slug="rules", edit_policy="edit"), title="Market rules")


@pytest.fixture
def resident(make_user):
    return make_user("resident", "rosa", display_name="Rosa")


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("GET", "/api/v1/consultations", None),
        ("GET", "/api/v1/notifications", None),
        ("PUT", "/api/v1/pages/market-rules", {"body": "Mine now.\n", "base_revision": 1}),
        ("POST", "/api/v1/pages/market-rules/comments", {"body": "Still here."}),
    ],
)
def test_a_suspended_persons_token_is_refused_on_every_call(
    client, session, page, resident, bearer, method, path, body
):
    headers = bearer(resident)
    suspensions.suspend_user(session, None, "rosa", reason="Spam.")
    response = client.open(path, method=method, headers=headers, json=body)
    error = response.get_json()["error"]
    assert (
        response.status_code == 401 and error["code"] == "unauthenticated" and "suspended" in error["message"]
    )
    session.expire_all()
    assert page.head_number == 1 and page.comment_count == 0


def test_the_token_works_again_once_the_suspension_is_lifted(client, session, resident, bearer):
    headers = bearer(resident)
    suspensions.suspend_user(session, None, "rosa", reason="Spam.")
    suspensions.unsuspend_user(session, None, "rosa")
    assert client.get("/api/v1/notifications", headers=headers).status_code == 200


def test_a_suspended_authors_name_is_marked_in_the_api(client, session, page, resident):
    pages.save_page(session, resident, page, body="A better text.\n", base_revision=1)
    suspensions.suspend_user(session, None, "rosa", reason="Spam.")
    revision = client.get("/api/v1/pages/market-rules/revisions/2").get_json()
    assert revision["author"] == {"username": "rosa", "display_name": "Rosa", "suspended": True}
    assert "suspended" not in client.get("/api/v1/pages/market-rules/revisions/1").get_json()["author"]

"""API: comments — post, reply (with the nesting cap), edit with versions, delete to a tombstone,
support once per person, and who may do what in which state."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from sqlalchemy import func, select

from govwiki.core.threads import MAX_DEPTH
from govwiki.extensions import db
from govwiki.models import CommentSupport

BASE = "Vendors apply for a permit.\n\nThe notice period is 30 days.\n\nStalls close at 23:00.\n"


@pytest.fixture
def page(make_page, make_consultation):
    return make_page(make_consultation(slug="rules", edit_policy="comment"), body=BASE, title="Market rules")


@pytest.fixture
def resident(make_user):
    return make_user("resident", "rosa", display_name="Rosa")


def _post(client, headers, body="Thirty days is too short.", **extra):
    return client.post("/api/v1/pages/market-rules/comments", headers=headers, json={"body": body, **extra})


def _comment_id(client, headers, body="Thirty days is too short.", **extra) -> int:
    response = _post(client, headers, body, **extra)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_a_resident_comments_under_the_comment_policy(client, page, resident, bearer):
    response = _post(client, bearer(resident))
    data = response.get_json()
    assert response.status_code == 201
    assert data["author"]["username"] == "rosa" and data["status"] == "visible"
    assert data["revision"] == 1 and data["parent_id"] is None and data["anchor"] is None
    assert data["html"].startswith("<p") and "Thirty days is too short.</p>" in data["html"]


def test_the_thread_lists_comments_with_their_replies(client, page, resident, official, bearer):
    first = _comment_id(client, bearer(resident))
    reply = _comment_id(client, bearer(official), "We will look at 60 days.", parent_id=first)
    data = client.get("/api/v1/pages/market-rules/comments").get_json()
    assert data["total"] == 2 and data["threads"] == 1
    (thread,) = data["items"]
    assert thread["id"] == first and [r["id"] for r in thread["replies"]] == [reply]


def test_comment_markdown_is_sanitized(client, page, resident, bearer):
    body = "<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"
    html = _post(client, bearer(resident), body).get_json()["html"]
    assert (
        "<script" not in html
        and "javascript:" not in html
        and "onerror" not in html.replace("onerror=alert(3)&gt;", "")
    )
    assert "&lt;script&gt;" in html


def test_replies_deeper_than_the_cap_attach_beside_and_name_whom_they_answer(client, page, resident, bearer):
    headers = bearer(resident)
    parent = _comment_id(client, headers, "level 0")
    chain = [parent]
    for level in range(1, MAX_DEPTH + 1):
        chain.append(_comment_id(client, headers, f"reply {level}", parent_id=chain[-1]))
    deepest = client.get(f"/api/v1/comments/{chain[-1]}").get_json()
    answered = client.get(f"/api/v1/comments/{chain[-2]}").get_json()
    assert answered["depth"] == MAX_DEPTH - 1
    assert deepest["depth"] == MAX_DEPTH - 1 and deepest["parent_id"] == answered["parent_id"]
    assert deepest["in_reply_to"] == chain[-2]


def test_an_empty_comment_is_a_422_with_the_text_back(client, page, resident, bearer):
    response = _post(client, bearer(resident), "   \n ")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["body"] == "required"


def test_a_comment_over_20_kb_is_a_413(client, page, resident, bearer):
    response = _post(client, bearer(resident), "字" * 7000)
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_large"


def test_after_closing_a_comment_is_refused_with_the_text_back(client, page, resident, bearer, session):
    from govwiki.services import consultations

    consultations.update_consultation(
        session, page.consultation.created_by, page.consultation, {"status": "closed"}
    )
    response = _post(client, bearer(resident), "Too late?")
    error = response.get_json()["error"]
    assert response.status_code == 403 and error["code"] == "consultation_closed"
    assert error["your_body"] == "Too late?"


def test_signed_out_callers_cannot_comment(client, page):
    assert _post(client, {}).status_code == 401


def test_a_draft_takes_comments_from_its_officials_only(
    client, make_consultation, make_page, resident, bearer
):
    draft = make_page(make_consultation(slug="draft-c", status="draft"), title="Draft page")
    url = f"/api/v1/pages/{draft.slug}/comments"
    assert client.post(url, headers=bearer(resident), json={"body": "hi"}).status_code == 404
    official = draft.consultation.created_by
    assert client.post(url, headers=bearer(official), json={"body": "hi"}).status_code == 201


def test_a_reply_to_a_comment_of_another_page_is_refused(client, page, make_page, resident, bearer):
    other = make_page(page.consultation, title="Other page")
    foreign = client.post(
        f"/api/v1/pages/{other.slug}/comments", headers=bearer(resident), json={"body": "x"}
    )
    response = _post(client, bearer(resident), "reply", parent_id=foreign.get_json()["id"])
    assert response.status_code == 422 and "parent_id" in response.get_json()["error"]["fields"]


def test_editing_keeps_the_earlier_text_for_the_officials(client, page, resident, official, bearer):
    comment = _comment_id(client, bearer(resident), "first words")
    response = client.patch(
        f"/api/v1/comments/{comment}", headers=bearer(resident), json={"body": "second words"}
    )
    assert response.status_code == 200
    data = response.get_json()
    assert data["body"] == "second words" and data["edited_at"] is not None
    versions = client.get(
        f"/api/v1/comments/{comment}/versions", headers=bearer(page.consultation.created_by)
    )
    assert [v["body"] for v in versions.get_json()["items"]] == ["first words"]
    assert client.get(f"/api/v1/comments/{comment}/versions", headers=bearer(resident)).status_code == 403


def test_only_the_author_edits_or_deletes(client, page, resident, make_user, bearer):
    comment = _comment_id(client, bearer(resident))
    other = bearer(make_user("resident", "omar"))
    assert (
        client.patch(f"/api/v1/comments/{comment}", headers=other, json={"body": "mine now"}).status_code
        == 403
    )
    assert client.delete(f"/api/v1/comments/{comment}", headers=other).status_code == 403


def test_deleting_leaves_a_tombstone_and_keeps_replies(client, page, resident, official, bearer):
    first = _comment_id(client, bearer(resident), "to be deleted")
    _comment_id(client, bearer(official), "an answer", parent_id=first)
    response = client.delete(f"/api/v1/comments/{first}", headers=bearer(resident))
    assert response.status_code == 200
    (thread,) = client.get("/api/v1/pages/market-rules/comments").get_json()["items"]
    assert thread["status"] == "deleted" and "body" not in thread and thread["author"] is None
    assert [r["body"] for r in thread["replies"]] == ["an answer"]


def test_support_counts_once_per_person(client, page, resident, make_user, bearer):
    comment = _comment_id(client, bearer(resident))
    voter = bearer(make_user("resident", "omar"))
    url = f"/api/v1/comments/{comment}/support"
    assert client.post(url, headers=voter).get_json()["supports"] == 1
    assert client.post(url, headers=voter).get_json()["supports"] == 1
    assert client.delete(url, headers=voter).get_json()["supports"] == 0


def test_concurrent_supports_by_one_person_count_once(app, page, resident, make_user, bearer):
    comment = _comment_id(app.test_client(), bearer(resident))
    voter = bearer(make_user("resident", "omar"))
    start = Barrier(4)

    def support(_):
        with app.app_context():
            start.wait()
            return app.test_client().post(f"/api/v1/comments/{comment}/support", headers=voter).status_code

    with ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(support, range(4)))
    assert codes == [200] * 4
    with app.app_context():
        rows = db.session.scalar(select(func.count()).where(CommentSupport.comment_id == comment))
        supports = app.test_client().get(f"/api/v1/comments/{comment}").get_json()["supports"]
    assert rows == 1 and supports == 1


def test_unknown_fields_are_refused(client, page, resident, bearer):
    response = _post(client, bearer(resident), "x", colour="red")
    assert response.status_code == 422 and response.get_json()["error"]["fields"] == {
        "colour": "unknown field"
    }


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_COMMENTS="2/minute")
def test_comments_over_the_limit_are_refused_with_the_text_back(client, page, resident, bearer):
    headers = bearer(resident)
    codes = [_post(client, headers, f"comment {n}").status_code for n in range(2)]
    response = _post(client, headers, "one too many")
    assert codes == [201, 201] and response.status_code == 429
    error = response.get_json()["error"]
    assert error["code"] == "rate_limited" and error["your_body"] == "one too many"
    assert int(response.headers["Retry-After"]) >= 1


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_SUPPORTS="1/minute")
def test_supports_over_the_limit_are_429(client, page, resident, make_user, bearer):
    comment = _comment_id(client, bearer(resident))
    voter = bearer(make_user("resident", "omar"))
    assert client.post(f"/api/v1/comments/{comment}/support", headers=voter).status_code == 200
    assert client.delete(f"/api/v1/comments/{comment}/support", headers=voter).status_code == 429

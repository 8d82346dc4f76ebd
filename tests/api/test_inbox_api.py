"""API: official responses (POST /comments/{id}/answer) and the feedback inbox of a consultation."""

from __future__ import annotations

import pytest

from govwiki.api.openapi import document
from govwiki.services import comments, consultations
from tests.api.test_openapi_responses import problems
from tests.services.record_helpers import add_proposal, tick_clock


@pytest.fixture(autouse=True)
def ticking(monkeypatch):
    return tick_clock(monkeypatch)


@pytest.fixture
def consultation(make_consultation):
    return make_consultation(slug="market", edit_policy="suggest")


@pytest.fixture
def page(make_page, consultation):
    return make_page(consultation, title="Market rules", body="Stalls close at 23:00.\n")


@pytest.fixture
def rosa(make_user):
    return make_user("resident", "rosa", display_name="Rosa")


@pytest.fixture
def question(session, page, rosa):
    return comments.post_comment(session, rosa, page, body="Why so late?")


def _answer(client, comment_id, headers, **body):
    return client.post(f"/api/v1/comments/{comment_id}/answer", headers=headers, json=body)


def test_an_official_answer_marks_the_comment_and_returns_the_official_reply(
    client, question, official, bearer
):
    response = _answer(client, question.id, bearer(official), body="Because of the night market.")
    data = response.get_json()
    assert response.status_code == 200
    assert (
        data["comment"]["answered"] is True
        and data["comment"]["answered_by"]["username"] == official.username
    )
    reply = data["reply"]
    assert reply["official"] is True and reply["parent_id"] == question.id
    assert reply["html"].startswith("<p") and "night market" in reply["body"]
    thread = client.get("/api/v1/pages/market-rules/comments").get_json()["items"][0]
    assert thread["answered"] and [r["official"] for r in thread["replies"]] == [True]


def test_an_answer_without_a_body_only_marks_it(client, question, official, bearer):
    data = _answer(client, question.id, bearer(official)).get_json()
    assert "reply" not in data and data["comment"]["answered"] is True
    assert client.get("/api/v1/pages/market-rules/comments").get_json()["total"] == 1


def test_an_official_answers_a_closed_consultation(client, session, consultation, question, official, bearer):
    consultations.update_consultation(session, official, consultation, {"status": "closed"})
    assert _answer(client, question.id, bearer(official), body="We kept 23:00.").status_code == 200


@pytest.mark.parametrize("who, status", [("resident", 403), ("nobody", 401), ("other_official", 403)])
def test_others_may_not_answer(client, question, make_user, make_consultation, bearer, who, status):
    headers = {}
    if who != "nobody":
        person = make_user("official" if who == "other_official" else "resident")
        if who == "other_official":
            make_consultation(person)
        headers = bearer(person)
    response = _answer(client, question.id, headers, body="I speak for the city.")
    error = response.get_json()["error"]
    assert response.status_code == status and error["your_body"] == "I speak for the city."
    assert client.get(f"/api/v1/comments/{question.id}").get_json()["answered"] is False


def test_a_private_consultation_answers_404_to_outsiders(
    client, session, make_page, make_consultation, official, make_user, bearer
):
    draft = make_page(make_consultation(status="draft"), title="Draft page")
    comment = comments.post_comment(session, official, draft, body="Draft note")
    assert _answer(client, comment.id, bearer(make_user("official")), body="x").status_code == 404
    assert (
        client.get("/api/v1/consultations/consultation-1/inbox", headers=bearer(make_user())).status_code
        == 404
    )


def test_answer_bodies_are_checked(client, question, official, bearer):
    headers = bearer(official)
    assert _answer(client, question.id, headers, body="").status_code == 422
    assert _answer(client, question.id, headers, body="x" * (21 * 1024)).status_code == 413
    assert _answer(client, question.id, headers, body=12).status_code == 422
    assert _answer(client, question.id, headers, reason="?").status_code == 422


@pytest.fixture
def received(session, page, rosa, question):
    """Newest last: Rosa's question, a proposal, a second comment."""
    proposal = add_proposal(session, page, rosa, summary="Close at 22:00")
    later = comments.post_comment(session, rosa, page, body="And Sundays?")
    return question, proposal, later


def _inbox(client, headers, **query):
    return client.get("/api/v1/consultations/market/inbox", headers=headers, query_string=query)


def test_the_inbox_lists_everything_received_newest_first_with_read_and_answered(
    client, received, official, bearer
):
    question, proposal, later = received
    data = _inbox(client, bearer(official)).get_json()
    assert [(i["kind"], i["id"]) for i in data["items"]] == [
        ("comment", later.id),
        ("proposal", proposal.id),
        ("comment", question.id),
    ]
    assert data["total"] == 3 and data["unread"] == 3 and data["page"] == 1
    first = data["items"][0]
    assert first["read"] is False and first["answered"] is False and first["author"]["username"] == "rosa"
    assert first["comment"]["body"] == "And Sundays?" and first["page"]["slug"] == "market-rules"
    assert data["items"][1]["proposal"]["summary"] == "Close at 22:00"


def test_the_inbox_pages_and_filters(client, received, official, bearer):
    question, proposal, later = received
    headers = bearer(official)
    _answer(client, question.id, headers)
    second = _inbox(client, headers, per_page=2, page=2).get_json()
    assert second["total"] == 3 and [i["id"] for i in second["items"]] == [question.id]
    answered = _inbox(client, headers, status="answered").get_json()
    assert [i["id"] for i in answered["items"]] == [question.id]
    unanswered = _inbox(client, headers, status="unanswered", kind="comment").get_json()
    assert [i["id"] for i in unanswered["items"]] == [later.id] and unanswered["total"] == 1
    assert _inbox(client, headers, page_slug="market-rules", kind="proposal").get_json()["total"] == 1


@pytest.mark.parametrize(
    "query, field",
    [({"status": "late"}, "status"), ({"kind": "idea"}, "kind"), ({"page_slug": "nowhere"}, "page_slug"),
     ({"page": "market-rules"}, "page"), ({"per_page": 500}, "per_page")],
)  # fmt: skip
def test_bad_filters_are_422(client, received, official, bearer, query, field):
    response = _inbox(client, bearer(official), **query)
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]


def test_the_inbox_is_for_its_officials(client, received, rosa, make_user, bearer):
    assert _inbox(client, bearer(rosa)).status_code == 403
    assert _inbox(client, {}).status_code == 401


def test_mark_read_is_per_official(client, session, consultation, received, official, make_user, bearer):
    question, proposal, _ = received
    colleague = make_user("official")
    consultations.add_member(session, official, consultation, colleague, "official")
    items = [{"kind": "comment", "id": question.id}, {"kind": "proposal", "id": proposal.id}]
    response = client.post(
        "/api/v1/consultations/market/inbox/read", headers=bearer(official), json={"items": items}
    )
    assert response.status_code == 200 and response.get_json() == {"changed": 2, "unread": 1}
    mine = _inbox(client, bearer(official)).get_json()
    theirs = _inbox(client, bearer(colleague)).get_json()
    assert [i["read"] for i in mine["items"]] == [False, True, True] and mine["unread"] == 1
    assert not any(i["read"] for i in theirs["items"]) and theirs["unread"] == 3
    again = client.post(
        "/api/v1/consultations/market/inbox/read",
        headers=bearer(official),
        json={"items": items[:1], "read": False},
    )
    assert again.get_json() == {"changed": 1, "unread": 2}


@pytest.mark.parametrize(
    "body",
    [{}, {"items": []}, {"items": "comment:1"}, {"items": [{"kind": "idea", "id": 1}]}, {"items": [{"kind": "comment"}]},
     {"items": [{"kind": "comment", "id": True}]}, {"items": [{"kind": "comment", "id": 1, "x": 1}]},
     {"items": [{"kind": "comment", "id": 1}], "read": "yes"}, {"items": [{"kind": "proposal", "id": 99999}]}],
)  # fmt: skip
def test_mark_read_refuses_malformed_or_foreign_items(client, received, official, bearer, body):
    response = client.post("/api/v1/consultations/market/inbox/read", headers=bearer(official), json=body)
    assert response.status_code == 422
    assert _inbox(client, bearer(official)).get_json()["unread"] == 3


def test_residents_cannot_mark_read(client, received, rosa, bearer):
    body = {"items": [{"kind": "comment", "id": received[0].id}]}
    assert (
        client.post("/api/v1/consultations/market/inbox/read", headers=bearer(rosa), json=body).status_code
        == 403
    )


def test_responses_match_the_openapi_document(client, session, received, official, bearer):
    spec = document("http://localhost/api/v1")
    headers = bearer(official)
    question, *_ = received
    calls = [
        ("post", f"/comments/{question.id}/answer", "/comments/{id}/answer", {"json": {"body": "Yes."}}),
        ("post", f"/comments/{question.id}/answer", "/comments/{id}/answer", {"json": {}}),
        ("get", "/consultations/market/inbox", "/consultations/{c}/inbox", {}),
        ("post", "/consultations/market/inbox/read", "/consultations/{c}/inbox/read",
         {"json": {"items": [{"kind": "comment", "id": question.id}]}}),
        ("get", "/consultations/market/history", "/consultations/{c}/history", {}),
        ("get", "/consultations/market/report", "/consultations/{c}/report", {}),
    ]  # fmt: skip
    for method, path, template, extra in calls:
        response = client.open(f"/api/v1{path}", method=method.upper(), headers=headers, **extra)
        operation = spec["paths"][template][method]
        schema = operation["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
        assert problems(response.get_json(), schema, spec["components"]["schemas"]) == [], path

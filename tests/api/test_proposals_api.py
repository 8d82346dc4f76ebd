"""API: proposals — submit, list, review, update, merge (stale, conflicting, by hand, in part,
twice, concurrently), reject, withdraw, and who may do what."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

import pytest
from sqlalchemy import func, select

from govwiki.extensions import db
from govwiki.models import Revision
from govwiki.services import clock, consultations, pages

BASE = "Vendors apply for a permit.\n\nThe notice period is 30 days.\n\nStalls close at 23:00.\n"
LONGER = BASE.replace("30 days", "60 days")


@pytest.fixture
def page(make_page, make_consultation):
    return make_page(make_consultation(slug="rules", edit_policy="suggest"), body=BASE, title="Market rules")


@pytest.fixture
def resident(make_user):
    return make_user("resident", "rosa", display_name="Rosa")


@pytest.fixture
def official_headers(page, bearer):
    return bearer(page.consultation.created_by)


def _submit(client, headers, body, base=1, summary="Longer notice"):
    return client.post(
        "/api/v1/pages/market-rules/proposals",
        headers=headers,
        json={"body": body, "summary": summary, "base_revision": base},
    )


def _proposal_id(client, headers, body, base=1) -> int:
    response = _submit(client, headers, body, base)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _edit(session, page, body, base):
    pages.save_page(session, page.consultation.created_by, page, body=body, base_revision=base)


def _revisions(session, page) -> int:
    return session.scalar(select(func.count()).where(Revision.page_id == page.id))


def test_submit_returns_201_with_the_contract_fields(client, page, resident, bearer):
    response = _submit(client, bearer(resident), LONGER)
    data = response.get_json()
    assert response.status_code == 201 and data["status"] == "open"
    assert {
        "id",
        "page",
        "author",
        "summary",
        "base_revision",
        "status",
        "created_at",
        "decided_by",
        "decided_at",
        "reason",
        "merged_revision",
        "body",
        "partial",
        "declined",
    } <= set(data)
    assert data["author"] == {"username": "rosa", "display_name": "Rosa"}


def test_proposal_never_shows_an_email_address(client, page, resident, bearer):
    proposal_id = _proposal_id(client, bearer(resident), LONGER)
    assert "@example.org" not in client.get(f"/api/v1/proposals/{proposal_id}").get_data(as_text=True)


def test_submit_signed_out_is_401(client, page):
    assert _submit(client, {}, LONGER).status_code == 401


def test_proposing_under_the_comment_policy_is_403(client, make_page, make_consultation, resident, bearer):
    make_page(make_consultation(edit_policy="comment"), body=BASE, title="Comment only")
    response = client.post(
        "/api/v1/pages/comment-only/proposals",
        headers=bearer(resident),
        json={"body": LONGER, "base_revision": 1},
    )
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


def test_deadline_passing_before_submit_hands_the_text_back(
    client, session, make_page, make_consultation, resident, bearer, move_clock
):
    make_page(
        make_consultation(edit_policy="suggest", closes_at=clock.now() + timedelta(hours=1)),
        body=BASE,
        title="Market rules",
    )
    headers = bearer(resident)
    form = client.get("/api/v1/pages/market-rules").get_json()
    move_clock(timedelta(hours=2))
    response = _submit(client, headers, LONGER, base=form["revision"])
    error = response.get_json()["error"]
    assert (
        response.status_code == 403
        and error["code"] == "consultation_closed"
        and error["your_body"] == LONGER
    )


def test_proposal_identical_to_its_base_is_422_with_your_body(client, page, resident, bearer):
    response = _submit(client, bearer(resident), BASE)
    error = response.get_json()["error"]
    assert response.status_code == 422 and "body" in error["fields"] and error["your_body"] == BASE


@pytest.mark.parametrize("body", ["", "  \n\t\n"])
def test_empty_or_blank_proposal_is_422_with_your_body(body, client, session, page, resident, bearer):
    response = _submit(client, bearer(resident), body)
    error = response.get_json()["error"]
    assert response.status_code == 422 and "empty" in error["fields"]["body"] and error["your_body"] == body
    assert client.get("/api/v1/pages/market-rules/proposals").get_json()["items"] == []


def test_rewriting_a_proposal_to_blank_is_422_and_keeps_the_old_text(client, page, resident, bearer):
    proposal_id = _proposal_id(client, bearer(resident), LONGER)
    response = client.patch(
        f"/api/v1/proposals/{proposal_id}", headers=bearer(resident), json={"body": " \n"}
    )
    assert response.status_code == 422 and response.get_json()["error"]["your_body"] == " \n"
    assert client.get(f"/api/v1/proposals/{proposal_id}").get_json()["body"] == LONGER


def test_list_filters_by_status_and_marks_overlaps(
    client, session, page, resident, make_user, bearer, official_headers
):
    first = _proposal_id(client, bearer(resident), LONGER)
    second = _proposal_id(client, bearer(make_user()), BASE.replace("30 days", "14 days"))
    rejected = _proposal_id(client, bearer(resident), BASE.replace("23:00", "22:00"))
    client.post(f"/api/v1/proposals/{rejected}/reject", json={"reason": "No."}, headers=official_headers)
    data = client.get("/api/v1/pages/market-rules/proposals?status=open").get_json()
    assert [(p["id"], p["mergeable"], p["overlaps"]) for p in data["items"]] == [
        (second, True, [first]),
        (first, True, [second]),
    ]
    assert data["total"] == 2


def test_list_with_an_unknown_status_is_422(client, page):
    assert client.get("/api/v1/pages/market-rules/proposals?status=bogus").status_code == 422


def test_review_has_diff_hunks_and_merge_preview(client, page, resident, bearer):
    proposal_id = _proposal_id(client, bearer(resident), LONGER.replace("23:00", "21:00"))
    data = client.get(f"/api/v1/proposals/{proposal_id}").get_json()
    assert data["diff"]["from"] == 1 and {"op": "insert", "text": "60"} in data["diff"]["ops"]
    assert [(h["index"], h["base"], h["text"]) for h in data["hunks"]] == [(0, "30", "60"), (1, "23", "21")]
    assert data["mergeable"] is True and data["conflicts"] == [] and data["overlaps"] == []


def test_review_of_a_conflicting_proposal_lists_the_conflicts(client, session, page, resident, bearer):
    proposal_id = _proposal_id(client, bearer(resident), LONGER)
    _edit(session, page, BASE.replace("30 days", "45 days"), 1)
    data = client.get(f"/api/v1/proposals/{proposal_id}").get_json()
    assert data["mergeable"] is False and data["conflicts"][0]["mine"] == "60"
    assert "<<<<<<<" in data["marked_body"]


def test_merge_credits_the_proposer_and_the_official(
    client, session, page, resident, bearer, official_headers
):
    proposal_id = _proposal_id(client, bearer(resident), LONGER)
    response = client.post(f"/api/v1/proposals/{proposal_id}/merge", json={}, headers=official_headers)
    assert response.status_code == 200
    assert (response.get_json()["status"], response.get_json()["revision"]) == ("merged", 2)
    revision = client.get("/api/v1/pages/market-rules/revisions/2").get_json()
    assert (revision["author"]["username"], revision["merged_by"]["username"], revision["proposal"]) == (
        "rosa",
        "olivia-official",
        proposal_id,
    )


def test_blame_shows_the_proposer_for_merged_words(client, page, resident, bearer, official_headers):
    proposal_id = _proposal_id(client, bearer(resident), LONGER)
    client.post(f"/api/v1/proposals/{proposal_id}/merge", json={}, headers=official_headers)
    spans = client.get("/api/v1/pages/market-rules/blame").get_json()["spans"]
    assert [s["author"]["username"] for s in spans if "60" in s["text"]] == ["rosa"]


def test_stale_proposal_merges_three_way(client, session, page, resident, bearer, official_headers):
    proposal_id = _proposal_id(client, bearer(resident), LONGER)
    _edit(session, page, BASE.replace("23:00", "22:00"), 1)
    response = client.post(f"/api/v1/proposals/{proposal_id}/merge", json={}, headers=official_headers)
    assert response.status_code == 200
    assert client.get("/api/v1/pages/market-rules").get_json()["body"] == LONGER.replace("23:00", "22:00")


def test_conflicting_merge_is_409_then_resolved_by_hand(
    client, session, page, resident, bearer, official_headers
):
    proposal_id = _proposal_id(client, bearer(resident), LONGER)
    _edit(session, page, BASE.replace("30 days", "45 days"), 1)
    refused = client.post(f"/api/v1/proposals/{proposal_id}/merge", json={}, headers=official_headers)
    error = refused.get_json()["error"]
    assert refused.status_code == 409 and error["code"] == "edit_conflict"
    assert (error["your_body"], error["head_body"], error["head_revision"]) == (
        LONGER,
        BASE.replace("30 days", "45 days"),
        2,
    )
    resolved = BASE.replace("30 days", "50 days")
    response = client.post(
        f"/api/v1/proposals/{proposal_id}/merge",
        headers=official_headers,
        json={"body": resolved, "base_revision": error["head_revision"]},
    )
    assert response.status_code == 200 and response.get_json()["revision"] == 3
    assert client.get("/api/v1/pages/market-rules").get_json()["body"] == resolved


def test_partial_merge_applies_accepted_hunks_and_shows_the_declined(
    client, page, resident, bearer, official_headers
):
    proposal_id = _proposal_id(client, bearer(resident), LONGER.replace("23:00", "21:00"))
    response = client.post(
        f"/api/v1/proposals/{proposal_id}/merge", json={"accept": [1]}, headers=official_headers
    )
    assert response.status_code == 200 and response.get_json()["partial"] is True
    assert client.get("/api/v1/pages/market-rules").get_json()["body"] == BASE.replace("23:00", "21:00")
    data = client.get(f"/api/v1/proposals/{proposal_id}").get_json()
    assert [(d["index"], d["base"], d["text"]) for d in data["declined"]] == [(0, "30", "60")]


def test_merging_twice_is_409_already_merged(client, session, page, resident, bearer, official_headers):
    proposal_id = _proposal_id(client, bearer(resident), LONGER)
    client.post(f"/api/v1/proposals/{proposal_id}/merge", json={}, headers=official_headers)
    again = client.post(f"/api/v1/proposals/{proposal_id}/merge", json={}, headers=official_headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_merged"
    assert _revisions(session, page) == 2


def _merge_from_thread(app, headers, proposal_id, barrier):
    with app.app_context():
        client = app.test_client()
        barrier.wait()
        response = client.post(f"/api/v1/proposals/{proposal_id}/merge", json={}, headers=headers)
        db.session.remove()
        return response.status_code, response.get_json()


def test_concurrent_merges_of_one_proposal_make_one_revision(
    app, client, session, page, resident, bearer, make_user
):
    proposal_id = _proposal_id(client, bearer(resident), LONGER)
    admin = make_user("admin")
    headers = [bearer(page.consultation.created_by), bearer(admin)]
    barrier = Barrier(2)
    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(lambda h: _merge_from_thread(app, h, proposal_id, barrier), headers))
    statuses = sorted(status for status, _ in outcomes)
    assert statuses == [200, 409]
    assert [body["error"]["code"] for status, body in outcomes if status == 409] == ["already_merged"]
    assert _revisions(session, page) == 2


def test_reject_requires_a_reason(client, page, resident, bearer, official_headers):
    proposal_id = _proposal_id(client, bearer(resident), LONGER)
    response = client.post(f"/api/v1/proposals/{proposal_id}/reject", json={}, headers=official_headers)
    assert response.status_code == 422 and "reason" in response.get_json()["error"]["fields"]


def test_reject_with_a_reason_is_public(client, page, resident, bearer, official_headers):
    proposal_id = _proposal_id(client, bearer(resident), LONGER)
    response = client.post(
        f"/api/v1/proposals/{proposal_id}/reject", json={"reason": "Legal maximum."}, headers=official_headers
    )
    assert response.status_code == 200 and response.get_json()["status"] == "rejected"
    data = client.get(f"/api/v1/proposals/{proposal_id}").get_json()
    assert (data["status"], data["reason"], data["decided_by"]["username"]) == (
        "rejected",
        "Legal maximum.",
        "olivia-official",
    )


@pytest.mark.parametrize("action, payload", [("merge", {}), ("reject", {"reason": "No."}), ("withdraw", {})])
def test_another_resident_gets_403(action, payload, client, page, resident, make_user, bearer):
    proposal_id = _proposal_id(client, bearer(resident), LONGER)
    response = client.post(
        f"/api/v1/proposals/{proposal_id}/{action}", json=payload, headers=bearer(make_user())
    )
    assert response.status_code == 403


def test_author_withdraws_and_cannot_withdraw_again(client, page, resident, bearer):
    headers = bearer(resident)
    proposal_id = _proposal_id(client, headers, LONGER)
    assert client.post(f"/api/v1/proposals/{proposal_id}/withdraw", headers=headers).status_code == 200
    again = client.post(f"/api/v1/proposals/{proposal_id}/withdraw", headers=headers)
    assert again.status_code == 409


def test_author_updates_the_proposal_with_patch(client, page, resident, bearer):
    headers = bearer(resident)
    proposal_id = _proposal_id(client, headers, LONGER)
    response = client.patch(
        f"/api/v1/proposals/{proposal_id}",
        headers=headers,
        json={"body": BASE.replace("30 days", "90 days"), "summary": "Longer still"},
    )
    assert response.status_code == 200 and response.get_json()["summary"] == "Longer still"


def test_others_may_not_patch_a_proposal(client, page, resident, make_user, bearer):
    proposal_id = _proposal_id(client, bearer(resident), LONGER)
    response = client.patch(
        f"/api/v1/proposals/{proposal_id}", headers=bearer(make_user()), json={"summary": "Mine"}
    )
    assert response.status_code == 403


def test_proposals_of_a_draft_consultation_are_404_to_outsiders(
    client, make_page, make_consultation, official, make_user, bearer
):
    make_page(make_consultation(status="draft", edit_policy="suggest"), body=BASE, title="Secret")
    created = client.post(
        "/api/v1/pages/secret/proposals", headers=bearer(official), json={"body": LONGER, "base_revision": 1}
    )
    assert created.status_code == 201
    outsider = bearer(make_user())
    assert client.get(f"/api/v1/proposals/{created.get_json()['id']}", headers=outsider).status_code == 404
    assert client.get("/api/v1/pages/secret/proposals", headers=outsider).status_code == 404
    assert client.get(f"/api/v1/proposals/{created.get_json()['id']}").status_code == 404


def test_adopted_consultation_refuses_merges(client, session, page, resident, bearer, official_headers):
    proposal_id = _proposal_id(client, bearer(resident), LONGER)
    owner = page.consultation.created_by
    for status in ("closed", "adopted"):
        consultations.update_consultation(session, owner, page.consultation, {"status": status})
    response = client.post(f"/api/v1/proposals/{proposal_id}/merge", json={}, headers=official_headers)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "consultation_closed"


def test_unknown_proposal_is_404(client, page):
    assert client.get("/api/v1/proposals/999999").status_code == 404
    assert client.get("/api/v1/proposals/99999999999999999999").status_code == 404


@pytest.mark.parametrize("payload", [{"accept": "0"}, {"accept": [True]}, {"body": 5}, {"surprise": 1}])
def test_malformed_merge_input_is_422(payload, client, page, resident, bearer, official_headers):
    proposal_id = _proposal_id(client, bearer(resident), LONGER)
    response = client.post(f"/api/v1/proposals/{proposal_id}/merge", json=payload, headers=official_headers)
    assert response.status_code == 422

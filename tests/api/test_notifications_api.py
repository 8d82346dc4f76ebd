"""API: the caller's notifications and watchlist."""

from __future__ import annotations

import pytest

from govwiki.services import consultations, notifications, pages


def _edit(session, user, page, text: str):
    head = pages.head_revision(session, page)
    pages.save_page(session, user, page, body=head.body + text + "\n", base_revision=head.number)


@pytest.fixture
def resident(make_user):
    return make_user("resident", "rosa", display_name="Rosa")


@pytest.mark.parametrize(
    "method, path",
    [("get", "/api/v1/notifications"), ("post", "/api/v1/notifications/read"), ("get", "/api/v1/watchlist")],
)
def test_signed_out_callers_are_unauthenticated(method, path, client):
    response = getattr(client, method)(path, json={} if method == "post" else None)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"


def test_notifications_list_grouped_edits_with_the_unread_count(
    client, session, make_page, official, resident, bearer
):
    page = make_page()
    for number in range(10):
        _edit(session, resident, page, f"Line {number}.")
    data = client.get("/api/v1/notifications", headers=bearer(official)).get_json()
    assert (data["total"], data["unread"], data["page"]) == (1, 1, 1)
    [item] = data["items"]
    assert (item["kind"], item["count"], item["unread"], item["page"]["slug"]) == (
        "page_edited",
        10,
        True,
        page.slug,
    )
    assert (item["details"]["first_revision"], item["details"]["last_revision"]) == (2, 11)
    assert item["diff_url"].endswith(f"/api/v1/pages/{page.slug}/diff?from=1&to=11")


def test_notifications_are_paginated(
    client, session, make_consultation, make_page, official, resident, bearer
):
    consultation = make_consultation()
    for number in range(3):
        _edit(session, resident, make_page(consultation, title=f"P{number}"), "A.")
    data = client.get("/api/v1/notifications?per_page=2&page=2", headers=bearer(official)).get_json()
    assert (len(data["items"]), data["total"], data["per_page"]) == (1, 3, 2)


def test_mark_some_then_all_read(client, session, make_consultation, make_page, official, resident, bearer):
    consultation = make_consultation()
    for number in range(3):
        _edit(session, resident, make_page(consultation, title=f"P{number}"), "A.")
    headers = bearer(official)
    first = client.get("/api/v1/notifications", headers=headers).get_json()["items"][0]["id"]
    assert client.post("/api/v1/notifications/read", json={"ids": [first]}, headers=headers).get_json() == {
        "marked": 1,
        "unread": 2,
    }
    assert client.post("/api/v1/notifications/read", json={}, headers=headers).get_json() == {
        "marked": 2,
        "unread": 0,
    }


@pytest.mark.parametrize("body", [{"ids": "all"}, {"ids": ["1"]}, {"ids": [99999999999]}, {"every": True}])
def test_mark_read_refuses_bad_input(body, client, official, bearer):
    response = client.post("/api/v1/notifications/read", json=body, headers=bearer(official))
    assert response.status_code == 422


def test_a_bumped_entry_is_unread_again(client, session, make_page, official, resident, bearer):
    page = make_page()
    headers = bearer(official)
    _edit(session, resident, page, "A.")
    client.post("/api/v1/notifications/read", json={}, headers=headers)
    _edit(session, resident, page, "B.")
    data = client.get("/api/v1/notifications", headers=headers).get_json()
    assert data["unread"] == 1 and data["items"][0]["count"] == 2


@pytest.mark.parametrize("kind", ["consultations", "pages"])
def test_put_and_delete_watch(kind, client, session, make_page, resident, bearer):
    page = make_page()
    slug = page.slug if kind == "pages" else page.consultation.slug
    headers = bearer(resident)
    response = client.put(f"/api/v1/{kind}/{slug}/watch", headers=headers)
    assert response.status_code == 200 and response.get_json()["watching"] is True
    watched = client.get("/api/v1/watchlist", headers=headers).get_json()
    assert watched["total"] == 1 and watched["items"][0]["type"] == kind[:-1]
    assert client.delete(f"/api/v1/{kind}/{slug}/watch", headers=headers).get_json()["watching"] is False
    assert client.get("/api/v1/watchlist", headers=headers).get_json()["total"] == 0


@pytest.mark.parametrize("state", [{"status": "draft"}, {"visibility": "invited"}])
def test_watching_what_you_may_not_read_is_not_found(
    state, client, make_consultation, make_page, resident, bearer
):
    page = make_page(make_consultation(**state))
    headers = bearer(resident)
    assert (
        client.put(f"/api/v1/consultations/{page.consultation.slug}/watch", headers=headers).status_code
        == 404
    )
    assert client.put(f"/api/v1/pages/{page.slug}/watch", headers=headers).status_code == 404


def test_signed_out_watch_of_a_public_page_is_unauthenticated(client, make_page):
    page = make_page()
    assert client.put(f"/api/v1/pages/{page.slug}/watch").status_code == 401


def test_status_change_and_proposal_decision_reach_the_api(
    client, session, make_page, official, resident, bearer
):
    from govwiki.models import Proposal

    page = make_page()
    notifications.watch(session, resident, consultation=page.consultation)
    consultations.update_consultation(session, official, page.consultation, {"status": "closed"})
    proposal = Proposal(
        page_id=page.id,
        author_id=resident.id,
        base_number=1,
        body="x\n",
        status="merged",
        decided_by_id=official.id,
        merged_revision=2,
        partial=True,
    )
    session.add(proposal)
    session.commit()
    notifications.proposal_decided(session, proposal, "merged")
    session.commit()
    items = client.get("/api/v1/notifications", headers=bearer(resident)).get_json()["items"]
    assert [(i["kind"], i["proposal"]) for i in items] == [
        ("proposal_partly_merged", proposal.id),
        ("status_changed", None),
    ]


def test_lost_access_hides_notifications_and_watches(client, session, make_page, official, resident, bearer):
    page = make_page()
    notifications.watch(session, resident, page=page)
    _edit(session, official, page, "A.")
    consultations.update_consultation(session, official, page.consultation, {"visibility": "invited"})
    headers = bearer(resident)
    data = client.get("/api/v1/notifications", headers=headers).get_json()
    assert (data["items"], data["total"], data["unread"]) == ([], 0, 0)
    assert client.get("/api/v1/watchlist", headers=headers).get_json()["total"] == 0


def test_nobody_sees_someone_elses_notifications(client, session, make_page, official, resident, bearer):
    _edit(session, resident, make_page(), "A.")
    assert client.get("/api/v1/notifications", headers=bearer(resident)).get_json()["total"] == 0


# --- comments -------------------------------------------------------------------------------------


def _comment(client, headers, page, body="Thirty days is too short.", **extra) -> int:
    response = client.post(
        f"/api/v1/pages/{page.slug}/comments", headers=headers, json={"body": body, **extra}
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_comment_notifications_link_to_the_comment_in_the_api_and_on_its_page(
    client, session, make_consultation, make_page, official, resident, bearer
):
    page = make_page(make_consultation(edit_policy="comment"), title="Market rules")
    mine = _comment(client, bearer(resident), page)
    reply = _comment(client, bearer(official), page, "Which stalls?", parent_id=mine)
    [item] = client.get("/api/v1/notifications", headers=bearer(resident)).get_json()["items"]
    assert (item["kind"], item["count"], item["page"]["slug"]) == ("comment_replied", 1, page.slug)
    assert item["comment"]["id"] == reply and item["comment"]["url"].endswith(f"/api/v1/comments/{reply}")
    assert item["comment"]["html_url"].endswith(f"/comments/{reply}")
    assert item["html_url"] == item["comment"]["html_url"]
    assert item["text"] == f"1 reply to your comment on “Market rules” today by {official.display_name}"
    assert "Which stalls?" not in str(item)


def test_a_notifications_text_follows_the_callers_language(
    client, session, make_consultation, make_page, official, resident, bearer
):
    page = make_page(make_consultation(edit_policy="comment"), title="Market rules")
    _comment(client, bearer(resident), page)
    headers = {**bearer(official), "Accept-Language": "zh"}
    [item] = client.get("/api/v1/notifications", headers=headers).get_json()["items"]
    assert item["kind"] == "page_commented" and item["text"] == "Rosa 今天在“Market rules”发表了 1 条新评论"
    [english] = client.get("/api/v1/notifications?lang=en", headers=headers).get_json()["items"]
    assert english["text"] == "1 new comment on “Market rules” today by Rosa"


def test_entries_not_about_comments_have_no_comment(client, session, make_page, official, resident, bearer):
    page = make_page(title="Fees")
    _edit(session, resident, page, "A.")
    [item] = client.get("/api/v1/notifications", headers=bearer(official)).get_json()["items"]
    assert item["comment"] is None and item["text"] == "1 edit to “Fees” today by Rosa"
    assert item["html_url"].endswith(f"/pages/{page.slug}/diff?from=1&to=2")

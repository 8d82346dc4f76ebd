"""API: the consultation record — history, report, contributions and the read-only audit log."""

from __future__ import annotations

import pytest

from govwiki.services import accounts, consultations, pages
from tests.services.record_helpers import add_proposal

WRITES = ("post", "put", "patch", "delete")


@pytest.fixture
def rosa(make_user):
    return make_user("resident", "rosa", display_name="Rosa")


@pytest.fixture
def lanes(session, make_consultation, make_page, official, rosa):
    """An open consultation with an edit, a rejected and a merged proposal."""
    consultation = make_consultation(status="draft", title="Lanes")
    page = make_page(consultation, body="Lanes on Main Street.\n", title="Routes")
    consultations.update_consultation(session, official, consultation, {"status": "open"})
    pages.save_page(
        session, rosa, page, body="Wide lanes on Main Street.\n", base_revision=1, summary="wider"
    )
    add_proposal(session, page, rosa, status="rejected", decided_by=official, reason="Too costly.")
    add_proposal(session, page, rosa, status="merged", decided_by=official, merged_revision=2)
    return consultation


def _no_email_anywhere(response) -> None:
    assert "@example.org" not in response.get_data(as_text=True)


def test_history_is_paginated_newest_first(client, lanes):
    response = client.get(f"/api/v1/consultations/{lanes.slug}/history?per_page=3")
    data = response.get_json()
    assert response.status_code == 200 and (data["page"], data["per_page"], data["total"]) == (1, 3, 8)
    assert len(data["items"]) == 3
    moments = [item["at"] for item in data["items"]]
    assert moments == sorted(moments, reverse=True)
    _no_email_anywhere(response)


def test_history_items_have_the_contract_fields(client, lanes):
    items = client.get(f"/api/v1/consultations/{lanes.slug}/history").get_json()["items"]
    assert all(
        {"type", "at", "actor", "page", "revision", "proposal", "details"} <= set(item) for item in items
    )
    by_type = {}
    for item in items:
        by_type.setdefault(item["type"], item)
    assert by_type["revision"]["actor"] == {"username": "rosa", "display_name": "Rosa"}
    assert by_type["revision"]["page"]["slug"] and by_type["revision"]["revision"] == 2
    assert by_type["proposal_rejected"]["details"]["reason"] == "Too costly."
    assert by_type["proposal_merged"]["revision"] == 2 and by_type["proposal_merged"]["proposal"]
    assert by_type["status_changed"]["details"] == {"from": "draft", "to": "open"}


def test_history_rejects_absurd_pagination(client, lanes):
    response = client.get(f"/api/v1/consultations/{lanes.slug}/history?per_page=100000")
    assert response.status_code == 422 and "per_page" in response.get_json()["error"]["fields"]


def test_history_of_a_draft_is_not_found_for_outsiders(
    client, make_consultation, make_user, bearer, official
):
    draft = make_consultation(status="draft")
    assert client.get(f"/api/v1/consultations/{draft.slug}/history").status_code == 404
    assert (
        client.get(f"/api/v1/consultations/{draft.slug}/history", headers=bearer(make_user())).status_code
        == 404
    )
    assert (
        client.get(f"/api/v1/consultations/{draft.slug}/history", headers=bearer(official)).status_code == 200
    )


def test_report_counts_and_lists(client, lanes):
    response = client.get(f"/api/v1/consultations/{lanes.slug}/report")
    data = response.get_json()
    assert response.status_code == 200
    assert data["counts"]["participants"] == 2
    assert data["counts"]["proposals"] == {
        "received": 2,
        "merged": 1,
        "partly_merged": 0,
        "rejected": 1,
        "withdrawn": 0,
        "open": 0,
    }
    assert (
        data["rejected"][0]["reason"] == "Too costly."
        and data["rejected"][0]["decided_by"]["username"] == "olivia-official"
    )
    assert data["merged"][0]["merged_revision"] == 2 and data["merged"][0]["author"]["username"] == "rosa"
    [page] = data["pages"]
    assert (page["opened_revision"], page["final_revision"], page["final"]) == (1, 2, "current")
    assert "".join(op["text"] for op in page["ops"] if op["op"] != "delete") == "Wide lanes on Main Street.\n"
    _no_email_anywhere(response)


def test_report_of_an_invited_consultation_is_not_found_for_outsiders(
    client, make_consultation, make_user, bearer
):
    hidden = make_consultation(visibility="invited")
    assert (
        client.get(f"/api/v1/consultations/{hidden.slug}/report", headers=bearer(make_user())).status_code
        == 404
    )


def test_contributions_list_revisions_and_proposals(client, lanes):
    response = client.get("/api/v1/users/rosa/contributions")
    data = response.get_json()
    assert response.status_code == 200 and data["total"] == 3 and data["user"]["username"] == "rosa"
    assert sorted(item["type"] for item in data["items"]) == ["proposal", "proposal", "revision"]
    assert all(item["consultation"] == lanes.slug for item in data["items"])
    _no_email_anywhere(response)


def test_contributions_hide_a_draft_from_outsiders(
    client, session, make_consultation, make_page, official, rosa, bearer, make_user
):
    draft = make_consultation(status="draft")
    consultations.add_member(session, official, draft, rosa, "expert")
    page = make_page(draft)
    pages.save_page(session, rosa, page, body="Draft edit.\n", base_revision=1)
    assert client.get("/api/v1/users/rosa/contributions").get_json()["total"] == 0
    assert (
        client.get("/api/v1/users/rosa/contributions", headers=bearer(make_user())).get_json()["total"] == 0
    )
    assert client.get("/api/v1/users/rosa/contributions", headers=bearer(official)).get_json()["total"] == 1


def test_contributions_of_an_unknown_person_are_not_found(client):
    assert client.get("/api/v1/users/ghost/contributions").status_code == 404


# --- the audit log -----------------------------------------------------------------------------


def test_officials_of_the_consultation_read_its_audit_log(client, lanes, official, bearer):
    response = client.get(f"/api/v1/consultations/{lanes.slug}/audit", headers=bearer(official))
    data = response.get_json()
    assert response.status_code == 200
    assert [e["action"] for e in data["items"]] == ["status_changed", "consultation_created"]
    assert all(len(e["hash"]) == 64 and len(e["prev_hash"]) == 64 for e in data["items"])
    assert data["items"][0]["prev_hash"] == data["items"][1]["hash"]
    _no_email_anywhere(response)


def test_admins_read_any_audit_log(client, lanes, make_user, bearer):
    headers = bearer(make_user("admin"))
    assert client.get(f"/api/v1/consultations/{lanes.slug}/audit", headers=headers).status_code == 200
    assert client.get("/api/v1/audit", headers=headers).get_json()["total"] >= 2


@pytest.mark.parametrize("path", ["/consultations/{slug}/audit", "/audit"])
def test_residents_may_not_read_the_audit_log(client, lanes, rosa, bearer, path):
    response = client.get("/api/v1" + path.format(slug=lanes.slug), headers=bearer(rosa))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("path", ["/consultations/{slug}/audit", "/audit"])
def test_anonymous_callers_must_authenticate_for_the_audit_log(client, lanes, path):
    assert client.get("/api/v1" + path.format(slug=lanes.slug)).status_code == 401


def test_a_private_consultations_audit_log_is_not_found(client, make_consultation, make_user, bearer):
    hidden = make_consultation(visibility="invited")
    for caller in (make_user(), make_user("official")):
        assert (
            client.get(f"/api/v1/consultations/{hidden.slug}/audit", headers=bearer(caller)).status_code
            == 404
        )


def test_site_officials_see_only_events_of_what_they_may_read(
    client, session, make_consultation, make_user, bearer
):
    visible = make_consultation(title="Visible")
    hidden = make_consultation(visibility="invited", title="Hidden")
    admin = make_user("admin")
    accounts.set_role(session, admin, make_user().username, "official")
    other_official = make_user("official")
    items = client.get("/api/v1/audit?per_page=200", headers=bearer(other_official)).get_json()["items"]
    consultations_seen = {e["consultation"] for e in items}
    assert visible.slug in consultations_seen and hidden.slug not in consultations_seen
    assert None in consultations_seen  # the role change is a site event
    everything = client.get("/api/v1/audit?per_page=200", headers=bearer(admin)).get_json()["items"]
    assert hidden.slug in {e["consultation"] for e in everything}


def test_site_officials_may_read_the_log_of_a_public_consultation(client, lanes, make_user, bearer):
    assert (
        client.get(
            f"/api/v1/consultations/{lanes.slug}/audit", headers=bearer(make_user("official"))
        ).status_code
        == 200
    )


def test_audit_details_never_carry_email_addresses(client, session, lanes, official, bearer):
    from govwiki.services import audit

    audit.record(
        session,
        official,
        "invitation_sent",
        subject_type="invitation",
        subject_id="eva@example.org",
        consultation=lanes,
        details={"email": "eva@example.org", "note": "sent to eva@example.org", "role": "expert"},
    )
    session.commit()
    response = client.get(f"/api/v1/consultations/{lanes.slug}/audit", headers=bearer(official))
    _no_email_anywhere(response)
    newest = response.get_json()["items"][0]
    assert newest["details"] == {"note": "sent to [address withheld]", "role": "expert"}
    assert newest["subject_id"] == "[address withheld]"


@pytest.mark.parametrize("method", WRITES)
@pytest.mark.parametrize(
    "path", ["/consultations/{slug}/audit", "/audit", "/audit/1", "/consultations/{slug}/audit/1"]
)
def test_no_api_route_edits_or_deletes_audit_events(client, lanes, official, bearer, method, path):
    response = getattr(client, method)(
        "/api/v1" + path.format(slug=lanes.slug), headers=bearer(official), json={}
    )
    assert response.status_code in (404, 405)


def test_the_api_url_map_has_no_write_route_on_the_audit_log(app):
    for rule in app.url_map.iter_rules():
        if "audit" in rule.rule:
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule.rule

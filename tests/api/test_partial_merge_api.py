"""API: a proposal's changes are offered one per sentence, and a merge of some of them shows as
partly merged (status stays "merged", `partial` is true) in the proposal, the timeline and the report."""

import pytest

from govwiki.services import proposals as service

MARKET = "A vendor may run one stall at the night market. Stalls close at 23:00.\n"
MARKETS = "A vendor may run up to two stalls at the night markets. Stalls close at 22:00.\n"


@pytest.fixture
def page(make_page, make_consultation):
    return make_page(
        make_consultation(slug="night", edit_policy="suggest"), body=MARKET, title="Night market"
    )


@pytest.fixture
def resident(make_user):
    return make_user("resident", "rosa", display_name="Rosa")


@pytest.fixture
def proposal_id(session, page, resident):
    return service.submit_proposal(session, resident, page, body=MARKETS, base_revision=1).id


def test_review_offers_one_change_per_sentence_with_its_word_edits(client, proposal_id):
    data = client.get(f"/api/v1/proposals/{proposal_id}").get_json()
    assert [(c["index"], c["base"], c["text"]) for c in data["hunks"]] == [
        (0, "one stall at the night market", "up to two stalls at the night markets"),
        (1, "23", "22"),
    ]
    assert [part["text"] for part in data["hunks"][0]["parts"]][-1] == "markets"


def test_accepting_one_sentence_takes_all_its_words_and_shows_the_proposal_partly_merged(
    client, page, proposal_id, bearer
):
    version = client.get(f"/api/v1/proposals/{proposal_id}").get_json()["version"]
    response = client.post(
        f"/api/v1/proposals/{proposal_id}/merge",
        json={"accept": [0], "version": version},
        headers=bearer(page.consultation.created_by),
    )
    assert response.status_code == 200, response.get_json()
    assert client.get("/api/v1/pages/night-market").get_json()["body"] == MARKETS.replace("22:00", "23:00")
    data = client.get(f"/api/v1/proposals/{proposal_id}").get_json()
    assert (data["status"], data["partial"]) == ("merged", True)
    assert data["declined"] == [
        {"index": 1, "start": MARKET.index("23"), "end": MARKET.index("23") + 2, "base": "23", "text": "22"}
    ]


def test_timeline_and_report_call_it_partly_merged(client, page, proposal_id, bearer):
    client.post(
        f"/api/v1/proposals/{proposal_id}/merge",
        json={"accept": [1]},
        headers=bearer(page.consultation.created_by),
    )
    items = client.get("/api/v1/consultations/night/history").get_json()["items"]
    kinds = {item["type"]: item for item in items if item["proposal"] == proposal_id}
    assert "proposal_partly_merged" in kinds and "proposal_merged" not in kinds
    assert (
        kinds["proposal"]["details"]["partial"] is True and kinds["proposal"]["details"]["status"] == "merged"
    )
    report = client.get("/api/v1/consultations/night/report").get_json()
    assert report["counts"]["proposals"]["partly_merged"] == 1 and report["merged"][0]["partial"] is True


def test_openapi_says_accept_takes_change_numbers_and_partial_means_partly_merged(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert "change numbers" in schemas["MergeInput"]["properties"]["accept"]["description"]
    assert "partly merged" in schemas["Proposal"]["properties"]["partial"]["description"]
    assert schemas["Proposal"]["properties"]["status"]["enum"] == ["open", "merged", "rejected", "withdrawn"]

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


def _save(client, headers, body, base):
    response = client.put(
        "/api/v1/pages/market-rules", headers=headers, json={"body": body, "base_revision": base}
    )
    assert response.status_code == 200, response.get_json()


def _anchor(client, comment_id):
    return client.get(f"/api/v1/comments/{comment_id}").get_json()["anchor"]


def test_a_quoted_comment_records_the_w3c_anchor(client, page, resident, bearer):
    data = _post(client, bearer(resident), "Why thirty?", anchor={"quote": "30 days"}).get_json()
    anchor = data["anchor"]
    assert anchor["quote"] == "30 days" and anchor["paragraph"] == 1
    assert anchor["prefix"].endswith("The notice period is ") and anchor["suffix"].startswith(".")
    assert anchor["current"] == {"paragraph": 1, "start": 21, "end": 28} and not anchor["outdated"]


def test_a_quote_that_is_not_on_the_page_is_a_422_with_the_text_back(client, page, resident, bearer):
    response = _post(client, bearer(resident), "Why?", anchor={"quote": "45 days"})
    error = response.get_json()["error"]
    assert response.status_code == 422 and "anchor" in error["fields"] and error["your_body"] == "Why?"


def test_anchors_follow_the_text_through_saves_and_admit_when_it_is_gone(
    client, page, resident, official, bearer
):
    comment = _comment_id(client, bearer(resident), "Why thirty?", anchor={"quote": "30 days"})
    editor = bearer(page.consultation.created_by)
    _save(client, editor, "A new first paragraph.\n\n" + BASE, 1)
    assert _anchor(client, comment)["current"] == {"paragraph": 2, "start": 21, "end": 28}
    _save(client, editor, "A new first paragraph.\n\n" + BASE.replace("30 days", "sixty days"), 2)
    anchor = _anchor(client, comment)
    assert anchor["outdated"] and anchor["current"] is None
    assert anchor["quote"] == "30 days"  # the original quote stays, with the revision it was written on


def test_a_paragraph_comment_moves_with_its_paragraph(client, page, resident, bearer):
    comment = _comment_id(client, bearer(resident), "About closing hours", anchor={"paragraph": 2})
    _save(client, bearer(page.consultation.created_by), "Intro.\n\n" + BASE, 1)
    anchor = _anchor(client, comment)
    assert anchor["paragraph"] == 2 and anchor["current"]["paragraph"] == 3 and not anchor["outdated"]


def test_the_thread_list_can_be_filtered_to_one_paragraph(client, page, resident, bearer):
    headers = bearer(resident)
    on_two = _comment_id(client, headers, "closing", anchor={"paragraph": 2})
    _comment_id(client, headers, "notice", anchor={"quote": "30 days"})
    _comment_id(client, headers, "about the page")
    items = client.get("/api/v1/pages/market-rules/comments?paragraph=2").get_json()["items"]
    assert [item["id"] for item in items] == [on_two]


def test_annotations_are_w3c_json_ld_with_quote_position_and_revision(client, page, resident, bearer):
    comment = _comment_id(client, bearer(resident), "Why thirty?", anchor={"quote": "30 days"})
    _comment_id(client, bearer(resident), "A reply", parent_id=comment)
    response = client.get("/api/v1/pages/market-rules/annotations")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    document = response.get_json(force=True)
    assert document["@context"] == "http://www.w3.org/ns/anno.jsonld" and document["type"] == "AnnotationPage"
    first, reply = document["items"]
    quote, position = first["target"]["selector"]
    assert quote == {
        "type": "TextQuoteSelector",
        "exact": "30 days",
        "prefix": quote["prefix"],
        "suffix": quote["suffix"],
    }
    assert position["type"] == "TextPositionSelector" and position["end"] - position["start"] == len(
        "30 days"
    )
    assert first["target"]["state"]["type"] == "TimeState" and first["target"]["state"]["cached"].endswith(
        "?revision=1"
    )
    assert first["body"]["value"] == "Why thirty?" and first["motivation"] == "commenting"
    assert reply["motivation"] == "replying" and reply["target"] == first["id"]


def test_a_paragraph_comment_whose_paragraph_went_stays_outdated_through_later_saves(
    client, page, resident, bearer
):
    comment = _comment_id(client, bearer(resident), "About closing hours", anchor={"paragraph": 2})
    editor = bearer(page.consultation.created_by)
    without = BASE.replace("\n\nStalls close at 23:00.\n", "\n")
    _save(client, editor, without, 1)
    assert _anchor(client, comment)["outdated"]
    _save(client, editor, without + "\nA new last paragraph.\n", 2)
    assert _anchor(client, comment)["outdated"]


def test_an_edit_inside_a_paragraph_moves_its_quotes_and_leaves_the_others(client, page, resident, bearer):
    headers = bearer(resident)
    notice = _comment_id(client, headers, "Why thirty?", anchor={"quote": "30 days"})
    permit = _comment_id(client, headers, "Which permit?", anchor={"quote": "a permit"})
    _save(client, bearer(page.consultation.created_by), BASE.replace("is 30 days", "is now 30 days"), 1)
    assert _anchor(client, notice)["current"] == {"paragraph": 1, "start": 25, "end": 32}
    assert _anchor(client, permit)["current"] == {"paragraph": 0, "start": 18, "end": 26}

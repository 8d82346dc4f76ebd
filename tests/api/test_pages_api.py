"""API: pages and revisions — create, read, save with merge and conflict, history, diff, blame,
revert, permissions and bad input."""

import pytest

from govwiki.services import consultations

BODY = "# Rules\n\nVendors need a permit.\n\nThe notice period is 30 days.\n"


@pytest.fixture
def page(make_page, make_consultation):
    return make_page(make_consultation(slug="rules"), body=BODY, title="Draft rules")


@pytest.fixture
def owner_headers(page, bearer):
    return bearer(page.consultation.created_by)


def _put(client, headers, body, base, summary="edit"):
    return client.put(
        "/api/v1/pages/draft-rules",
        json={"body": body, "base_revision": base, "summary": summary},
        headers=headers,
    )


def test_official_creates_a_page_at_revision_one(client, make_consultation, official, bearer):
    make_consultation(slug="rules")
    response = client.post(
        "/api/v1/consultations/rules/pages",
        json={"title": "Hours", "body": "# Hours\n"},
        headers=bearer(official),
    )
    data = response.get_json()
    assert response.status_code == 201
    assert (data["slug"], data["revision"], data["consultation"]) == ("hours", 1, "rules")
    assert '<h1 id="h-hours">' in data["html"] or "<h1" in data["html"]


def test_resident_may_not_create_pages(client, page, make_user, bearer):
    response = client.post(
        "/api/v1/consultations/rules/pages", json={"title": "X", "body": "y"}, headers=bearer(make_user())
    )
    assert response.status_code == 403


def test_get_page_returns_body_html_and_contributors(client, page):
    data = client.get("/api/v1/pages/draft-rules").get_json()
    assert data["body"] == BODY and data["revision"] == 1
    assert "<table" not in data["html"] and "Vendors need a permit." in data["html"]
    assert data["contributors"] == [
        {
            "username": "olivia-official",
            "display_name": "olivia-official",
            "role": "official",  # in this consultation, from its memberships
            "affiliation": "",
            "revisions": 1,
        }
    ]


def test_page_html_never_carries_script(client, make_page, make_consultation):
    make_page(
        make_consultation(slug="x"),
        body="<script>alert(1)</script>\n\n[a](javascript:alert(1))",
        title="Evil",
    )
    html = client.get("/api/v1/pages/evil").get_json()["html"]
    assert "<script" not in html and "javascript:" not in html


def test_put_on_head_saves(client, page, owner_headers):
    response = _put(client, owner_headers, BODY + "\nNew.\n", 1)
    data = response.get_json()
    assert response.status_code == 200 and data["revision"] == 2 and data["merged"] is False


def test_put_unchanged_says_so(client, page, owner_headers):
    data = _put(client, owner_headers, BODY, 1).get_json()
    assert data["unchanged"] is True and data["revision"] == 1


def test_put_on_stale_base_merges(client, page, owner_headers):
    _put(client, owner_headers, BODY.replace("30 days", "45 days"), 1)
    response = _put(client, owner_headers, BODY.replace("a permit", "a free permit"), 1)
    data = response.get_json()
    assert response.status_code == 200 and data["merged"] is True
    assert "45 days" in data["body"] and "a free permit" in data["body"]


def test_put_overlapping_is_409_with_both_texts(client, page, owner_headers):
    _put(client, owner_headers, BODY.replace("30 days", "45 days"), 1)
    mine = BODY.replace("30 days", "60 days")
    response = _put(client, owner_headers, mine, 1)
    error = response.get_json()["error"]
    assert response.status_code == 409 and error["code"] == "edit_conflict"
    assert error["your_body"] == mine and "45 days" in error["head_body"]
    assert (error["base_revision"], error["head_revision"]) == (1, 2) and error["conflicts"]
    assert client.get("/api/v1/pages/draft-rules").get_json()["revision"] == 2


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"body": "x", "summary": "s"}, "base_revision"),
        ({"body": "x", "base_revision": "1"}, "base_revision"),
        ({"body": 5, "base_revision": 1}, "body"),
        ({"body": "a\x00b", "base_revision": 1}, "body"),
        ({"body": "x", "base_revision": 1, "summary": ["no"]}, "summary"),
        ({"body": "x", "base_revision": 99}, "base_revision"),
    ],
)
def test_bad_edits_are_422_with_the_field(client, page, owner_headers, payload, field):
    response = client.put("/api/v1/pages/draft-rules", json=payload, headers=owner_headers)
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]


def test_oversized_body_is_413(app, client, page, owner_headers):
    app.config["MAX_PAGE_BYTES"] = 1000
    response = _put(client, owner_headers, "x" * 1001, 1)
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_large"


def test_request_over_the_content_limit_is_413(app, client, page, owner_headers):
    app.config["MAX_CONTENT_LENGTH"] = 2000
    response = _put(client, owner_headers, "x" * 5000, 1)
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_large"


def test_resident_edits_when_policy_is_edit(client, page, make_user, bearer):
    assert _put(client, bearer(make_user()), BODY + "Mine.\n", 1).status_code == 200


@pytest.mark.parametrize("policy", ["comment", "suggest"])
def test_resident_may_not_edit_under_other_policies(client, session, page, make_user, bearer, policy):
    consultations.update_consultation(
        session, page.consultation.created_by, page.consultation, {"edit_policy": policy}
    )
    response = _put(client, bearer(make_user()), BODY + "Mine.\n", 1)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


def test_closed_consultation_refuses_residents_and_hands_text_back(client, session, page, make_user, bearer):
    consultations.update_consultation(
        session, page.consultation.created_by, page.consultation, {"status": "closed"}
    )
    response = _put(client, bearer(make_user()), BODY + "Mine.\n", 1)
    error = response.get_json()["error"]
    assert response.status_code == 403 and error["code"] == "consultation_closed"
    assert error["your_body"] == BODY + "Mine.\n"


def test_passed_deadline_refuses_residents(client, session, page, make_user, bearer, move_clock):
    from datetime import timedelta

    from govwiki.services import clock

    consultations.update_consultation(
        session,
        page.consultation.created_by,
        page.consultation,
        {"closes_at": clock.now() + timedelta(hours=1)},
    )
    move_clock(timedelta(hours=2))
    response = _put(client, bearer(make_user()), BODY + "Late.\n", 1)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "consultation_closed"


def test_anonymous_edit_is_401(client, page):
    assert _put(client, {}, BODY + "x", 1).status_code == 401


def test_history_is_paginated_newest_first(client, page, owner_headers):
    for n in range(2, 6):
        _put(client, owner_headers, BODY + f"r{n}\n", n - 1)
    data = client.get("/api/v1/pages/draft-rules/revisions?per_page=2&page=2").get_json()
    assert data["total"] == 5 and [r["number"] for r in data["items"]] == [3, 2]
    assert data["items"][0]["author"]["username"] == "olivia-official" and data["items"][0]["parent"] == 2


def test_history_lists_the_words_each_revision_changed_without_bodies(client, page, owner_headers):
    _put(client, owner_headers, BODY.replace("30 days", "45 days, 区政府公示"), 1)
    newest, first = client.get("/api/v1/pages/draft-rules/revisions").get_json()["items"]
    assert (first["words"], first["changes"]) == (11, {"inserted": 11, "deleted": 0})
    assert (newest["words"], newest["changes"]) == (16, {"inserted": 6, "deleted": 1})
    assert newest["characters"] == len(BODY) + 7 and "body" not in newest


def test_old_revision_with_body(client, page, owner_headers):
    _put(client, owner_headers, "changed\n", 1)
    data = client.get("/api/v1/pages/draft-rules/revisions/1").get_json()
    assert data["body"] == BODY and len(data["sha256"]) == 64 and data["size"] == len(BODY.encode())


def test_page_at_an_old_revision(client, page, owner_headers):
    _put(client, owner_headers, "changed\n", 1)
    data = client.get("/api/v1/pages/draft-rules?revision=1").get_json()
    assert data["body"] == BODY and data["revision"] == 1 and data["head_revision"] == 2


def test_unknown_revision_is_404(client, page):
    assert client.get("/api/v1/pages/draft-rules/revisions/9").status_code == 404
    assert client.get("/api/v1/pages/draft-rules?revision=9").status_code == 404


def test_diff_ops_rebuild_both_revisions(client, page, owner_headers):
    new = BODY.replace("30 days", "forty-five days")
    _put(client, owner_headers, new, 1)
    data = client.get("/api/v1/pages/draft-rules/diff?from=1&to=2").get_json()
    assert "".join(o["text"] for o in data["ops"] if o["op"] != "insert") == BODY
    assert "".join(o["text"] for o in data["ops"] if o["op"] != "delete") == new
    assert data["stats"]["inserted"] >= 1 and data["stats"]["deleted"] >= 1


def test_diff_of_chinese_is_character_level(client, session, make_page, make_consultation, bearer):
    page = make_page(make_consultation(slug="zh"), body="区政府在公示30日后划定便民摊点区域。\n", title="Zh")
    headers = bearer(page.consultation.created_by)
    client.put(
        f"/api/v1/pages/{page.slug}",
        json={"body": "区政府在公示45日后划定便民菜站区域。\n", "base_revision": 1},
        headers=headers,
    )
    ops = client.get(f"/api/v1/pages/{page.slug}/diff").get_json()["ops"]
    deleted = [o["text"] for o in ops if o["op"] == "delete"]
    assert "摊点" in "".join(deleted) and all(len(t) <= 4 for t in deleted)


def test_blame_spans_rebuild_the_body(client, page, make_user, bearer):
    editor = make_user()
    new = BODY.replace("30 days", "45 days")
    client.put("/api/v1/pages/draft-rules", json={"body": new, "base_revision": 1}, headers=bearer(editor))
    data = client.get("/api/v1/pages/draft-rules/blame").get_json()
    assert "".join(s["text"] for s in data["spans"]) == new
    assert any(s["author"]["username"] == editor.username and "45" in s["text"] for s in data["spans"])


def test_revert_makes_a_new_revision(client, page, owner_headers):
    _put(client, owner_headers, "vandalised\n", 1)
    response = client.post("/api/v1/pages/draft-rules/revert", json={"to_revision": 1}, headers=owner_headers)
    data = response.get_json()
    assert response.status_code == 200 and data["revision"] == 3 and data["body"] == BODY


def test_residents_may_not_revert(client, page, make_user, bearer):
    response = client.post(
        "/api/v1/pages/draft-rules/revert", json={"to_revision": 1}, headers=bearer(make_user())
    )
    assert response.status_code == 403


def test_pages_of_a_draft_are_404_to_residents(client, make_page, make_consultation, make_user, bearer):
    make_page(make_consultation(slug="secret", status="draft"), title="Hidden")
    for headers in ({}, bearer(make_user())):
        assert client.get("/api/v1/pages/hidden", headers=headers).status_code == 404
        assert client.get("/api/v1/pages/hidden/revisions/1", headers=headers).status_code == 404
        assert client.get("/api/v1/pages/hidden/diff", headers=headers).status_code == 404
        assert client.get("/api/v1/pages/hidden/blame", headers=headers).status_code == 404


# --- a refused write hands its text back, whichever check refused it --------------------------


def test_oversized_body_is_413_with_the_text_back(app, client, page, owner_headers):
    app.config["MAX_PAGE_BYTES"] = 1000
    mine = "长" * 400  # 1,200 bytes in UTF-8
    response = _put(client, owner_headers, mine, 1)
    error = response.get_json()["error"]
    assert response.status_code == 413 and error["your_body"] == mine


def test_wrong_base_revision_hands_the_text_back(client, page, owner_headers):
    error = _put(client, owner_headers, BODY + "Mine.\n", 99).get_json()["error"]
    assert error["code"] == "invalid" and error["your_body"] == BODY + "Mine.\n"


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_WRITES="1/minute")
def test_rate_limited_save_hands_the_text_back(client, page, owner_headers):
    _put(client, owner_headers, BODY + "First.\n", 1)
    response = _put(client, owner_headers, BODY + "Second.\n", 2)
    assert response.status_code == 429 and response.get_json()["error"]["your_body"] == BODY + "Second.\n"


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_cookie_write_without_csrf_token_hands_the_text_back(client, page, login):
    login(page.consultation.created_by)
    response = _put(client, {}, BODY + "Mine.\n", 1)
    error = response.get_json()["error"]
    assert response.status_code == 400 and error["code"] == "csrf_failed"
    assert error["your_body"] == BODY + "Mine.\n"


def test_a_conflict_offers_the_merge_with_both_versions_marked(client, page, owner_headers):
    _put(client, owner_headers, BODY.replace("30 days", "45 days").replace("a permit", "a free permit"), 1)
    error = _put(client, owner_headers, BODY.replace("30 days", "60 days"), 1).get_json()["error"]
    marked = error["marked_body"]
    assert "a free permit" in marked  # the other change is already in
    assert "<<<<<<< your version\nThe notice period is 60 days.\n=======\n" in marked
    assert "The notice period is 45 days.\n>>>>>>> current text (revision 2)\n" in marked


def test_saving_the_marked_text_unresolved_is_422_with_the_text(client, page, owner_headers):
    _put(client, owner_headers, BODY.replace("30 days", "45 days"), 1)
    marked = _put(client, owner_headers, BODY.replace("30 days", "60 days"), 1).get_json()["error"][
        "marked_body"
    ]
    response = _put(client, owner_headers, marked, 2)
    error = response.get_json()["error"]
    assert response.status_code == 422 and "conflict markers" in error["fields"]["body"]
    assert error["your_body"] == marked


def test_a_route_word_is_not_a_page_slug(client, make_consultation, official, bearer):
    make_consultation(slug="rules")
    response = client.post(
        "/api/v1/consultations/rules/pages",
        json={"title": "Hours", "body": "x\n", "slug": "new"},
        headers=bearer(official),
    )
    assert response.status_code == 422 and set(response.get_json()["error"]["fields"]) == {"slug"}

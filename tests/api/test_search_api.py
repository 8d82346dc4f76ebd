"""GET /api/v1/search: the contract of API.md, Chinese and English, the caller's permissions,
filters, pagination with an exact total, facets, escaped snippets, and no query is an error."""

from __future__ import annotations

from datetime import timedelta

import pytest

from govwiki.services import comments, moderation

STALLS = "城市管理执法局征集市民对便民菜站设置方案的意见。\n"


def _search(client, headers=None, **params):
    response = client.get("/api/v1/search", query_string=params, headers=headers or {})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_chinese_word_finds_the_page_with_a_link_and_a_marked_snippet(client, make_page):
    page = make_page(body=STALLS, title="Market plan")
    data = _search(client, q="菜站")
    assert data["total"] == 1 and (data["page"], data["per_page"]) == (1, 50)
    [hit] = data["items"]
    assert (hit["type"], hit["id"], hit["title"]) == ("page", page.id, "Market plan")
    assert hit["url"].endswith(f"/pages/{page.slug}")
    assert "<mark" in hit["snippet_html"] and hit["score"] > 0
    assert hit["updated_at"].endswith("+00:00")
    assert _search(client, q="蔬菜")["total"] == 0


def test_a_draft_is_searchable_only_by_its_officials(
    client, make_consultation, make_page, official, bearer, make_user
):
    make_page(make_consultation(status="draft"), body="Secret parking fees.\n")
    assert _search(client, q="parking")["total"] == 0
    assert _search(client, bearer(make_user()), q="parking")["total"] == 0
    assert _search(client, bearer(official), q="parking")["total"] == 1


def test_a_draft_stays_hidden_where_open_consultations_outnumber_it(
    client, make_consultation, make_page, official, bearer
):
    """With fewer unreadable consultations than readable ones, the rule takes the unreadable out
    of the matches. A draft's page that is the first match, after the draft's own document
    (which does not match), is taken out like every later one: whoosh's AndNot let that first
    one through."""
    for n in range(2):
        make_page(make_consultation(), body=f"Bus timetable {n}.\n")
    draft = make_consultation(status="draft")
    make_page(draft, body="A secret ferry subsidy.\n")
    make_page(draft, body="The ferry fares, also secret.\n")
    found = _search(client, q="ferry")
    assert (found["total"], found["items"]) == (0, [])
    assert _search(client, bearer(official), q="ferry")["total"] == 2


def test_a_hidden_comment_is_not_found(client, session, make_page, make_user, official):
    page = make_page()
    comment = comments.post_comment(session, make_user(), page, body="Bicycle lanes <b>now</b>.")
    [hit] = _search(client, q="bicycle")["items"]
    assert hit["type"] == "comment" and hit["url"].endswith(f"/comments/{comment.id}")
    assert "<b>" not in hit["snippet_html"] and "&lt;b&gt;" in hit["snippet_html"]
    moderation.hide_comment(session, official, comment, reason="Off topic")
    assert _search(client, q="bicycle")["total"] == 0


def test_type_filter_facets_and_pages(client, session, make_page, make_user):
    page = make_page(body="Bus routes.\n")
    for n in range(3):
        comments.post_comment(session, make_user(), page, body=f"More bus stops, please ({n}).")
    data = _search(client, q="bus", type="comment", per_page=2, sort="date")
    assert data["total"] == 3 and len(data["items"]) == 2
    assert data["facets"]["type"] == {"page": 1, "proposal": 0, "comment": 3, "consultation": 0}
    assert len(_search(client, q="bus", type="comment", per_page=2, page=2)["items"]) == 1
    assert _search(client, q="bus", type="page,comment")["total"] == 4


def test_within_one_consultation(client, make_consultation, make_page):
    first, second = make_consultation(), make_consultation()
    make_page(first, body="Harbour plan.\n")
    make_page(second, body="Harbour plan too.\n")
    assert _search(client, q="harbour")["total"] == 2
    assert _search(client, q="harbour", consultation=second.slug)["total"] == 1


def test_an_unreadable_or_unknown_consultation_is_404(client, make_consultation):
    draft = make_consultation(status="draft")
    for slug in (draft.slug, "no-such-consultation"):
        response = client.get("/api/v1/search", query_string={"q": "x", "consultation": slug})
        assert response.status_code == 404


@pytest.mark.parametrize(
    "params, field",
    [
        ({"type": "poem"}, "type"),
        ({"sort": "loudest"}, "sort"),
        ({"status": "sleeping"}, "status"),
        ({"since": "yesterday"}, "since"),
        ({"per_page": "0"}, "per_page"),
    ],
)
def test_parameters_that_are_not_understood_are_named(client, params, field):
    response = client.get("/api/v1/search", query_string={"q": "plan", **params})
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    "text", ['"unbalanced', "title:plan AND (", "*", "。，！", "\u202eplan", "plan " * 1000, "x" * 5000, ""]
)
def test_no_text_is_an_error(client, make_page, text):
    make_page(body="The plan.\n")
    assert _search(client, q=text)["total"] >= 0


def test_facets_per_consultation_and_status_keep_every_other_filter(
    client, session, make_consultation, make_page, make_user
):
    first, second = make_consultation(), make_consultation()
    page = make_page(first, body="Tram stops.\n")
    make_page(second, body="Tram depots.\n")
    comments.post_comment(session, make_user(), page, body="Tram lines, please.")
    facets = _search(client, q="tram")["facets"]
    assert facets["consultation"] == {first.slug: 2, second.slug: 1}
    assert facets["status"] == {"open": 2, "visible": 1}
    narrowed = _search(client, q="tram", type="page", consultation=first.slug)
    assert narrowed["total"] == 1
    # each facet counts with the other filters: pages only, in any consultation
    assert narrowed["facets"]["consultation"] == {first.slug: 1, second.slug: 1}
    assert narrowed["facets"]["type"] == {"page": 1, "proposal": 0, "comment": 1, "consultation": 0}


def test_a_bare_date_is_that_whole_day_in_utc(client, make_page):
    day = make_page(body="Ferry timetable.\n").updated_at.date()
    today, tomorrow = day.isoformat(), (day + timedelta(days=1)).isoformat()
    assert _search(client, q="ferry", since=today, until=today)["total"] == 1
    assert _search(client, q="ferry", since=tomorrow)["total"] == 0
    assert _search(client, q="ferry", until=tomorrow)["total"] == 1
    response = client.get("/api/v1/search", query_string={"q": "ferry", "until": "2026-02-30"})
    assert response.status_code == 422 and "2026-12-31" in response.get_json()["error"]["fields"]["until"]

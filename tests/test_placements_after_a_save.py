"""After a save, every route that says where a comment points says where it points in the new
head, though the save left the comments where they were: each such route is the first read of
the head here, and brings the comments up first (services.discussion_anchors).

The routes are listed by hand: those that print a comment's place (the marked passage in the
page, the "on paragraph N" link, the API's `anchor.current`).
"""

from __future__ import annotations

import pytest

from govwiki.services import comments, moderation, pages
from govwiki.services.comments import Target

BODY = "Vendors apply for a permit.\n\nThe notice period is 30 days.\n\nStalls close at 23:00.\n"
MOVED = "A new first paragraph.\n\n" + BODY
NEW_PLACE = {"paragraph": 2, "start": 21, "end": 28}  # "30 days" after the save


@pytest.fixture
def world(session, make_consultation, make_page, make_user, official):
    consultation = make_consultation(official, slug="market", edit_policy="edit")
    page = make_page(consultation, body=BODY, title="Market rules")
    author, reader = make_user("resident", "rosa"), make_user("resident", "omar")
    comment = comments.post_comment(session, author, page, body="Why thirty?", target=Target(quote="30 days"))
    moderation.flag_comment(session, reader, comment, reason="Off topic.")
    pages.save_page(session, official, page, body=MOVED, base_revision=1)
    return {"page": page.slug, "comment": comment.id, "official": official, "author": author}


def _para(html: str, number: int) -> str:
    start = html.index(f'<div class="para" id="para-{number}">')
    return html[start : html.index("</div>", html.index("</p>", start))]


def _marked_in_the_text(html: str) -> bool:
    return '<mark class="quoted">30 days</mark>' in _para(html, 2) and "<mark" not in _para(html, 1)


def _anchors(data) -> list[dict]:
    """Every comment anchor in a JSON document."""
    if isinstance(data, dict):
        found = [data] if {"quote", "current", "outdated"} <= set(data) else []
        return found + [a for value in data.values() for a in _anchors(value)]
    if isinstance(data, list):
        return [a for value in data for a in _anchors(value)]
    return []


WEB = {
    "page, signed out": ("/pages/{page}", None, _marked_in_the_text),
    "page, signed in": ("/pages/{page}", "author", _marked_in_the_text),
    "reply form": ("/comments/{comment}/reply", "author", lambda html: "#para-2" in html),
}
API = {
    "comment": "/api/v1/comments/{comment}",
    "page's comments": "/api/v1/pages/{page}/comments",
    "paragraph's comments": "/api/v1/pages/{page}/comments?paragraph=2",
    "inbox": "/api/v1/consultations/market/inbox",
    "moderation queue": "/api/v1/consultations/market/moderation",
}


@pytest.mark.parametrize("route", WEB)
def test_a_web_route_shows_the_comment_where_it_is_in_the_new_head(client, login, world, route):
    path, who, shows = WEB[route]
    if who:
        login(world[who])
    response = client.get(path.format(**world))
    assert response.status_code == 200 and shows(response.get_data(as_text=True))


@pytest.mark.parametrize("route", API)
def test_an_api_route_says_where_the_comment_is_in_the_new_head(client, bearer, world, route):
    response = client.get(API[route].format(**world), headers=bearer(world["official"]))
    found = _anchors(response.get_json())
    assert response.status_code == 200 and found
    assert all(a["current"] == NEW_PLACE and not a["outdated"] for a in found)


def test_hiding_answers_with_the_comment_where_it_is_in_the_new_head(client, bearer, world):
    url = f"/api/v1/comments/{world['comment']}/hide"
    response = client.post(url, headers=bearer(world["official"]), json={"reason": "Off topic."})
    assert response.status_code == 200 and _anchors(response.get_json())[0]["current"] == NEW_PLACE

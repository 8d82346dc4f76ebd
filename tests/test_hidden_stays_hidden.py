"""Hidden stays hidden (SECURITY.md 9): every GET route of the app, from its URL map, asked about
a public page that holds a comment a moderator hid, whose text (and earlier version) carries a
word written nowhere else. Nobody but the consultation's officials may get that word from any
route: not signed-out visitors, not the resident it replied to (who watches the page, reported
the comment and has notifications about it), not its own author, not officials of another
consultation. The consultation's officials still read it, marked as hidden.

A new route that prints comments is walked here without anyone listing it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from govwiki.extensions import db as _db
from govwiki.models import ApiToken, Notification
from govwiki.services import accounts, comments, consultations, moderation, notifications, pages, proposals
from tests import matrix
from tests.test_route_coverage import FILES, build
from tests.sessions import plant_session

#: written only in the hidden comment
SECRET = "Wombatfeather"
REASON = "Insults other people"
VISITORS = ("anonymous", "resident", "author", "other_official")


def _get_rules(app):
    rules = (r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint not in FILES)
    return sorted(rules, key=lambda r: r.rule)


@pytest.fixture(scope="module")
def app(database_url, _schema, tmp_path_factory):
    yield from matrix.module_app(database_url, str(tmp_path_factory.mktemp("instance")))


def _person(session, name: str, role: str = "resident"):
    user = accounts.register_user(session, name, f"{name}@example.org", "password123", role=role)
    return user, matrix.Person(user.id, user.username, accounts.create_token(session, user, "walk"))


@pytest.fixture(scope="module")
def world(app):
    """A public open consultation whose page has a thread: a resident's comment and a reply
    (edited once, then reported and hidden) carrying the secret word."""
    s = _db.session
    owner, owner_person = _person(s, "walk-owner", "official")
    resident, resident_person = _person(s, "walk-resident")
    author, author_person = _person(s, "walk-author")
    other, other_person = _person(s, "walk-other-official", "official")
    consultations.create_consultation(s, other, title="Another consultation")
    consultation = consultations.create_consultation(
        s, owner, title="Harbour plan", slug="c-walk", edit_policy="suggest"
    )
    consultations.update_consultation(s, owner, consultation, {"status": "open"})
    page = pages.create_page(
        s, owner, consultation, title="Harbour rules", body="Boats moor here.\n", slug="p-walk"
    )
    notifications.watch(s, resident, page=page)
    pages.save_page(s, owner, page, body="Boats moor here at night.\n", base_revision=1)
    proposal = proposals.submit_proposal(
        s, resident, page, body="Boats moor here by day.\n", summary="Daytime", base_revision=2
    )
    parent = comments.post_comment(s, resident, page, body="Night mooring is noisy.")
    hidden = comments.post_comment(s, author, page, body=f"{SECRET} draft", parent_id=parent.id)
    comments.edit_comment(s, author, hidden, body=f"You are all {SECRET} fools.")
    comments.post_comment(s, author, page, body="A visible comment of mine.")
    moderation.flag_comment(s, resident, hidden, reason="Rude.")
    moderation.hide_comment(s, owner, hidden, reason=REASON)
    values = {
        "consultation": consultation.slug,
        "page": page.slug,
        "number": 2,
        "proposal": proposal.id,
        "comment": hidden.id,
        "name": author.username,
        "notification": s.scalar(select(Notification.id).where(Notification.user_id == resident.id)),
        "token": s.scalar(select(ApiToken.id).where(ApiToken.user_id == resident.id)),
    }
    people = {"resident": resident_person, "author": author_person, "other_official": other_person}
    return values, people, owner_person


def _ask(client, path: str, person: matrix.Person | None):
    api = path.startswith("/api/")
    headers = {"Authorization": f"Bearer {person.token}"} if person and api else {}
    if person and not api:
        plant_session(client, person.id)
    return client.get(path, headers=headers)


def test_the_walk_covers_the_routes_that_show_comments(app):
    endpoints = {r.endpoint for r in _get_rules(app)}
    assert {"api.get_comment", "api.list_comments", "api.page_annotations", "moderation.queue"} <= endpoints


@pytest.mark.parametrize("visitor", VISITORS)
def test_no_route_shows_a_hidden_comments_text_to_those_who_may_not_read_it(app, world, visitor):
    values, people, _owner = world
    client = app.test_client()
    leaks = []
    for rule in _get_rules(app):
        path = build(rule, values)
        response = _ask(client, path, people.get(visitor))
        text = response.get_data(as_text=True)
        assert response.status_code < 500, f"{path}: {text[:300]}"
        if SECRET in text:
            leaks.append(f"{path} ({response.status_code})")
    assert not leaks, f"{visitor} reads the hidden text at: {leaks}"


def test_readers_see_the_hidden_comment_in_its_place_with_the_reason(app, world):
    values, people, _owner = world
    client = app.test_client()
    data = _ask(client, f"/api/v1/comments/{values['comment']}", people["resident"]).get_json()
    assert data["status"] == "hidden" and data["hidden_reason"] == REASON and "body" not in data
    html = _ask(client, f"/comments/{values['comment']}/flag", people["resident"]).get_data(as_text=True)
    assert f"Hidden by a moderator: {REASON}" in html


def _thread_reply(data: dict) -> dict:
    (with_reply,) = [item for item in data["items"] if item["replies"]]
    return with_reply["replies"][0]


def test_the_consultations_officials_read_it_marked_hidden(app, world):
    values, _people, owner = world
    client = app.test_client()
    one = _ask(client, f"/api/v1/comments/{values['comment']}", owner).get_json()
    in_thread = _thread_reply(_ask(client, f"/api/v1/pages/{values['page']}/comments", owner).get_json())
    for data in (one, in_thread):
        assert data["status"] == "hidden" and data["hidden_reason"] == REASON and SECRET in data["body"]
    earlier = _ask(client, f"/api/v1/comments/{values['comment']}/versions", owner).get_json()
    assert [v["body"] for v in earlier["items"]] == [f"{SECRET} draft"]
    html = _ask(client, f"/comments/{values['comment']}/hide", owner).get_data(as_text=True)
    assert f"Hidden by a moderator: {REASON}" in html and f"You are all {SECRET} fools." in html


def test_the_annotation_feed_leaves_the_hidden_text_out_even_for_officials(app, world):
    values, _people, owner = world
    feed = _ask(app.test_client(), f"/api/v1/pages/{values['page']}/annotations", owner).get_data(
        as_text=True
    )
    assert SECRET not in feed and "A visible comment of mine." in feed

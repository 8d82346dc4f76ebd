"""Signed-in readers share one cached copy of a page view per kind of reader, and still see only
their own name, token, watch state and comment actions (web/skeleton.py, web/personal_parts.py)."""

import re

import pytest
from sqlalchemy import event

from govwiki.extensions import db
from govwiki.services import comments, consultations, moderation, notifications, pages, proposals

from tests.web.test_comments_display import hide
from tests.sessions import plant_session


@pytest.fixture
def reader(app):
    """A web client signed in as `user` (each call a browser of its own)."""

    def sign_in(user):
        client = app.test_client()
        plant_session(client, user.id)
        return client

    return sign_in


def _view(client, page, tail: str = "") -> str:
    response = client.get(f"/pages/{page.slug}{tail}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _cache(app):
    return app.extensions["govwiki_page_cache"]


def _actions(html: str, comment) -> str:
    """The actions under one comment in a page's HTML."""
    found = re.search(rf'id="comment-{comment.id}".*?<div class="comment-actions">(.*?)</div>', html, re.S)
    assert found, f"comment {comment.id} is not on the page"
    return found.group(1)


def test_two_residents_share_one_copy_and_each_sees_their_own_name(app, reader, make_page, make_user):
    page = make_page()
    anna, bo = make_user(display_name="Anna Resident"), make_user(display_name="Bo Resident")
    first, second = _view(reader(anna), page), _view(reader(bo), page)
    assert len(_cache(app)) == 1, "one copy for every resident"
    assert "Anna Resident" in first and "Anna Resident" not in second
    assert "Bo Resident" in second and "Bo Resident" not in first


def test_every_reader_gets_their_own_notification_count(app, session, reader, make_page, make_user):
    page = make_page()
    anna, bo = make_user(), make_user()
    notifications.watch(session, anna, page=page)
    _view(reader(bo), page)  # the copy is built for Bo, who has no notifications
    pages.save_page(session, page.consultation.created_by, page, body="Changed.\n", base_revision=1)
    assert 'class="count-badge"' in _view(reader(anna), page)
    assert 'class="count-badge"' not in _view(reader(bo), page)


def test_each_reader_gets_their_own_watch_button(session, reader, make_page, make_user):
    page = make_page()
    anna, bo = make_user(), make_user()
    notifications.watch(session, anna, page=page)
    assert "Stop watching this page" in _view(reader(anna), page)
    html = _view(reader(bo), page)
    assert "Watch this page" in html and "Stop watching this page" not in html


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_every_form_of_a_shared_copy_carries_the_readers_own_token(app, reader, make_page, make_user):
    page = make_page()
    anna, bo = make_user(), make_user()
    anna_client, bo_client = reader(anna), reader(bo)
    anna_tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', _view(anna_client, page)))
    bo_html = _view(bo_client, page)
    bo_tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', bo_html))
    assert anna_tokens and bo_tokens and not anna_tokens & bo_tokens
    assert len(_cache(app)) == 1
    (token,) = bo_tokens
    response = bo_client.post(
        f"/pages/{page.slug}/comments",
        data={"csrf_token": token, "body": "Posted with my token.", "revision": 1},
    )
    assert response.status_code in (302, 303)


def test_only_the_author_gets_edit_and_delete(session, reader, make_page, make_user):
    page = make_page()
    author, other = make_user(), make_user()
    comment = comments.post_comment(session, author, page, body="My own words.")
    _view(reader(other), page)  # built for someone else first
    mine = _actions(_view(reader(author), page), comment)
    assert "Edit" in mine and "Delete" in mine and "support-form" not in mine
    theirs = _actions(_view(reader(other), page), comment)
    assert "Edit" not in theirs and "Delete" not in theirs and "support-form" in theirs


def test_only_the_supporter_sees_their_support_pressed(session, reader, make_page, make_user):
    page = make_page()
    supporter, other = make_user(), make_user()
    comment = comments.post_comment(session, make_user(), page, body="Worth it.")
    comments.support_comment(session, supporter, comment)
    assert 'aria-pressed="true"' in _actions(_view(reader(supporter), page), comment)
    assert 'aria-pressed="false"' in _actions(_view(reader(other), page), comment)


def test_only_the_reporter_sees_their_report(session, reader, make_page, make_user):
    page = make_page()
    reporter, other = make_user(), make_user()
    comment = comments.post_comment(session, make_user(), page, body="Questionable.")
    moderation.flag_comment(session, reporter, comment, reason="Off topic")
    assert "You reported this comment." in _view(reader(reporter), page)
    html = _view(reader(other), page)
    assert "You reported this comment." not in html and "Report</a>" in html


def test_an_official_and_a_resident_never_share_a_copy(app, session, reader, make_page, make_user):
    page = make_page()
    comment = comments.post_comment(session, make_user(), page, body="Words only officials may read now.")
    hide(session, comment, "Rude")
    official_html = _view(reader(page.consultation.created_by), page)
    resident_html = _view(reader(make_user()), page)
    assert "Words only officials may read now." in official_html
    assert "Words only officials may read now." not in resident_html
    assert len(_cache(app)) == 2


def test_moderators_see_a_new_report_at_once(session, reader, make_page, make_user):
    page = make_page()
    official = reader(page.consultation.created_by)
    comment = comments.post_comment(session, make_user(), page, body="Reported soon.")
    assert "open report" not in _view(official, page)
    moderation.flag_comment(session, make_user(), comment, reason="Spam")
    assert "1 open report" in _view(official, page)


def test_a_new_member_is_served_their_own_kind_of_copy(
    session, reader, make_consultation, make_page, make_user
):
    consultation = make_consultation(edit_policy="comment")
    page = make_page(consultation)
    person = make_user()
    client = reader(person)
    assert f"/pages/{page.slug}/edit" not in _view(client, page)
    consultations.add_member(session, consultation.created_by, consultation, person, "expert")
    assert f"/pages/{page.slug}/edit" in _view(client, page)


def _statements(client, page, tail: str = "") -> int:
    seen = []

    def count(*_):
        seen.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        _view(client, page, tail)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_a_signed_in_view_asks_a_bounded_number_of_queries(session, reader, make_page, make_user):
    """Its queries never grow with comments, proposals or revisions."""
    page = make_page(body="One.\n\nTwo.\n")
    person = make_user()
    client = reader(person)
    comments.post_comment(session, person, page, body="Mine.")
    _view(client, page)
    small = _statements(client, page)
    for number in range(1, 11):
        pages.save_page(
            session, page.consultation.created_by, page, body=f"One {number}.\n\nTwo.\n", base_revision=number
        )
        proposals.submit_proposal(
            session, make_user(), page, body=f"Other {number}.\n", base_revision=1, summary="s"
        )
        comments.post_comment(session, make_user(), page, body=f"Comment {number}.")
        comments.post_comment(session, person, page, body=f"Mine {number}.")
    _view(client, page)
    assert _statements(client, page) == small <= 3  # the person, the page with the header, own marks


@pytest.mark.parametrize(
    ("tail", "most"),
    [
        # the session's person, the page, the reader's membership, then the screen of revisions
        # with its total (or both revisions of the diff with their people), and the header's
        # unread count with the watch button's state
        ("/history", 5),
        ("/diff?from=1&to=2", 5),
    ],
)
def test_a_kept_history_or_diff_asks_a_few_queries_at_any_length(
    session, reader, make_page, make_user, tail, most
):
    page = make_page(body="One.\n")
    pages.save_page(session, page.consultation.created_by, page, body="Two.\n", base_revision=1)
    client = reader(make_user())
    _view(client, page, tail)
    short = _statements(client, page, tail)
    for number in range(2, 30):
        pages.save_page(session, make_user(), page, body=f"Text {number}.\n", base_revision=number)
    _view(client, page, tail)
    assert _statements(client, page, tail) == short <= most


def test_a_new_affiliation_shows_in_a_kept_history_and_diff_at_once(session, reader, make_page, make_user):
    page = make_page(body="One.\n")
    expert = make_user()
    consultations.add_member(session, page.consultation.created_by, page.consultation, expert, "expert")
    pages.save_page(session, expert, page, body="Two.\n", base_revision=1)
    client = reader(make_user())
    for tail in ("/history", "/diff?from=1&to=2"):
        assert "Water Institute" not in _view(client, page, tail)
    expert.affiliation = "Water Institute"
    session.commit()
    for tail in ("/history", "/diff?from=1&to=2"):
        assert "Water Institute" in _view(client, page, tail), tail


def test_history_and_diff_are_shared_by_residents_and_show_a_new_revision_at_once(
    app, session, reader, make_page, make_user
):
    page = make_page(body="One.\n")
    pages.save_page(session, page.consultation.created_by, page, body="Two.\n", base_revision=1)
    anna, bo = make_user(display_name="Anna Resident"), make_user(display_name="Bo Resident")
    for path in (f"/pages/{page.slug}/history", f"/pages/{page.slug}/diff?from=1&to=2"):
        anna_html = reader(anna).get(path).get_data(as_text=True)
        bo_html = reader(bo).get(path).get_data(as_text=True)
        assert "Anna Resident" in anna_html and "Anna Resident" not in bo_html and "Bo Resident" in bo_html
    assert len(_cache(app)) == 2, "one copy of each view for every resident"
    pages.save_page(session, page.consultation.created_by, page, body="Three.\n", base_revision=2)
    assert "r3" in reader(anna).get(f"/pages/{page.slug}/history").get_data(as_text=True) or (
        f"/pages/{page.slug}/revisions/3"
        in reader(anna).get(f"/pages/{page.slug}/history").get_data(as_text=True)
    )


def test_a_suspended_author_shows_as_suspended_in_a_cached_history_at_once(
    session, reader, make_page, make_user
):
    from govwiki.services import suspensions

    page = make_page(body="One.\n")
    author = make_user()
    consultations.add_member(session, page.consultation.created_by, page.consultation, author, "expert")
    pages.save_page(session, author, page, body="Two.\n", base_revision=1)
    client = reader(make_user())
    path = f"/pages/{page.slug}/history"
    assert "badge-suspended" not in client.get(path).get_data(as_text=True)
    suspensions.suspend_user(session, make_user("admin"), author.username, reason="Spam")
    assert "suspended" in client.get(path).get_data(as_text=True)


def test_a_draft_history_stays_hidden_after_an_official_has_cached_it(
    app, session, reader, make_consultation, make_page, make_user
):
    page = make_page(make_consultation(status="draft"))
    official = reader(page.consultation.created_by)
    for path in (
        f"/pages/{page.slug}/history",
        f"/pages/{page.slug}",
        f"/pages/{page.slug}/diff?from=1&to=1",
    ):
        assert official.get(path).status_code == 200
        assert reader(make_user()).get(path).status_code == 404
        assert app.test_client().get(path).status_code == 404


def test_each_query_of_a_cached_history_is_its_own_copy(app, reader, make_page, make_user):
    page = make_page()
    client = reader(make_user())
    plain = client.get(f"/pages/{page.slug}/history").get_data(as_text=True)
    paged = client.get(f"/pages/{page.slug}/history?per_page=07").get_data(as_text=True)
    assert "per_page=07" in paged and "per_page=07" not in plain
    assert client.get(f"/pages/{page.slug}/history?evil=1").status_code == 200
    assert len(_cache(app)) == 2, "a query the view does not know is not cached"


def test_the_front_page_is_shared_by_residents_and_each_sees_their_own_name(
    app, reader, make_consultation, make_user
):
    make_consultation(title="A public consultation")
    anna, bo = make_user(display_name="Anna Resident"), make_user(display_name="Bo Resident")
    first, second = reader(anna).get("/").get_data(as_text=True), reader(bo).get("/").get_data(as_text=True)
    assert "A public consultation" in first and "A public consultation" in second
    assert "Anna Resident" in first and "Anna Resident" not in second and "Bo Resident" in second
    assert len(_cache(app)) == 1


def test_a_members_draft_on_the_front_page_reaches_no_one_else(
    reader, make_consultation, make_user, official
):
    make_consultation(title="A drafted consultation", status="draft")
    assert "A drafted consultation" in reader(official).get("/").get_data(as_text=True)
    assert "A drafted consultation" not in reader(make_user()).get("/").get_data(as_text=True)

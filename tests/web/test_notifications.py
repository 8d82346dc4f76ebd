"""Notifications and the watchlist on the web: watch buttons, the list, the header badge."""

from __future__ import annotations

import pytest

from govwiki.models import Proposal
from govwiki.services import consultations, notifications, pages
from tests.web.conftest import XSS, escaped


def _edit(session, user, page, text: str):
    head = pages.head_revision(session, page)
    pages.save_page(session, user, page, body=head.body + text + "\n", base_revision=head.number)


def _entries(session, user):
    return notifications.list_notifications(session, user)[0]


@pytest.mark.parametrize("kind", ["page", "consultation"])
def test_signed_in_readers_see_a_watch_button(kind, client, make_page, resident, login, text_of):
    page = make_page()
    login(resident)
    path = f"/pages/{page.slug}" if kind == "page" else f"/consultations/{page.consultation.slug}"
    html = text_of(client.get(path))
    assert f'action="/{kind}s/{(page if kind == "page" else page.consultation).slug}/watch"' in html
    assert f"Watch this {kind}" in html


def test_signed_out_visitors_see_no_watch_button(client, make_page, text_of):
    page = make_page()
    assert "/watch" not in text_of(client.get(f"/pages/{page.slug}"))


def test_watch_button_watches_the_page_and_goes_back(client, session, make_page, resident, login, text_of):
    page = make_page()
    login(resident)
    response = client.post(f"/pages/{page.slug}/watch", data={"next": f"/pages/{page.slug}"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/pages/{page.slug}")
    assert notifications.is_watching(session, resident, page=page)
    assert "Stop watching this page" in text_of(client.get(f"/pages/{page.slug}"))


def test_unwatch_button_stops_watching(client, session, make_consultation, resident, login):
    consultation = make_consultation()
    notifications.watch(session, resident, consultation=consultation)
    login(resident)
    client.post(f"/consultations/{consultation.slug}/unwatch")
    assert not notifications.is_watching(session, resident, consultation=consultation)


def test_watch_does_not_redirect_off_the_site(client, make_page, resident, login):
    page = make_page()
    login(resident)
    response = client.post(f"/pages/{page.slug}/watch", data={"next": "//evil.example/"})
    assert response.headers["Location"].endswith(f"/pages/{page.slug}")


def test_watching_a_consultation_you_may_not_read_is_not_found(
    client, session, make_consultation, resident, login
):
    consultation = make_consultation(visibility="invited")
    login(resident)
    assert client.post(f"/consultations/{consultation.slug}/watch").status_code == 404
    assert not notifications.is_watching(session, resident, consultation=consultation)


def test_signed_out_watch_goes_to_sign_in(client, make_page):
    page = make_page()
    response = client.post(f"/pages/{page.slug}/watch")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ["/notifications", "/watchlist"])
def test_notifications_and_watchlist_need_sign_in(path, client):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_ten_edits_in_a_day_show_as_one_entry_linking_to_the_days_diff(
    client, session, make_page, official, resident, login, text_of
):
    page = make_page(title="Market rules")
    for number in range(10):
        _edit(session, resident, page, f"Line {number}.")
    login(official)
    html = text_of(client.get("/notifications"))
    assert html.count('class="notification notification-unread"') == 1
    assert "10 edits to “Market rules” today by Rosa Resident" in html
    [entry] = _entries(session, official)
    response = client.post(f"/notifications/{entry.id}")
    assert response.status_code == 302
    assert f"/pages/{page.slug}/diff?from=1&to=11" in response.headers["Location"]
    assert notifications.unread_count(session, official) == 0


def test_status_changes_and_decisions_are_listed_with_the_reason(
    client, session, make_page, official, resident, login, text_of
):
    page = make_page(title="Fees")
    notifications.watch(session, resident, consultation=page.consultation)
    consultations.update_consultation(session, official, page.consultation, {"status": "closed"})
    proposal = Proposal(
        page_id=page.id,
        author_id=resident.id,
        base_number=1,
        body="x\n",
        status="rejected",
        decided_by_id=official.id,
        reason="The fee is set by law.",
    )
    session.add(proposal)
    session.commit()
    notifications.proposal_decided(session, proposal, "proposal_rejected")
    session.commit()
    login(resident)
    html = text_of(client.get("/notifications"))
    assert "is now Closed (it was Open)" in html
    assert "Your suggestion on “Fees” was not accepted." in html
    assert "The fee is set by law." in html


def test_another_users_entry_is_not_found(client, session, make_page, official, resident, login):
    page = make_page()
    _edit(session, resident, page, "A.")
    [entry] = _entries(session, official)
    login(resident)
    assert client.get(f"/notifications/{entry.id}").status_code == 404


def test_header_shows_the_unread_count_with_an_accessible_label(
    client, session, make_page, official, resident, login, text_of
):
    page = make_page()
    _edit(session, resident, page, "A.")
    login(official)
    html = text_of(client.get("/"))
    assert '<span class="count-badge" aria-hidden="true">1</span>' in html
    assert '<span class="visually-hidden">(1 unread)</span>' in html


def test_header_has_no_badge_when_all_is_read(client, make_user, login, text_of):
    login(make_user())
    html = text_of(client.get("/"))
    assert 'href="/notifications"' in html and "count-badge" not in html


def test_mark_all_read_clears_the_badge(client, session, make_page, official, resident, login, text_of):
    page = make_page()
    _edit(session, resident, page, "A.")
    login(official)
    response = client.post("/notifications/read")
    assert response.status_code == 302
    assert "count-badge" not in text_of(client.get("/notifications"))
    assert notifications.unread_count(session, official) == 0


def test_notifications_are_paginated(
    client, session, make_consultation, make_page, official, resident, login, text_of
):
    consultation = make_consultation()
    for number in range(3):
        _edit(session, resident, make_page(consultation, title=f"Page {number}"), "A.")
    login(official)
    html = text_of(client.get("/notifications?per_page=2"))
    assert html.count('class="notification ') == 2 and 'rel="next"' in html


def test_watchlist_lists_what_you_watch_with_unwatch_buttons(
    client, session, make_page, resident, login, text_of
):
    page = make_page(title="Opening hours")
    notifications.watch(session, resident, page=page)
    notifications.watch(session, resident, consultation=page.consultation)
    login(resident)
    html = text_of(client.get("/watchlist"))
    assert "Opening hours" in html and page.consultation.title in html
    assert f'action="/pages/{page.slug}/unwatch"' in html
    assert f'action="/consultations/{page.consultation.slug}/unwatch"' in html


def test_a_private_consultations_entries_vanish_after_losing_access(
    client, session, make_page, official, resident, login, text_of
):
    page = make_page(title="Secret plan")
    notifications.watch(session, resident, page=page)
    _edit(session, official, page, "A.")
    consultations.update_consultation(session, official, page.consultation, {"visibility": "invited"})
    login(resident)
    html = text_of(client.get("/notifications"))
    assert "Secret plan" not in html and "count-badge" not in html
    assert "Secret plan" not in text_of(client.get("/watchlist"))


def test_page_titles_and_display_names_are_escaped(
    client, session, make_page, official, make_user, login, text_of
):
    page = make_page(title=XSS)
    _edit(session, make_user(display_name=XSS), page, "A.")
    notifications.watch(session, official, page=page)
    login(official)
    for path in ("/notifications", "/watchlist"):
        html = text_of(client.get(path))
        assert XSS not in html and escaped(XSS) in html


def test_notifications_are_translated(client, session, make_page, official, resident, login, text_of):
    page = make_page()
    _edit(session, resident, page, "A.")
    login(official)
    html = text_of(client.get("/notifications?lang=zh"))
    assert "通知" in html and "Mark all as read" not in html


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_watch_without_csrf_token_is_refused(client, session, make_page, resident, login):
    page = make_page()
    login(resident)
    assert client.post(f"/pages/{page.slug}/watch").status_code == 400
    assert not notifications.is_watching(session, resident, page=page)


@pytest.fixture
def notification_queries(db):
    """Collect the SQL statements that read the notifications table."""
    from sqlalchemy import event

    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        if "notifications" in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def test_the_header_count_is_one_count_query_for_signed_in_users(
    notification_queries, client, make_user, login
):
    login(make_user())
    client.get("/")
    assert len(notification_queries) == 1 and "count(" in notification_queries[0].lower()


def test_signed_out_pages_do_not_query_notifications(notification_queries, client, make_consultation):
    make_consultation()
    notification_queries.clear()  # opening it tells its watchers, in one statement; not the subject here
    client.get("/")
    assert notification_queries == []


def test_a_decision_entry_leads_to_the_proposal(app, client, session, make_page, official, resident, login):
    page = make_page()
    proposal = Proposal(
        page_id=page.id,
        author_id=resident.id,
        base_number=1,
        body="x\n",
        status="rejected",
        decided_by_id=official.id,
        reason="No.",
    )
    session.add(proposal)
    session.commit()
    notifications.proposal_decided(session, proposal, "rejected")
    session.commit()
    [entry] = _entries(session, resident)
    login(resident)
    location = client.get(f"/notifications/{entry.id}").headers["Location"]
    has_proposal_pages = "proposals.show" in app.view_functions
    assert location.endswith(f"/proposals/{proposal.id}" if has_proposal_pages else f"/pages/{page.slug}")


def test_officials_see_a_new_suggestion_with_who_made_it(
    client, session, make_consultation, make_page, official, resident, login, text_of
):
    page = make_page(make_consultation(edit_policy="suggest"), title="Lanes")
    login(resident)
    client.post(
        f"/pages/{page.slug}/proposals/new",
        data={"body": "Wider lanes.\n", "summary": "Wider", "base_revision": "1"},
    )
    login(official)
    html = text_of(client.get("/notifications"))
    assert "Rosa Resident suggested a change to “Lanes”: Wider" in html
    [entry] = _entries(session, official)
    assert (
        client.get(f"/notifications/{entry.id}")
        .headers["Location"]
        .endswith(f"/proposals/{entry.proposal_id}")
    )
    assert "建议修改" in text_of(client.get("/notifications?lang=zh"))


def test_editing_on_the_web_watches_the_page(client, make_page, resident, login, text_of):
    page = make_page()
    login(resident)
    client.post(f"/pages/{page.slug}/edit", data={"body": "First text, edited.\n", "base_revision": "1"})
    assert "Stop watching this page" in text_of(client.get(f"/pages/{page.slug}"))


def test_a_page_unwatched_on_the_web_stays_unwatched_after_the_next_edit(
    client, make_page, resident, login, text_of
):
    page = make_page()
    login(resident)
    client.post(f"/pages/{page.slug}/edit", data={"body": "First text, edited.\n", "base_revision": "1"})
    client.post(f"/pages/{page.slug}/unwatch")
    client.post(
        f"/pages/{page.slug}/edit", data={"body": "First text, edited twice.\n", "base_revision": "2"}
    )
    assert "Watch this page" in text_of(client.get(f"/pages/{page.slug}"))


def test_following_an_entry_with_get_changes_nothing(client, session, make_page, official, resident, login):
    page = make_page()
    _edit(session, resident, page, "A.")
    [entry] = _entries(session, official)
    login(official)
    response = client.get(f"/notifications/{entry.id}")
    assert response.status_code == 302 and f"/pages/{page.slug}" in response.headers["Location"]
    assert notifications.unread_count(session, official) == 1


def test_the_list_opens_an_entry_with_a_post_that_marks_it_read(
    client, session, make_page, official, resident, login, text_of
):
    page = make_page()
    _edit(session, resident, page, "A.")
    [entry] = _entries(session, official)
    login(official)
    assert f'method="post" action="/notifications/{entry.id}"' in text_of(client.get("/notifications"))
    assert client.post(f"/notifications/{entry.id}").status_code == 302
    assert notifications.unread_count(session, official) == 0


def test_another_users_entry_cannot_be_marked_read(client, session, make_page, official, resident, login):
    page = make_page()
    _edit(session, resident, page, "A.")
    [entry] = _entries(session, official)
    login(resident)
    assert client.post(f"/notifications/{entry.id}").status_code == 404
    assert notifications.unread_count(session, official) == 1


def test_a_page_view_reads_the_header_facts_in_the_pages_own_query(
    notification_queries, client, make_page, make_user, login
):
    page = make_page()
    login(make_user())
    client.get(f"/pages/{page.slug}")
    notification_queries.clear()
    client.get(f"/pages/{page.slug}")
    (query,) = notification_queries
    assert "FROM pages" in query and "watches" in query

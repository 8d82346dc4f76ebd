"""Suspension on the web: the admins' list of people with suspend and lift forms; a suspended
person cannot sign in (told why, once the password is right), their session ends at the next
request, and their name is marked wherever their contributions are shown."""

import pytest
from sqlalchemy import select

from govwiki.models import AuditEvent, Page, User
from govwiki.services import comments, pages, suspensions
from tests.web.conftest import XSS, escaped


@pytest.fixture
def admin(make_user):
    return make_user("admin", "ada-admin", display_name="Ada Admin")


@pytest.fixture
def page(make_page, make_consultation):
    return make_page(make_consultation(slug="rules", edit_policy="edit"), title="Market rules")


def _suspend(session, user, reason="Spam, again and again."):
    return suspensions.suspend_user(session, None, user.username, reason=reason)


def _fresh(session, user) -> User:
    session.expire_all()
    return session.get(User, user.id)


# --- the admins' page ---------------------------------------------------------------------------


def test_admins_list_people_with_suspend_forms(client, login, admin, resident, text_of):
    login(admin)
    html = text_of(client.get("/admin/users"))
    assert "Rosa Resident" in html and 'action="/admin/users/rosa-resident/suspend"' in html
    assert 'action="/admin/users/ada-admin/suspend"' not in html  # not oneself


def test_the_list_filters_by_name_and_by_suspension(
    client, login, session, admin, resident, make_user, text_of
):
    make_user("resident", "bob-builder", display_name="Bob")
    _suspend(session, resident)
    login(admin)
    assert "Bob" not in text_of(client.get("/admin/users?q=rosa"))
    suspended = text_of(client.get("/admin/users?suspended=1"))
    assert "Rosa Resident" in suspended and "Bob" not in suspended


@pytest.mark.parametrize("role", ["resident", "official"])
def test_only_admins_see_the_list_or_suspend(client, login, session, resident, make_user, role):
    login(make_user(role))
    assert client.get("/admin/users").status_code == 403
    assert client.post("/admin/users/rosa-resident/suspend", data={"reason": "x"}).status_code == 403
    assert client.post("/admin/users/no-such-person/suspend", data={"reason": "x"}).status_code == 403
    assert _fresh(session, resident).suspended_at is None


def test_signed_out_visitors_are_sent_to_sign_in_for_the_list(client):
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/login" in response.location


def test_an_admin_suspends_with_a_reason_and_it_is_audited(client, login, session, admin, resident):
    login(admin)
    response = client.post("/admin/users/rosa-resident/suspend", data={"reason": "Spam."})
    assert response.status_code == 302
    user = _fresh(session, resident)
    assert user.suspended_at is not None and user.suspended_reason == "Spam."
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "user_suspended")).one()
    assert (event.actor_id, event.subject_type, event.subject_id) == (admin.id, "user", "rosa-resident")
    assert event.details == {"reason": "Spam."}


def test_a_suspension_needs_a_reason(client, login, session, admin, resident, text_of):
    login(admin)
    response = client.post("/admin/users/rosa-resident/suspend", data={"reason": " "})
    assert response.status_code == 422 and "required" in text_of(response)
    assert _fresh(session, resident).suspended_at is None


def test_an_admin_cannot_suspend_themselves(client, login, session, admin):
    login(admin)
    assert client.post("/admin/users/ada-admin/suspend", data={"reason": "Oops."}).status_code == 422
    assert _fresh(session, admin).suspended_at is None


def test_lifting_a_suspension_is_audited(client, login, session, admin, resident):
    _suspend(session, resident)
    login(admin)
    assert (
        client.post("/admin/users/rosa-resident/unsuspend", data={"reason": "Appeal granted."}).status_code
        == 302
    )
    assert _fresh(session, resident).suspended_at is None
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "user_unsuspended")).one()
    assert event.details == {"reason": "Appeal granted."} and event.actor_id == admin.id


def test_the_suspension_reason_is_escaped_on_the_list_and_in_the_audit_log(
    client, login, session, admin, resident, text_of
):
    login(admin)
    client.post("/admin/users/rosa-resident/suspend", data={"reason": XSS})
    for path in ("/admin/users", "/audit"):
        html = text_of(client.get(path))
        assert XSS not in html and escaped(XSS) in html, path
    assert "suspended the account of" in text_of(client.get("/audit"))


# --- what a suspended person can no longer do ---------------------------------------------------


def test_a_suspended_person_is_told_at_sign_in_once_the_password_is_right(client, session, resident, text_of):
    _suspend(session, resident)
    response = client.post("/login", data={"login": "rosa-resident", "password": "password123"})
    assert response.status_code == 403 and "This account is suspended" in text_of(response)
    assert "Spam, again and again." in text_of(response)
    wrong = client.post("/login", data={"login": "rosa-resident", "password": "wrong-password"})
    unknown = client.post("/login", data={"login": "nobody-here", "password": "wrong-password"})
    assert wrong.status_code == unknown.status_code == 401
    assert "suspended" not in text_of(wrong)


def test_a_session_made_before_the_suspension_ends_at_the_next_request(client, login, session, resident):
    login(resident)
    assert client.get("/settings").status_code == 200
    _suspend(session, resident)
    response = client.get("/settings")
    assert response.status_code == 302 and "/login" in response.location


def test_a_suspended_person_cannot_write_on_the_web(client, login, session, page, resident):
    login(resident)
    _suspend(session, resident)
    response = client.post("/pages/market-rules/edit", data={"body": "Mine now.\n", "base_revision": "1"})
    assert response.status_code == 401
    session.expire_all()
    assert session.get(Page, page.id).head_number == 1


def test_contributions_stay_with_the_name_marked_suspended(client, session, page, resident, text_of):
    pages.save_page(session, resident, page, body="A better text.\n", base_revision=1)
    _suspend(session, resident)
    history = text_of(client.get("/pages/market-rules/history"))
    assert 'Rosa Resident</a> <span class="suspended-mark">(suspended)</span>' in history
    assert "(suspended)" in text_of(client.get("/users/rosa-resident/contributions"))


def test_the_mark_goes_when_the_suspension_is_lifted(client, session, page, resident, text_of):
    pages.save_page(session, resident, page, body="A better text.\n", base_revision=1)
    _suspend(session, resident)
    suspensions.unsuspend_user(session, None, "rosa-resident")
    assert "(suspended)" not in text_of(client.get("/pages/market-rules/history"))


def test_suspending_bumps_the_pages_that_show_the_name(session, page, make_page, resident):
    other = make_page(page.consultation, title="Untouched")
    pages.save_page(session, resident, page, body="A better text.\n", base_revision=1)
    before = {p.id: p.discussion_version for p in session.scalars(select(Page))}
    _suspend(session, resident)
    session.expire_all()
    after = {p.id: p.discussion_version for p in session.scalars(select(Page))}
    assert after[page.id] == before[page.id] + 1 and after[other.id] == before[other.id]


def test_suspending_bumps_the_pages_where_they_commented(session, page, resident):
    comments.post_comment(session, resident, page, body="A comment.")
    session.expire_all()
    before = session.get(Page, page.id).discussion_version
    _suspend(session, resident)
    session.expire_all()
    assert session.get(Page, page.id).discussion_version == before + 1

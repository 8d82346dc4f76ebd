"""Sessions that cannot be hijacked: signed-in sessions and "remember me" devices are kept on the
server, so a copied cookie is worth nothing once its session has ended (signing out, the device
list, "sign out everywhere", a suspension), and a remember cookie changes at every use."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_login.utils import encode_cookie
from sqlalchemy import event

from govwiki.browser_sessions import LEGACY_REMEMBER_COOKIE, REMEMBER_COOKIE
from govwiki.services import suspensions

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile/15E148 Safari/604.1"


@pytest.fixture
def person(make_user):
    return make_user(username="mei-lin")


@pytest.fixture
def browser(app):
    """A new browser (test client) of its own, with a User-Agent."""

    def make(user_agent: str = FIREFOX):
        client = app.test_client()
        client.environ_base["HTTP_USER_AGENT"] = user_agent
        return client

    return make


def sign_in(client, login="mei-lin", *, remember=False):
    data = {"login": login, "password": "password123"}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response


def signed_in(client) -> bool:
    """Whether the settings page opens (signed out, it sends the visitor to sign in)."""
    return client.get("/settings").status_code == 200


def copy_of(client, browser, *names):
    """Another browser holding copies of `client`'s cookies `names` (as a thief would)."""
    thief = browser()
    for name in names:
        cookie = client.get_cookie(name)
        if cookie is not None:
            thief.set_cookie(name, cookie.value)
    return thief


def remember_cookie(client) -> str | None:
    cookie = client.get_cookie(REMEMBER_COOKIE)
    return cookie.value if cookie is not None else None


# --- sessions ----------------------------------------------------------------------------------


def test_a_session_cookie_copied_before_sign_out_is_refused_after_it(person, browser):
    mine = browser()
    sign_in(mine)
    thief = copy_of(mine, browser, "session")
    assert signed_in(thief)  # the copy works while the session is open...
    mine.post("/logout")
    assert not signed_in(thief)  # ...and not once it has ended
    assert not signed_in(mine)


def test_a_session_of_someone_else_cannot_be_named(person, make_user, browser):
    """The Flask session names both the person and the session: a session id with another
    person's id (the cookie is signed, but a bug could mix them) signs no one in."""
    mine = browser()
    sign_in(mine)
    other = make_user(username="someone-else")
    with mine.session_transaction() as flask_session:
        flask_session["_user_id"] = str(other.id)
    assert not signed_in(mine)


def test_a_signed_in_request_loads_the_person_and_the_session_in_one_query(person, browser, db, move_clock):
    mine = browser()
    sign_in(mine)
    mine.get("/settings")
    seen = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        mine.get("/settings")
        quiet = list(seen)
        seen.clear()
        move_clock(timedelta(minutes=6))
        mine.get("/settings")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    loads = [s for s in quiet if "user_sessions" in s]
    assert len(loads) == 1 and "users" in loads[0] and loads[0].lstrip().upper().startswith("SELECT")
    assert not [s for s in quiet if s.lstrip().upper().startswith("UPDATE")]  # no write per request
    touched = [s for s in seen if s.lstrip().upper().startswith("UPDATE") and "user_sessions" in s]
    assert len(touched) == 1  # last seen, refreshed after a few minutes


def test_a_session_unused_for_a_month_has_ended(person, browser, move_clock):
    mine = browser()
    sign_in(mine)
    move_clock(timedelta(days=31))
    assert not signed_in(mine)


# --- remember me -------------------------------------------------------------------------------


def test_a_remember_cookie_signs_in_again_and_is_replaced_at_each_use(person, browser):
    mine = browser()
    sign_in(mine, remember=True)
    first = remember_cookie(mine)
    closed = copy_of(mine, browser, REMEMBER_COOKIE)  # the browser restarted: no session cookie
    assert signed_in(closed)
    second = remember_cookie(closed)
    assert first and second and second != first
    assert first.split(".")[0] == second.split(".")[0]  # the same device, a new secret


def test_a_remember_cookie_copied_before_sign_out_is_refused_after_it(person, browser):
    mine = browser()
    sign_in(mine, remember=True)
    thief = copy_of(mine, browser, REMEMBER_COOKIE)
    mine.post("/logout")
    assert remember_cookie(mine) is None  # signing out deletes it
    assert not signed_in(thief)
    assert remember_cookie(thief) is None  # and a refused one is deleted too


def test_a_replaced_remember_secret_used_again_is_refused_and_ends_the_device(person, browser, move_clock):
    mine = browser()
    sign_in(mine, remember=True)
    stolen = remember_cookie(mine)
    resumed = copy_of(mine, browser, REMEMBER_COOKIE)
    assert signed_in(resumed)  # the owner's browser restarts: the secret is replaced
    newest = remember_cookie(resumed)
    move_clock(timedelta(minutes=1))
    thief = browser()
    thief.set_cookie(REMEMBER_COOKIE, stolen)
    assert not signed_in(thief)
    # two copies of one cookie were in use: the device has ended, with every session it started
    assert not signed_in(resumed)
    again = browser()
    again.set_cookie(REMEMBER_COOKIE, newest)
    assert not signed_in(again)


def test_the_secret_replaced_a_moment_ago_still_signs_in_a_parallel_request(person, browser):
    mine = browser()
    sign_in(mine, remember=True)
    cookie = remember_cookie(mine)
    first, second = browser(), browser()
    for tab in (first, second):
        tab.set_cookie(REMEMBER_COOKIE, cookie)
    assert signed_in(first) and signed_in(second)
    assert signed_in(first)  # and the device lives on


def test_signing_in_as_someone_else_ends_what_the_browser_was_remembered_as(person, make_user, browser):
    """A shared computer: the next person signs in without "remember me", and the browser must
    not bring the first person back when it restarts."""
    make_user(username="next-person")
    shared = browser()
    sign_in(shared, remember=True)
    copied = copy_of(shared, browser, REMEMBER_COOKIE)
    sign_in(shared, "next-person")
    assert remember_cookie(shared) is None
    assert not signed_in(copied)


def test_an_old_flask_login_remember_cookie_signs_no_one_in_and_is_deleted(app, person, browser):
    with app.test_request_context():
        legacy = encode_cookie(str(person.id))  # what GovWiki used to set: the same at every sign-in
    thief = browser()
    thief.set_cookie(LEGACY_REMEMBER_COOKIE, legacy)
    response = thief.get("/settings")
    assert response.status_code == 302 and "/login" in response.location
    assert thief.get_cookie(LEGACY_REMEMBER_COOKIE) is None


# --- the device list ---------------------------------------------------------------------------


def test_the_device_list_shows_each_session_and_device_and_which_is_this_one(person, browser, text_of):
    desk, phone = browser(FIREFOX), browser(IPHONE)
    sign_in(desk)
    sign_in(phone, remember=True)
    page = text_of(desk.get("/settings/devices"))
    assert "Firefox · Linux" in page and "Safari · iOS" in page
    assert page.count("This device") == 1
    assert page.index("This device") > page.index("Firefox · Linux")
    assert "Remembered devices" in page and "No device is remembered." not in page
    assert 'href="/settings/devices"' in text_of(desk.get("/settings"))


def test_signing_out_another_session_from_the_list_ends_it(person, browser, session):
    desk, phone = browser(FIREFOX), browser(IPHONE)
    sign_in(desk)
    sign_in(phone)
    from govwiki.models import UserSession

    other = session.query(UserSession).filter_by(user_agent="Safari · iOS").one()
    response = desk.post(f"/settings/devices/sessions/{other.id}/end")
    assert response.status_code == 302
    assert not signed_in(phone) and signed_in(desk)


def test_signing_out_this_session_from_the_list_signs_this_browser_out(person, browser, session):
    desk = browser()
    sign_in(desk)
    from govwiki.models import UserSession

    mine = session.query(UserSession).one()
    desk.post(f"/settings/devices/sessions/{mine.id}/end")
    assert not signed_in(desk)


def test_forgetting_a_device_ends_its_cookie_and_its_sessions(person, browser, session):
    desk, phone = browser(FIREFOX), browser(IPHONE)
    sign_in(desk)
    sign_in(phone, remember=True)
    restarted = copy_of(phone, browser, REMEMBER_COOKIE)
    from govwiki.models import RememberedDevice

    device = session.query(RememberedDevice).one()
    assert desk.post(f"/settings/devices/remembered/{device.id}/forget").status_code == 302
    assert not signed_in(phone) and not signed_in(restarted) and signed_in(desk)


def test_nobody_ends_someone_elses_session(person, make_user, browser, session, login, client):
    victim = browser()
    sign_in(victim, remember=True)
    from govwiki.models import RememberedDevice, UserSession

    theirs, device = session.query(UserSession).one(), session.query(RememberedDevice).one()
    login(make_user(username="intruder"))
    assert client.post(f"/settings/devices/sessions/{theirs.id}/end").status_code == 404
    assert client.post(f"/settings/devices/remembered/{device.id}/forget").status_code == 404
    assert signed_in(victim)


# --- sign out everywhere -----------------------------------------------------------------------


def test_signing_out_everywhere_ends_other_sessions_devices_and_api_tokens(person, browser, bearer, client):
    here, laptop, phone = browser(), browser(), browser(IPHONE)
    sign_in(here)
    sign_in(laptop)
    sign_in(phone, remember=True)
    restarted = copy_of(phone, browser, REMEMBER_COOKIE)
    token = bearer(person)
    assert client.get("/api/v1/notifications", headers=token).status_code == 200

    response = here.post("/settings/devices/everywhere", data={"password": "password123"})
    assert response.status_code == 302

    assert not signed_in(laptop) and not signed_in(phone) and not signed_in(restarted)
    assert client.get("/api/v1/notifications", headers=token).status_code == 401
    assert signed_in(here)  # this browser stays signed in


def test_signing_out_everywhere_from_a_remembered_browser_remembers_it_anew(person, browser):
    here = browser()
    sign_in(here, remember=True)
    old = remember_cookie(here)
    thief = copy_of(here, browser, REMEMBER_COOKIE)
    here.post("/settings/devices/everywhere", data={"password": "password123"})
    new = remember_cookie(here)
    assert new and new.split(".")[0] != old.split(".")[0]
    assert not signed_in(thief)
    restarted = copy_of(here, browser, REMEMBER_COOKIE)
    assert signed_in(restarted)


def test_signing_out_everywhere_asks_for_the_password(person, browser, text_of):
    here, laptop = browser(), browser()
    sign_in(here)
    sign_in(laptop)
    response = here.post("/settings/devices/everywhere", data={"password": "not-my-password"})
    assert response.status_code == 422 and "this is not your password" in text_of(response)
    assert signed_in(laptop)


# --- suspension --------------------------------------------------------------------------------


# --- a new password ----------------------------------------------------------------------------


@pytest.mark.parametrize("remembered", [False, True], ids=["this browser", "this remembered browser"])
def test_a_new_password_signs_out_every_other_browser_and_keeps_this_one(
    person, browser, bearer, client, remembered
):
    here, laptop, phone = browser(), browser(), browser(IPHONE)
    sign_in(here, remember=remembered)
    sign_in(laptop)
    sign_in(phone, remember=True)
    restarted = copy_of(phone, browser, REMEMBER_COOKIE)
    here_restarted = copy_of(here, browser, REMEMBER_COOKIE)
    token = bearer(person)

    response = here.post(
        "/settings/password", data={"current_password": "password123", "new_password": "a-new-secret"}
    )
    assert response.status_code == 302
    page = here.get(response.headers["Location"]).get_data(as_text=True)
    assert "Every other browser signed in to your account is signed out" in page

    assert not signed_in(laptop) and not signed_in(phone) and not signed_in(restarted)
    assert signed_in(here)
    # this browser's remember cookie still signs it in after a restart; API tokens keep working
    assert signed_in(here_restarted) is remembered
    assert client.get("/api/v1/notifications", headers=token).status_code == 200


def test_a_refused_new_password_signs_no_one_out(person, browser):
    here, laptop = browser(), browser()
    sign_in(here)
    sign_in(laptop)
    refused = here.post(
        "/settings/password", data={"current_password": "wrong", "new_password": "a-new-secret"}
    )
    assert refused.status_code == 422
    assert signed_in(laptop) and signed_in(here)


def test_a_suspension_ends_sessions_and_devices_for_good_and_pauses_tokens(
    person, make_user, browser, bearer, client, session
):
    admin = make_user("admin", "site-admin")
    desk, phone = browser(), browser(IPHONE)
    sign_in(desk)
    sign_in(phone, remember=True)
    restarted = copy_of(phone, browser, REMEMBER_COOKIE)
    token = bearer(person)

    suspensions.suspend_user(session, admin, "mei-lin", reason="spam")
    assert not signed_in(desk) and not signed_in(phone)
    assert client.get("/api/v1/notifications", headers=token).status_code == 401

    suspensions.unsuspend_user(session, admin, "mei-lin")
    assert not signed_in(desk) and not signed_in(restarted)  # nothing comes back: sign in again
    assert client.get("/api/v1/notifications", headers=token).status_code == 200
    sign_in(desk)
    assert signed_in(desk)


# --- cookies -----------------------------------------------------------------------------------


def _set_cookies(response) -> dict:
    """name → the Set-Cookie line of each cookie the response sets."""
    lines = response.headers.getlist("Set-Cookie")
    return {line.split("=", 1)[0]: line for line in lines}


@pytest.mark.config(SECURE_COOKIES=True)
def test_in_production_every_cookie_is_secure_and_same_site(person, browser):
    mine = browser()
    cookies = _set_cookies(sign_in(mine, remember=True))
    cookies.update(_set_cookies(mine.get("/?lang=zh")))
    for name in ("session", REMEMBER_COOKIE, "lang"):
        line = cookies[name]
        assert "Secure" in line and "SameSite=Lax" in line and "HttpOnly" in line, line


def test_under_test_cookies_are_same_site_and_not_secure(person, browser):
    mine = browser()
    cookies = _set_cookies(sign_in(mine, remember=True))
    cookies.update(_set_cookies(mine.get("/?lang=zh")))
    for name in ("session", REMEMBER_COOKIE, "lang"):
        assert "SameSite=Lax" in cookies[name] and "Secure" not in cookies[name]


def test_secure_cookies_are_the_default_outside_debug_and_tests(tmp_path, monkeypatch):
    from govwiki import create_app

    monkeypatch.delenv("GOVWIKI_SECURE_COOKIES", raising=False)
    config = {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    assert create_app(config, instance=str(tmp_path / "a")).config["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("GOVWIKI_SECURE_COOKIES", "0")
    app = create_app(config, instance=str(tmp_path / "b"))
    assert app.config["SESSION_COOKIE_SECURE"] is False and app.config["SECURE_COOKIES"] is False
    monkeypatch.setenv("GOVWIKI_SECURE_COOKIES", "maybe")
    with pytest.raises(RuntimeError, match="GOVWIKI_SECURE_COOKIES"):
        create_app(config, instance=str(tmp_path / "c"))

"""/settings/mail: each person chooses, per group of notifications, mail at once, a daily
digest or none; the defaults hold until they do; the settings page links to it."""

from __future__ import annotations

from govwiki.services import clock, mail_preferences


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/settings/mail")
    assert response.status_code == 302 and "/login" in response.location


def test_the_page_shows_the_defaults(client, login, session, make_user):
    user = login(make_user())
    user.email_verified_at = None  # as after registering, before the link is used
    session.commit()
    text = client.get("/settings/mail").get_data(as_text=True)
    assert '<input checked id="replies-0" name="replies" type="radio" value="immediate">' in text
    assert '<input checked id="watched-1" name="watched" type="radio" value="digest">' in text
    assert "Activity on pages and consultations I watch" in text
    assert "not verified yet" in text


def test_saving_changes_the_choices(client, login, session, make_user):
    user = login(make_user())
    response = client.post(
        "/settings/mail",
        data={"replies": "digest", "decisions": "none", "watched": "immediate", "status": "none"},
    )
    assert response.status_code == 302
    session.expire_all()
    assert mail_preferences.preferences(session, user) == {
        "replies": "digest",
        "decisions": "none",
        "watched": "immediate",
        "status": "none",
    }
    assert "Your mail choices are saved." in client.get("/settings/mail").get_data(as_text=True)


def test_an_unknown_mode_is_refused_and_changes_nothing(client, login, session, make_user):
    user = login(make_user())
    response = client.post(
        "/settings/mail",
        data={"replies": "hourly", "decisions": "none", "watched": "digest", "status": "none"},
    )
    assert response.status_code == 422
    session.expire_all()
    assert mail_preferences.preferences(session, user)["decisions"] == "immediate"


def test_a_verified_address_is_named_as_where_mail_goes(client, login, session, make_user):
    user = make_user()
    user.email_verified_at = clock.now()
    session.commit()
    login(user)
    text = client.get("/settings/mail").get_data(as_text=True)
    assert "not verified yet" not in text and user.email in text


def test_the_settings_page_links_to_the_mail_choices(client, login, make_user):
    login(make_user())
    assert 'href="/settings/mail"' in client.get("/settings").get_data(as_text=True)


def test_the_notifications_page_links_to_the_mail_choices(client, login, make_user):
    login(make_user())
    assert 'href="/settings/mail"' in client.get("/notifications").get_data(as_text=True)

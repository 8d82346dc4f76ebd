"""Expert invitations on the web: the officials' page invites, shows the link once and each
invitation's status, resends and revokes; the link's page keeps the token through registration
or sign-in and back to accepting; used links say so (410); admins see the outbox."""

from __future__ import annotations

import re

from sqlalchemy import select

from govwiki.models import Membership, OutgoingMail, User
from govwiki.services import invitations


def _link(html: str) -> str:
    return re.search(r'value="(http://localhost/invitations/[^"]+)"', html).group(1)


def _path(link: str) -> str:
    return link.removeprefix("http://localhost")


def test_an_official_invites_from_the_consultation_and_sees_the_link_once(
    client, login, official, make_consultation
):
    consultation = make_consultation(title="Night markets")
    login(official)
    show = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert f'href="/consultations/{consultation.slug}/invitations"' in show
    response = client.post(
        f"/consultations/{consultation.slug}/invitations",
        data={"email": "expert@example.org", "note": "Lighting, please.", "expires_in_days": "7"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 201 and "Invitation to expert@example.org sent" in html
    assert _link(html) and "Waiting for an answer" in html
    assert response.headers["Cache-Control"] == "no-store"
    listing = client.get(f"/consultations/{consultation.slug}/invitations").get_data(as_text=True)
    assert "expert@example.org" in listing and "/invitations/" not in re.sub(r'action="[^"]*"', "", listing)


def test_a_bad_address_is_a_form_error_that_keeps_the_note(client, login, official, make_consultation):
    consultation = make_consultation()
    login(official)
    response = client.post(
        f"/consultations/{consultation.slug}/invitations", data={"email": "nobody", "note": "Keep me."}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "a valid e-mail address" in html and "Keep me." in html


def _verification_link(session) -> str:
    mail = session.scalars(select(OutgoingMail).where(OutgoingMail.kind == "verify_email")).one()
    return _path(mail.params["secret_url"])


def test_the_invited_person_registers_on_the_way_confirms_the_address_and_accepts(
    app, client, session, login, official, make_consultation
):
    consultation = make_consultation(status="draft", title="Night markets")
    login(official)
    link = _link(
        client.post(
            f"/consultations/{consultation.slug}/invitations", data={"email": "xena@example.org"}
        ).get_data(as_text=True)
    )
    client = app.test_client()  # the invited person, in their own browser
    page = client.get(_path(link))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "olivia-official invites you" in html and "Night markets" in html
    assert page.headers["Referrer-Policy"] == "no-referrer"
    register = re.search(r'href="(/register\?[^"]+)"', html).group(1).replace("&amp;", "&")
    form = client.get(register).get_data(as_text=True)
    assert 'value="xena@example.org"' in form  # the invited address, filled in
    next_value = re.search(r'name="next" type="hidden" value="([^"]+)"', form)
    response = client.post(
        "/register",
        data={
            "username": "xena-expert",
            "email": "xena@example.org",
            "password": "password123",
            "next": next_value.group(1),
        },
    )
    assert response.status_code == 200 and "We sent a mail to xena@example.org" in response.get_data(
        as_text=True
    )
    verify = _verification_link(session)
    assert "Confirm my address" in client.get(verify).get_data(as_text=True)
    confirmed = client.post(verify)
    assert confirmed.status_code == 302 and confirmed.headers["Location"] == _path(link)
    back = client.get(_path(link)).get_data(as_text=True)
    assert "Accept as xena-expert" in back
    token = _path(link).rsplit("/", 1)[1]
    accepted = client.post("/invitations/accept", data={"token": token})
    assert (
        accepted.status_code == 302 and accepted.headers["Location"] == f"/consultations/{consultation.slug}"
    )
    expert = session.scalar(select(User).where(User.username == "xena-expert"))
    assert session.scalar(select(Membership.role).where(Membership.user_id == expert.id)) == "expert"
    assert client.get(f"/consultations/{consultation.slug}").status_code == 200  # a draft, now readable
    gone = client.get(_path(link))
    assert gone.status_code == 410 and "This invitation cannot be used" in gone.get_data(as_text=True)


def test_an_unverified_account_of_the_invited_address_is_refused_until_it_confirms(
    app, client, session, official, make_consultation
):
    consultation = make_consultation(title="Night markets")
    _, link = invitations.invite(
        session,
        official,
        consultation,
        email="yara@example.org",
        link=lambda token: f"http://localhost/invitations/{token}",
    )
    client.post(
        "/register", data={"username": "yara-y", "email": "yara@example.org", "password": "password123"}
    )
    signed_in = client.post(
        "/login", data={"login": "yara-y", "password": "password123"}, follow_redirects=True
    )
    assert "not confirmed yet" in signed_in.get_data(as_text=True)
    landing = client.get(_path(link)).get_data(as_text=True)
    assert "Confirm your e-mail address first" in landing and "Accept as" not in landing
    token = _path(link).rsplit("/", 1)[1]
    refused = client.post("/invitations/accept", data={"token": token})
    assert refused.status_code == 403 and "Confirm your e-mail address first" in refused.get_data(
        as_text=True
    )
    client.post(_verification_link(session))
    assert client.post("/invitations/accept", data={"token": token}).status_code == 302


def test_revoke_and_resend_from_the_list(client, session, login, official, make_consultation):
    consultation = make_consultation()
    login(official)
    first, _ = invitations.invite(
        session,
        official,
        consultation,
        email="a@example.org",
        link=lambda token: f"http://localhost/invitations/{token}",
    )
    resent = client.post(f"/invitations/{first.id}/resend")
    assert resent.status_code == 200 and _link(resent.get_data(as_text=True))
    revoked = client.post(f"/invitations/{first.id}/revoke", follow_redirects=True)
    assert "is revoked" in revoked.get_data(as_text=True) and "Revoked" in revoked.get_data(as_text=True)
    assert len(session.scalars(select(OutgoingMail)).all()) == 2


def test_residents_cannot_see_the_invitations_page(client, login, make_user, make_consultation):
    consultation = make_consultation()
    login(make_user())
    assert client.get(f"/consultations/{consultation.slug}/invitations").status_code == 403


def test_an_unknown_link_is_404_in_chinese_too(client):
    response = client.get("/invitations/nothing-like-a-token?lang=zh")
    assert response.status_code == 404 and "没有这个邀请" in response.get_data(as_text=True)


def test_admins_see_the_outbox(client, session, login, make_user, official, make_consultation):
    invitations.invite(session, official, make_consultation(), email="a@example.org", link=lambda token: "x")
    login(make_user("admin"))
    html = client.get("/admin/mail").get_data(as_text=True)
    assert "a@example.org" in html and 'Waiting to be sent <span class="count">(1)</span>' in html
    login(official)
    assert client.get("/admin/mail").status_code == 403

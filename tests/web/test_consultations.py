"""The home list, consultation pages, and officials' controls."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from govwiki.models import Consultation, Page
from tests.web.conftest import XSS, escaped


def test_home_lists_public_open_consultations(client, make_consultation, text_of):
    make_consultation(title="Bicycle lanes on Elm Street")
    assert "Bicycle lanes on Elm Street" in text_of(client.get("/"))


def test_home_hides_drafts_of_other_officials(client, make_user, make_consultation, login, text_of):
    make_consultation(title="Secret draft", status="draft")
    login(make_user("official"))
    assert "Secret draft" not in text_of(client.get("/"))


def test_home_shows_own_drafts_to_their_official(client, official, make_consultation, login, text_of):
    make_consultation(title="My draft", status="draft")
    login(official)
    assert "My draft" in text_of(client.get("/"))


def test_home_paginates(client, make_consultation, text_of):
    for number in range(3):
        make_consultation(title=f"Topic number {number}")
    first = text_of(client.get("/?per_page=2"))
    second = text_of(client.get("/?per_page=2&page=2"))
    assert "Page 1 of 2" in first
    assert "Topic number 0" in second and "Topic number 0" not in first


def test_home_survives_absurd_page_numbers(client, make_consultation):
    make_consultation()
    for query in ("page=-5", "page=abc", "page=99999999999999999999", "per_page=0"):
        assert client.get(f"/?{query}").status_code == 200


def test_draft_is_not_found_for_anonymous(client, make_consultation):
    draft = make_consultation(status="draft")
    assert client.get(f"/consultations/{draft.slug}").status_code == 404


def test_draft_is_not_found_for_residents(client, make_consultation, make_user, login):
    draft = make_consultation(status="draft")
    login(make_user())
    assert client.get(f"/consultations/{draft.slug}").status_code == 404


def test_draft_shows_for_its_official(client, official, make_consultation, login, text_of):
    draft = make_consultation(title="Budget draft", status="draft")
    login(official)
    response = client.get(f"/consultations/{draft.slug}")
    assert response.status_code == 200
    assert "Budget draft" in text_of(response)


def test_consultation_page_explains_edit_policy(client, make_consultation, text_of):
    consultation = make_consultation(edit_policy="suggest")
    page = text_of(client.get(f"/consultations/{consultation.slug}"))
    assert "Residents can suggest changes" in page


def test_new_consultation_is_refused_to_residents(client, make_user, login):
    login(make_user())
    assert client.get("/consultations/new").status_code == 403


def test_official_creates_consultation_with_utc_deadline(client, session, official, login):
    login(official)
    response = client.post(
        "/consultations/new",
        data={
            "title": "Park opening hours",
            "summary": "Tell us.",
            "edit_policy": "edit",
            "visibility": "public",
            "closes_at": "2031-05-01T17:30",
        },
    )
    assert response.status_code == 302
    consultation = session.scalar(select(Consultation).where(Consultation.title == "Park opening hours"))
    assert consultation.status == "draft"
    assert consultation.closes_at == datetime(2031, 5, 1, 17, 30, tzinfo=timezone.utc)


def test_new_consultation_form_error_keeps_input(client, official, login, text_of):
    login(official)
    response = client.post(
        "/consultations/new",
        data={"title": "", "summary": "Kept summary", "edit_policy": "edit", "visibility": "public"},
    )
    assert response.status_code == 422
    assert "Kept summary" in text_of(response)


def test_official_opens_a_draft(client, session, official, make_consultation, login):
    draft = make_consultation(status="draft")
    login(official)
    response = client.post(f"/consultations/{draft.slug}/status", data={"status": "open"})
    assert response.status_code == 302
    session.refresh(draft)
    assert draft.status == "open"


def test_residents_cannot_change_status(client, session, make_consultation, make_user, login):
    consultation = make_consultation()
    login(make_user())
    response = client.post(f"/consultations/{consultation.slug}/status", data={"status": "closed"})
    assert response.status_code == 403
    session.refresh(consultation)
    assert consultation.status == "open"


def test_official_sees_status_buttons(client, official, make_consultation, login, text_of):
    consultation = make_consultation()
    login(official)
    html = text_of(client.get(f"/consultations/{consultation.slug}"))
    assert "Run this consultation" in html and 'value="closed"' in html


def test_residents_see_no_status_buttons(client, make_consultation, make_user, login, text_of):
    consultation = make_consultation()
    login(make_user())
    assert "Run this consultation" not in text_of(client.get(f"/consultations/{consultation.slug}"))


def test_official_edits_policy_and_deadline(client, session, official, make_consultation, login):
    consultation = make_consultation(edit_policy="edit")
    login(official)
    response = client.post(
        f"/consultations/{consultation.slug}/edit",
        data={
            "title": "New title",
            "summary": "",
            "edit_policy": "comment",
            "visibility": "public",
            "closes_at": "",
        },
    )
    assert response.status_code == 302
    session.refresh(consultation)
    assert (consultation.title, consultation.edit_policy) == ("New title", "comment")


def test_official_adds_a_page(client, session, official, make_consultation, login):
    consultation = make_consultation()
    login(official)
    response = client.post(
        f"/consultations/{consultation.slug}/pages",
        data={"page-title": "Chapter one", "page-body": "# Scope\n\nText.", "page-summary": ""},
    )
    assert response.status_code == 302
    assert session.scalar(select(Page).where(Page.title == "Chapter one")) is not None


def test_new_page_form_is_hidden_from_residents(client, make_consultation, make_user, login, text_of):
    consultation = make_consultation()
    login(make_user())
    assert "Add a page" not in text_of(client.get(f"/consultations/{consultation.slug}"))


def test_title_is_escaped_on_list_page_and_flash(client, official, login, text_of):
    login(official)
    response = client.post(
        "/consultations/new",
        data={"title": XSS, "edit_policy": "edit", "visibility": "public"},
        follow_redirects=True,
    )
    page = text_of(response)
    assert response.status_code == 200
    assert XSS not in page
    assert escaped(XSS) in page
    assert XSS not in text_of(client.get("/"))


def test_deadline_in_the_past_is_announced(client, make_consultation, move_clock, text_of):
    consultation = make_consultation(closes_at=datetime.now(timezone.utc) + timedelta(days=1))
    move_clock(timedelta(days=2))
    page = text_of(client.get(f"/consultations/{consultation.slug}"))
    assert "contributions are no longer accepted" in page


def test_a_consultation_titled_like_a_route_word_has_its_own_page(client, official, login, text_of):
    login(official)
    response = client.post(
        "/consultations/new",
        data={"title": "New", "summary": "", "edit_policy": "edit", "visibility": "public"},
    )
    assert response.status_code == 302 and not response.headers["Location"].endswith("/consultations/new")
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "<h1>New</h1>" in text_of(page).replace("\n", "")


def test_a_refused_title_says_why_in_the_readers_language(client, official, login, text_of):
    login(official)
    response = client.post(
        "/consultations/new?lang=zh",
        data={"title": "Rules \u202e", "edit_policy": "suggest", "visibility": "public"},
    )
    html = text_of(response)
    assert response.status_code == 422
    assert "含有改变文字方向的字符（U+202E）" in html and "direction-changing" not in html


def test_the_add_page_form_sends_multipart_and_checks_the_size_before_sending(
    client, make_consultation, official, login, text_of
):
    consultation = make_consultation()
    login(official)
    html = text_of(client.get(f"/consultations/{consultation.slug}"))
    form = html.split('action="/consultations/' + consultation.slug + '/pages"')[1].split(">")[0]
    assert 'enctype="multipart/form-data"' in form and 'data-max-bytes="2097152"' in form

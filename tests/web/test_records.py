"""The consultation record on the web: timeline, outcome report, Markdown download, the text as
opened and now, contributions, and the read-only audit log."""

from __future__ import annotations

import pytest

from govwiki.services import consultations, pages
from tests.services.record_helpers import add_proposal
from tests.web.conftest import XSS, escaped


@pytest.fixture
def lanes(session, make_consultation, make_page, official, resident):
    """Opened, edited by a resident, one proposal rejected, one partly merged."""
    consultation = make_consultation(status="draft", title="Cycle lanes")
    page = make_page(consultation, body="Lanes on Main Street.\n", title="Routes")
    consultations.update_consultation(session, official, consultation, {"status": "open"})
    pages.save_page(
        session, resident, page, body="Wide lanes on Main Street.\n", base_revision=1, summary="wider"
    )
    add_proposal(
        session,
        page,
        resident,
        status="rejected",
        decided_by=official,
        reason="Too costly.",
        summary="Tunnel",
    )
    add_proposal(
        session,
        page,
        resident,
        status="merged",
        decided_by=official,
        merged_revision=2,
        partial=True,
        declined=[{"start": 0, "end": 5, "base": "Lanes", "text": "Paths"}],
        summary="Wider paths",
    )
    return consultation


def test_history_page_shows_the_timeline(client, lanes, text_of):
    html = text_of(client.get(f"/consultations/{lanes.slug}/history"))
    assert "Rosa Resident" in html and "Too costly." in html and "wider" in html
    assert 'href="/pages/routes/diff?from=1&amp;to=2"' in html
    assert 'href="/users/rosa-resident"' in html  # names lead to the profile


def test_history_page_is_paginated(client, lanes, text_of):
    first = text_of(client.get(f"/consultations/{lanes.slug}/history?per_page=2"))
    assert f'href="/consultations/{lanes.slug}/history?page=2"' in first
    last = client.get(f"/consultations/{lanes.slug}/history?page=999&per_page=2")
    assert last.status_code == 200


def test_report_page_tells_asked_said_did(client, lanes, text_of):
    html = text_of(client.get(f"/consultations/{lanes.slug}/report"))
    for words in (
        "We asked",
        "You said",
        "We did",
        "Too costly.",
        "Partly merged by",
        "Paths",
        "Text as opened",
        "Download as Markdown",
    ):
        assert words in html
    assert 'class="diff diff-side diff-auto"' in html and "<ins>" in html


def test_report_downloads_as_markdown(client, lanes, text_of):
    response = client.get(f"/consultations/{lanes.slug}/report.md")
    assert response.status_code == 200 and response.mimetype == "text/markdown"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{lanes.slug}-report.md"'
    body = text_of(response)
    assert body.startswith("# Outcome report: Cycle lanes") and "Too costly." in body
    assert "@example.org" not in body


def test_changes_page_shows_the_text_as_opened_against_now(client, lanes, text_of):
    html = text_of(client.get(f"/consultations/{lanes.slug}/changes"))
    assert "Text as opened" in html and "Current text" in html
    assert "<ins>" in html and 'href="/pages/routes/revisions/1"' in html
    assert 'href="/pages/routes/diff?view=side&amp;from=1&amp;to=2"' in html


def test_changes_page_takes_a_later_pages_first_revision_as_opened(
    client, session, lanes, make_page, official, text_of
):
    page = make_page(lanes, body="Added while open.\n", title="Annex")
    pages.save_page(session, official, page, body="Added while open, revised.\n", base_revision=1)
    html = text_of(client.get(f"/consultations/{lanes.slug}/changes"))
    assert 'href="/pages/annex/revisions/1"' in html and "added after the consultation opened" in html
    assert 'href="/pages/annex/diff?view=side&amp;from=1&amp;to=2"' in html
    assert "None:" not in html


def test_changes_page_says_adopted_once_adopted(client, session, lanes, official, text_of):
    consultations.update_consultation(session, official, lanes, {"status": "closed"})
    consultations.update_consultation(session, official, lanes, {"status": "adopted"})
    html = text_of(client.get(f"/consultations/{lanes.slug}/changes"))
    assert "Text as adopted" in html and "Current text" not in html


def test_record_pages_of_a_draft_are_not_found_for_outsiders(client, make_consultation, resident, login):
    draft = make_consultation(status="draft")
    login(resident)
    for path in ("history", "report", "report.md", "changes", "audit"):
        assert client.get(f"/consultations/{draft.slug}/{path}").status_code == 404, path


def test_contributions_page_hides_a_draft_from_outsiders(
    client, session, make_consultation, make_page, official, resident, make_user, login, text_of
):
    draft = make_consultation(status="draft", title="Secret plan")
    consultations.add_member(session, official, draft, resident, "expert")
    pages.save_page(
        session, resident, make_page(draft, title="Hidden page"), body="Edited.\n", base_revision=1
    )
    outsider = text_of(client.get("/users/rosa-resident/contributions"))
    assert "Secret plan" not in outsider and "Hidden page" not in outsider
    login(official)
    assert "Hidden page" in text_of(client.get("/users/rosa-resident/contributions"))


def test_contributions_of_an_unknown_person_are_not_found(client):
    assert client.get("/users/ghost/contributions").status_code == 404


def test_consultation_page_links_to_its_record(client, lanes, official, login, text_of):
    html = text_of(client.get(f"/consultations/{lanes.slug}"))
    for path in ("history", "report", "changes"):
        assert f'href="/consultations/{lanes.slug}/{path}"' in html
    assert f'href="/consultations/{lanes.slug}/audit"' not in html
    login(official)
    assert f'href="/consultations/{lanes.slug}/audit"' in text_of(client.get(f"/consultations/{lanes.slug}"))


def test_report_page_is_translated(client, lanes, text_of):
    html = text_of(client.get(f"/consultations/{lanes.slug}/report?lang=zh"))
    assert "We asked" not in html and "You said" not in html


# --- the audit log -----------------------------------------------------------------------------


def test_officials_read_the_consultation_audit_log(client, lanes, official, login, text_of):
    login(official)
    response = client.get(f"/consultations/{lanes.slug}/audit")
    html = text_of(response)
    assert response.status_code == 200 and "changed the status" in html and "created the consultation" in html


def test_admins_read_the_site_audit_log(client, lanes, make_user, login, text_of):
    login(make_user("admin"))
    response = client.get("/audit")
    assert response.status_code == 200 and "changed the status" in text_of(response)


@pytest.mark.parametrize("path", ["/consultations/{slug}/audit", "/audit"])
def test_residents_are_refused_the_audit_log(client, lanes, resident, login, path):
    login(resident)
    assert client.get(path.format(slug=lanes.slug)).status_code == 403


def test_a_private_consultations_audit_log_is_not_found(client, make_consultation, resident, login):
    hidden = make_consultation(visibility="invited")
    login(resident)
    assert client.get(f"/consultations/{hidden.slug}/audit").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in_for_the_audit_log(client, lanes):
    response = client.get(f"/consultations/{lanes.slug}/audit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/consultations/{slug}/audit", "/audit"])
def test_no_page_edits_or_deletes_audit_events(client, lanes, official, login, method, path):
    login(official)
    assert getattr(client, method)(path.format(slug=lanes.slug)).status_code == 405


def test_no_route_anywhere_writes_to_the_audit_log(app):
    audit_rules = [rule for rule in app.url_map.iter_rules() if "audit" in rule.rule]
    assert {rule.endpoint for rule in audit_rules} >= {"records.consultation_audit", "records.site_audit"}
    for rule in audit_rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule.rule


def test_audit_log_escapes_and_hides_addresses(client, session, lanes, official, login, text_of):
    from govwiki.services import audit

    audit.record(
        session,
        official,
        "invitation_sent",
        subject_type="invitation",
        subject_id=XSS,
        consultation=lanes,
        details={"email": "eva@example.org", "note": XSS, "nested": {"to": ["eva@example.org"]}},
    )
    audit.record(
        session,
        official,
        "invitation_sent",
        subject_type="invitation",
        subject_id="eva@example.org",
        consultation=lanes,
    )
    session.commit()
    login(official)
    html = text_of(client.get(f"/consultations/{lanes.slug}/audit"))
    assert XSS not in html and escaped(XSS) in html and "eva@example.org" not in html


# --- escaping ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["history", "report", "changes"])
def test_what_people_typed_is_escaped(
    client, session, make_consultation, make_page, make_user, official, path, text_of
):
    consultation = make_consultation(status="draft", title=XSS)
    page = make_page(consultation, title=XSS, body="Text.\n")
    consultations.update_consultation(session, official, consultation, {"status": "open"})
    mallory = make_user(display_name=XSS)
    pages.save_page(session, mallory, page, body=f"Text {XSS}.\n", base_revision=1, summary=XSS)
    add_proposal(session, page, mallory, status="rejected", decided_by=official, reason=XSS, summary=XSS)
    html = text_of(client.get(f"/consultations/{consultation.slug}/{path}"))
    assert XSS not in html and escaped(XSS) in html


def test_contributions_escape_the_display_name(client, make_user, text_of):
    make_user(username="mallory", display_name=XSS)
    html = text_of(client.get("/users/mallory/contributions"))
    assert XSS not in html and escaped(XSS) in html


def test_timeline_entries_of_revisions_show_the_words_they_changed(
    client, session, make_consultation, make_page, official, text_of
):
    page = make_page(make_consultation(slug="stalls"), body="The market opens at dawn.\n")
    pages.save_page(session, official, page, body="The market opens at noon, daily.\n", base_revision=1)
    html = text_of(client.get("/consultations/stalls/history"))
    entry = html.split(f'href="/pages/{page.slug}/diff?from=1&amp;to=2"')[1].split("</p>")[0]
    assert "+2</span>" in entry and "−1</span>" in entry

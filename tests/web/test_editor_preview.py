"""The editor's preview (issue 13, item 4): `POST /preview` renders with the pages' own renderer
and sanitizer behind CSRF; without JavaScript, each form that shares the editor (edit, suggest,
edit a suggestion, new page) has a Preview button that shows the form again with the text kept,
the preview filled in and nothing saved; previews are counted apart from saves; the page carries
the hooks and the shortcut hint site.js uses. The script itself is exercised by the browser tests."""

from __future__ import annotations

import re
from html import unescape

import pytest

from govwiki.models import Page, Proposal
from govwiki.services import pages, proposals
from tests.web.conftest import XSS, escaped, multipart

BASE = "Article 1. Stalls open at six.\n"
DRAFT = "# Hours\n\nStalls open at **seven**.\n\n| Zone | Hours |\n| --- | --- |\n| Market | 07:00 |\n"


def preview(client, body, **extra):
    return client.post("/preview", **multipart({"body": body, **extra}))


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_preview_renders_markdown_as_the_page_does(client, make_page, text_of):
    page = make_page(body=DRAFT)
    shown = text_of(client.get(f"/pages/{page.slug}/revisions/1"))
    response = preview(client, DRAFT)
    fragment = text_of(response)
    assert response.status_code == 200
    rendered = re.search(r'<div class="prose" data-preview-state="ready">(.*)</div>', fragment, re.S).group(1)
    assert "<strong>seven</strong>" in rendered and "<td>Market</td>" in rendered
    assert rendered in shown  # the same HTML the page shows, byte for byte


def test_preview_escapes_raw_html(client, text_of):
    fragment = text_of(preview(client, f"Hello {XSS}\n\n<script>alert(1)</script>\n"))
    assert "<img" not in fragment and "<script>" not in fragment
    assert escaped("<script>") in fragment


def test_preview_of_an_empty_box_says_so(client, text_of):
    assert "Nothing to preview" in text_of(preview(client, "  \n"))


@pytest.mark.config(MAX_PAGE_BYTES=100)
def test_preview_of_a_text_over_the_limit_is_refused_unrendered(client, text_of):
    response = preview(client, "**Long.** " * 20)
    assert response.status_code == 413
    assert "too long to preview" in text_of(response) and "<strong>" not in text_of(response)


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_preview_needs_the_forms_csrf_token(client, make_page, official, login, text_of):
    page = make_page(body=BASE)
    login(official)
    assert preview(client, "**x**").status_code == 400
    token = csrf_token(text_of(client.get(f"/pages/{page.slug}/edit")))
    accepted = preview(client, "**x**", csrf_token=token)
    assert accepted.status_code == 200 and "<strong>x</strong>" in text_of(accepted)


def test_edit_form_has_the_editor_hooks_and_the_shortcut_hint(client, make_page, official, login, text_of):
    page = make_page(body=BASE)
    login(official)
    html = text_of(client.get(f"/pages/{page.slug}/edit"))
    assert 'data-editor data-preview-url="/preview"' in html
    assert re.search(r'<section class="editor-preview" id="editor-preview"[^>]* hidden>', html)
    assert re.search(
        r'<button type="submit"[^>]*name="preview"[^>]*data-preview-button>Preview</button>', html
    )
    assert 'data-save-button=""' in html
    assert "Ctrl+S" in html and "Alt+P" in html
    # Save comes before Preview, so that Enter in the summary field saves
    assert html.index("data-save-button") < html.index("data-preview-button")
    assert "data-unsaved" not in html  # the text in the box is the saved text


def test_preview_button_shows_the_edit_form_again_with_text_and_preview(
    client, session, make_page, official, login, text_of
):
    page = make_page(body=BASE)
    login(official)
    form = {"body": DRAFT, "base_revision": 1, "summary": "later", "preview": "1"}
    response = client.post(f"/pages/{page.slug}/edit", **multipart(form))
    html = text_of(response)
    assert response.status_code == 200
    assert escaped(DRAFT) in html  # the text is kept in the box
    assert 'value="later"' in html and 'name="base_revision" type="hidden" value="1"' in html
    assert re.search(r'<section class="editor-preview" id="editor-preview"[^>]*data-too-many="[^"]*">', html)
    assert "<strong>seven</strong>" in html
    assert "data-unsaved" in html  # site.js warns before leaving with this text
    assert pages.head_revision(session, page).number == 1


def test_preview_of_an_empty_box_does_not_ask_to_confirm_blanking(
    client, make_page, official, login, text_of
):
    page = make_page(body=BASE)
    login(official)
    form = {"body": "", "base_revision": 1, "preview": "1"}
    response = client.post(f"/pages/{page.slug}/edit", **multipart(form))
    assert response.status_code == 200 and "Nothing to preview" in text_of(response)


def test_preview_button_on_a_new_suggestion_sends_nothing(
    client, session, make_page, make_user, login, text_of
):
    page = make_page(body=BASE)
    login(make_user("resident"))
    form = {"body": DRAFT, "summary": "why", "base_revision": 1, "preview": "1"}
    response = client.post(f"/pages/{page.slug}/proposals/new", **multipart(form))
    html = text_of(response)
    assert response.status_code == 200 and escaped(DRAFT) in html and "<strong>seven</strong>" in html
    assert session.query(Proposal).count() == 0


def test_preview_button_on_a_suggestion_being_edited_changes_nothing(
    client, session, make_page, make_user, login, text_of
):
    page = make_page(body=BASE)
    author = make_user("resident")
    proposal = proposals.submit_proposal(session, author, page, body=BASE + "Mine.\n", base_revision=1)
    login(author)
    form = {"body": DRAFT, "summary": "", "base_revision": 1, "preview": "1"}
    response = client.post(f"/proposals/{proposal.id}/edit", **multipart(form))
    assert response.status_code == 200 and "<strong>seven</strong>" in text_of(response)
    session.expire_all()
    assert session.get(Proposal, proposal.id).body == BASE + "Mine.\n"


def test_preview_button_on_the_new_page_form_creates_nothing(
    client, session, make_consultation, official, login, text_of
):
    consultation = make_consultation()
    login(official)
    form = {"page-title": "Hours", "page-body": DRAFT, "page-summary": "", "preview": "1"}
    response = client.post(f"/consultations/{consultation.slug}/pages", **multipart(form))
    html = unescape(text_of(response))
    assert response.status_code == 200
    assert DRAFT in html and "<strong>seven</strong>" in html and 'value="Hours"' in html
    assert session.query(Page).filter_by(consultation_id=consultation.id).count() == 0


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_PROPOSALS="1/minute")
def test_previews_do_not_count_against_the_suggestion_limit(client, session, make_page, make_user, login):
    page = make_page(body=BASE)
    login(make_user("resident"))
    form = {"body": BASE + "Mine.\n", "summary": "why", "base_revision": 1}
    for _ in range(3):
        previewed = client.post(f"/pages/{page.slug}/proposals/new", **multipart({**form, "preview": "1"}))
        assert previewed.status_code == 200
    assert client.post(f"/pages/{page.slug}/proposals/new", **multipart(form)).status_code == 302


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_PREVIEWS="2/minute")
def test_previews_have_a_limit_of_their_own(client, make_page, official, login, text_of):
    page = make_page(body=BASE)
    login(official)
    assert preview(client, "one").status_code == 200
    form = {"body": "two", "base_revision": 1, "preview": "1"}
    assert client.post(f"/pages/{page.slug}/edit", **multipart(form)).status_code == 200
    refused = client.post(f"/pages/{page.slug}/edit", **multipart({**form, "body": "Kept words."}))
    assert refused.status_code == 429 and "Kept words." in text_of(refused)
    assert preview(client, "four").status_code == 429
    # saving is another count, untouched by the previews
    saved = client.post(f"/pages/{page.slug}/edit", **multipart({"body": "Saved.\n", "base_revision": 1}))
    assert saved.status_code == 302


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_PREVIEWS="1/minute")
def test_too_many_previews_of_a_suggestion_show_the_form_again_with_the_text(
    client, session, make_page, make_user, login, text_of
):
    page = make_page(body=BASE)
    author = make_user("resident")
    proposal = proposals.submit_proposal(session, author, page, body=BASE + "Mine.\n", base_revision=1)
    login(author)
    form = {"body": "First look.\n", "summary": "", "base_revision": 1, "preview": "1"}
    assert client.post(f"/proposals/{proposal.id}/edit", **multipart(form)).status_code == 200
    refused = client.post(f"/proposals/{proposal.id}/edit", **multipart({**form, "body": "Kept words.\n"}))
    html = text_of(refused)
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    assert "Kept words." in html and 'class="edit-form"' in html


@pytest.mark.config(RATELIMIT_ENABLED=True)
@pytest.mark.parametrize("preview_pressed", [False, True])
def test_a_request_too_large_to_read_is_still_a_413_with_the_limits_on(
    app, client, make_page, official, login, text_of, preview_pressed
):
    """Telling a preview from a save reads the form before the view does: a body too large to
    read must still get the page that says the text is in the browser, not an error."""
    page = make_page(body=BASE)
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    login(official)
    form = {"body": "x" * 20_000, "base_revision": 1, **({"preview": "1"} if preview_pressed else {})}
    response = client.post(f"/pages/{page.slug}/edit", **multipart(form))
    assert response.status_code == 413
    assert "It is still in your browser" in text_of(response)


def test_preview_button_of_the_hand_resolution_editor_merges_nothing(
    client, session, make_page, make_consultation, make_user, official, login, text_of
):
    page = make_page(make_consultation(edit_policy="suggest"), body=BASE)
    proposal = proposals.submit_proposal(session, make_user(), page, body=BASE + "Mine.\n", base_revision=1)
    login(official)
    shown = text_of(client.get(f"/proposals/{proposal.id}"))
    assert 'action="/proposals/%d/merge#editor-preview"' % proposal.id in shown  # the editor is there
    form = {"body": DRAFT, "base_revision": 1, "version": "x", "preview": "1"}
    response = client.post(f"/proposals/{proposal.id}/merge", **multipart(form))
    html = text_of(response)
    assert response.status_code == 200
    assert '<details class="resolve edit-details" id="resolve" open>' in html
    assert escaped(DRAFT) in html and "<strong>seven</strong>" in html
    session.expire_all()
    assert session.get(Proposal, proposal.id).status == "open"
    assert pages.head_revision(session, page).number == 1

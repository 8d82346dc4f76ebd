"""Reading and editing pages: merges, conflicts, and refusals that keep the editor's text."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from html import unescape as html_unescape

import pytest

from govwiki.services import pages
from tests.resolving import resolve
from tests.web.conftest import escaped, multipart

BASE = "Alpha paragraph.\n\nBeta paragraph.\n\nGamma paragraph.\n"


def edit(client, page, body, base, summary=""):
    return client.post(
        f"/pages/{page.slug}/edit", data={"body": body, "base_revision": base, "summary": summary}
    )


def head(session, page):
    return pages.head_revision(session, page)


def test_page_renders_markdown_table_and_heading_id(client, make_page, text_of):
    page = make_page(body="# Opening hours\n\n| Zone | Hours |\n| --- | --- |\n| Market | 05:30 |\n")
    html = text_of(client.get(f"/pages/{page.slug}"))
    assert '<table data-para="1">' in html and "<td>Market</td>" in html
    assert '<h1 data-para="0" id="h-opening-hours">Opening hours</h1>' in html


def test_page_lists_table_of_contents(client, make_page, text_of):
    page = make_page(body="# Scope\n\ntext\n\n## Fees\n\nmore\n")
    html = text_of(client.get(f"/pages/{page.slug}"))
    assert 'class="toc"' in html and '<a href="#h-fees">Fees</a>' in html


def test_page_escapes_raw_script(client, make_page, text_of):
    page = make_page(body="Hello <script>alert(1)</script> world\n")
    html = text_of(client.get(f"/pages/{page.slug}"))
    assert "<script>alert(1)</script>" not in html


def test_page_shows_revision_and_contributors(client, make_page, official, text_of):
    page = make_page()
    html = text_of(client.get(f"/pages/{page.slug}"))
    assert "Revision 1" in html
    assert official.display_name in html
    assert official.email not in html


def test_old_revision_shows_banner(client, session, make_page, text_of):
    page = make_page(body=BASE)
    pages.save_page(session, page.consultation.created_by, page, body=BASE + "Delta.\n", base_revision=1)
    html = text_of(client.get(f"/pages/{page.slug}?revision=1"))
    assert "You are viewing an old revision" in html
    assert "You are viewing an old revision" not in text_of(client.get(f"/pages/{page.slug}"))


def test_unknown_revision_is_not_found(client, make_page):
    page = make_page()
    assert client.get(f"/pages/{page.slug}?revision=9").status_code == 404
    assert client.get(f"/pages/{page.slug}?revision=x").status_code == 404


def test_edit_form_carries_head_as_base_revision(client, make_page, official, login, text_of):
    page = make_page(body=BASE)
    login(official)
    html = text_of(client.get(f"/pages/{page.slug}/edit"))
    assert 'name="base_revision" type="hidden" value="1"' in html
    assert "Beta paragraph." in html


def test_edit_form_sends_signed_out_visitors_to_sign_in(client, make_page):
    page = make_page()
    response = client.get(f"/pages/{page.slug}/edit")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_saving_creates_a_revision(client, session, make_page, official, login, text_of):
    page = make_page(body=BASE)
    login(official)
    response = edit(client, page, BASE.replace("Beta", "Better beta"), 1, "clearer")
    assert response.status_code == 302
    assert head(session, page).number == 2
    assert "Saved as revision 2." in text_of(client.get(response.headers["Location"]))


def test_saving_converts_browser_line_endings(client, session, make_page, official, login):
    page = make_page(body=BASE)
    login(official)
    edit(client, page, BASE.replace("\n", "\r\n") + "Delta.\r\n", 1)
    assert "\r" not in head(session, page).body


def test_saving_unchanged_text_says_so(client, session, make_page, official, login, text_of):
    page = make_page(body=BASE)
    login(official)
    response = edit(client, page, BASE, 1)
    assert "No changes" in text_of(client.get(response.headers["Location"]))
    assert head(session, page).number == 1


def test_stale_base_merges_and_says_so(client, session, make_page, official, make_user, login, text_of):
    page = make_page(body=BASE)
    pages.save_page(session, official, page, body=BASE.replace("Alpha", "First"), base_revision=1)
    login(make_user())
    response = edit(client, page, BASE.replace("Gamma", "Last"), 1)
    assert response.status_code == 302
    assert "merged with changes made since you started" in text_of(client.get(response.headers["Location"]))
    assert head(session, page).body == "First paragraph.\n\nBeta paragraph.\n\nLast paragraph.\n"


def test_overlapping_edit_shows_conflict_screen_with_both_versions_in_the_box(
    client, session, make_page, official, make_user, login, text_of
):
    page = make_page(body=BASE)
    pages.save_page(session, official, page, body=BASE.replace("Beta", "Official beta"), base_revision=1)
    login(make_user())
    response = edit(client, page, BASE.replace("Beta", "Resident beta"), 1)
    html = text_of(response)
    assert response.status_code == 409
    assert "overlaps with a change someone else saved" in html
    box = html.split('name="body"')[1].split("</textarea>")[0]
    assert "&lt;&lt;&lt;&lt;&lt;&lt;&lt; your version\nResident beta paragraph.\n=======\n" in box
    assert "Official beta paragraph.\n&gt;&gt;&gt;&gt;&gt;&gt;&gt; current text, revision 2" in box
    assert 'name="base_revision" type="hidden" value="2"' in html
    assert head(session, page).number == 2


def test_resubmitting_after_conflict_saves(client, session, make_page, official, make_user, login):
    page = make_page(body=BASE)
    pages.save_page(session, official, page, body=BASE.replace("Beta", "Official beta"), base_revision=1)
    login(make_user())
    edit(client, page, BASE.replace("Beta", "Resident beta"), 1)
    resolved = BASE.replace("Beta", "Official and resident beta")
    assert edit(client, page, resolved, 2).status_code == 302
    assert head(session, page).body == resolved


WALKWAY = (
    "Stalls keep a walkway of 1.5 metres clear.\n\n"
    "Morning markets run from 06:00 to 09:00.\n\n"
    "Stalls close at 22:00.\n"
)


def test_resaving_the_conflict_box_keeps_the_other_editors_unrelated_change(
    client, session, make_page, official, make_user, login, text_of
):
    """The demo's walkway case: saving the conflict screen must not revert the morning hours."""
    page = make_page(body=WALKWAY)
    first = WALKWAY.replace("1.5 metres", "2 metres").replace("06:00", "05:30")
    pages.save_page(session, official, page, body=first, base_revision=1)
    login(make_user())
    response = edit(client, page, WALKWAY.replace("1.5 metres", "1.8 metres"), 1)
    assert response.status_code == 409
    box = html_unescape(text_of(response).split('name="body"')[1].split(">", 1)[1].split("</textarea>")[0])
    resolved = resolve(box.lstrip("\r\n"), keep="mine")
    assert edit(client, page, resolved, 2).status_code == 302
    saved = head(session, page).body
    assert "1.8 metres" in saved and "2 metres" not in saved
    assert "05:30" in saved and "06:00" not in saved


def test_saving_a_text_that_still_holds_conflict_markers_is_refused_with_the_text(
    client, session, make_page, official, make_user, login, text_of
):
    page = make_page(body=WALKWAY)
    pages.save_page(session, official, page, body=WALKWAY.replace("1.5 metres", "2 metres"), base_revision=1)
    login(make_user())
    response = edit(client, page, WALKWAY.replace("1.5 metres", "1.8 metres"), 1)
    box = html_unescape(text_of(response).split('name="body"')[1].split(">", 1)[1].split("</textarea>")[0])
    again = edit(client, page, box.lstrip("\r\n"), 2)
    assert again.status_code == 422
    assert "conflict markers" in text_of(again)
    assert "1.8 metres" in text_of(again)
    assert head(session, page).number == 2


def test_a_page_that_already_holds_marker_lines_can_still_be_edited(session, make_page, official):
    page = make_page(body="How git marks a conflict:\n\n<<<<<<< ours\na\n=======\nb\n>>>>>>> theirs\n")
    result = pages.save_page(
        session, official, page, body=head(session, page).body + "\nMore.\n", base_revision=1
    )
    assert result.revision.number == 2


def test_editing_closed_consultation_is_refused_with_text_kept(
    client, session, make_consultation, make_page, make_user, login, text_of
):
    page = make_page(make_consultation(status="closed"), body=BASE)
    login(make_user())
    response = edit(client, page, "My careful rewrite.\n", 1)
    assert response.status_code == 403
    assert "My careful rewrite." in text_of(response)
    assert head(session, page).number == 1


def test_editing_after_the_deadline_is_refused_with_text_kept(
    client, session, make_consultation, make_page, make_user, login, move_clock, text_of
):
    consultation = make_consultation(closes_at=datetime.now(timezone.utc) + timedelta(hours=1))
    page = make_page(consultation, body=BASE)
    login(make_user())
    move_clock(timedelta(hours=2))
    response = edit(client, page, "Written too late.\n", 1)
    assert response.status_code == 403
    assert "not accepting contributions" in text_of(response)
    assert "Written too late." in text_of(response)


@pytest.fixture
def small_pages(app_config):
    app_config["MAX_PAGE_BYTES"] = 100


def test_oversized_body_is_refused_with_text_kept(
    small_pages, client, session, make_page, official, login, text_of
):
    page = make_page(body=BASE)
    login(official)
    body = "Long text. " * 20
    response = edit(client, page, body, 1)
    assert response.status_code == 413
    assert escaped(body) in text_of(response)
    assert head(session, page).number == 1


def test_signed_out_save_keeps_text_and_asks_to_sign_in(client, session, make_page, text_of):
    page = make_page(body=BASE)
    response = edit(client, page, "Anonymous words worth keeping.\n", 1)
    html = text_of(response)
    assert response.status_code == 401
    assert "Anonymous words worth keeping." in html
    assert "Sign in (opens in a new tab)" in html
    assert head(session, page).number == 1


def test_invalid_base_revision_is_refused_with_text_kept(client, make_page, official, login, text_of):
    page = make_page(body=BASE)
    login(official)
    response = edit(client, page, "Kept words.\n", "abc")
    assert response.status_code == 422
    assert "Kept words." in text_of(response)


@pytest.mark.parametrize("policy", ["comment", "suggest"])
def test_residents_see_no_edit_link_without_edit_policy(
    policy, client, make_consultation, make_page, make_user, login, text_of
):
    page = make_page(make_consultation(edit_policy=policy))
    login(make_user())
    assert f'href="/pages/{page.slug}/edit"' not in text_of(client.get(f"/pages/{page.slug}"))


def test_residents_see_edit_link_with_edit_policy(
    client, make_consultation, make_page, make_user, login, text_of
):
    page = make_page(make_consultation(edit_policy="edit"))
    login(make_user())
    assert f'href="/pages/{page.slug}/edit"' in text_of(client.get(f"/pages/{page.slug}"))


def test_residents_cannot_open_editor_without_edit_policy(
    client, make_consultation, make_page, make_user, login
):
    page = make_page(make_consultation(edit_policy="suggest"))
    login(make_user())
    assert client.get(f"/pages/{page.slug}/edit").status_code == 403


@pytest.mark.parametrize("suffix", ["", "/edit", "/history", "/diff", "/blame", "/revisions/1"])
def test_pages_of_drafts_are_not_found_for_residents(
    suffix, client, make_consultation, make_page, make_user, login
):
    page = make_page(make_consultation(status="draft"))
    login(make_user())
    assert client.get(f"/pages/{page.slug}{suffix}").status_code == 404


def test_conflict_screen_shows_each_overlapping_passage_side_by_side(
    client, session, make_page, official, make_user, login, text_of
):
    page = make_page(body=BASE)
    pages.save_page(session, official, page, body=BASE.replace("Beta", "Official beta"), base_revision=1)
    login(make_user())
    html = text_of(edit(client, page, BASE.replace("Beta", "Resident beta"), 1))
    assert "Overlapping passage 1" in html
    assert '<pre class="passage passage-mine"><mark>Resident beta</mark> paragraph.</pre>' in html
    assert '<pre class="passage passage-theirs"><mark>Official beta</mark> paragraph.</pre>' in html


# --- long texts and empty texts ------------------------------------------------------------------


def test_edit_form_sends_multipart_and_knows_the_limit(client, make_page, official, login, text_of):
    page = make_page()
    login(official)
    html = text_of(client.get(f"/pages/{page.slug}/edit"))
    assert 'enctype="multipart/form-data"' in html
    assert 'data-max-bytes="2097152"' in html and "the limit is 2 MB" in html


def test_a_3_mb_chinese_edit_through_the_form_is_refused_with_the_text_kept(
    client, session, make_page, official, login, text_of
):
    page = make_page(body=BASE)
    login(official)
    mine = "市民意见" * 262_144 + "结尾标记"  # 3 MB of UTF-8, over the 2 MB page limit
    response = client.post(f"/pages/{page.slug}/edit", **multipart({"body": mine, "base_revision": "1"}))
    html = text_of(response)
    assert response.status_code == 413
    assert "The limit is 2 MB" in html and "结尾标记</textarea>" in html
    assert head(session, page).number == 1


def test_a_request_too_large_to_read_says_the_text_is_still_in_the_browser(
    app, client, make_page, official, login, text_of
):
    page = make_page(body=BASE)
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    login(official)
    response = edit(client, page, "x" * 20_000, 1)
    assert response.status_code == 413
    assert "It is still in your browser" in text_of(response)


def test_an_empty_save_asks_for_confirmation_and_saves_nothing(
    client, session, make_page, official, login, text_of
):
    page = make_page(body=BASE)
    login(official)
    response = edit(client, page, "  \n", 1)
    assert response.status_code == 422
    assert "saving would remove all the text of this page" in text_of(response)
    assert 'name="confirm_empty"' in text_of(response)
    assert head(session, page).number == 1


def test_a_confirmed_empty_save_is_marked_in_the_history(
    client, session, make_page, official, login, text_of
):
    page = make_page(body=BASE)
    login(official)
    response = client.post(
        f"/pages/{page.slug}/edit", data={"body": "", "base_revision": "1", "confirm_empty": "y"}
    )
    assert response.status_code == 302 and head(session, page).body == ""
    history = text_of(client.get(f"/pages/{page.slug}/history"))
    assert history.count("removed all text") == 1


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_an_expired_new_page_form_hands_the_text_back(client, make_consultation, official, login, text_of):
    consultation = make_consultation()
    login(official)
    response = client.post(
        f"/consultations/{consultation.slug}/pages",
        data={"page-title": "Fees", "page-body": "My fee schedule.\n"},
    )
    assert response.status_code == 400 and "My fee schedule." in text_of(response)


def test_a_refused_save_with_markers_keeps_the_conflict_choices(
    client, session, make_page, official, make_user, login, text_of
):
    page = make_page(body=WALKWAY)
    pages.save_page(session, official, page, body=WALKWAY.replace("1.5 metres", "2 metres"), base_revision=1)
    login(make_user())
    box = html_unescape(
        text_of(edit(client, page, WALKWAY.replace("1.5 metres", "1.8 metres"), 1))
        .split('name="body"')[1]
        .split(">", 1)[1]
        .split("</textarea>")[0]
    )
    again = text_of(edit(client, page, box.lstrip("\r\n"), 2))
    assert "data-conflict-choices" in again and "Keep the first version" in again

"""Suggestions on the web: the form that never loses text, the list with its markers, the
suggestion page, and officials' decisions (merge, merge in part, resolve by hand, reject)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from govwiki.services import clock, pages
from govwiki.services import proposals as service
from govwiki.services.proposal_review import count_open
from tests.web.conftest import XSS, escaped, multipart

BASE = "Vendors apply for a permit.\n\nThe notice period is 30 days.\n\nStalls close at 23:00.\n"
LONGER = BASE.replace("30 days", "60 days")


@pytest.fixture
def page(make_page, make_consultation):
    return make_page(make_consultation(edit_policy="suggest"), body=BASE)


def _propose(session, page, author, body=LONGER, base=1, summary="Longer notice"):
    return service.submit_proposal(session, author, page, body=body, summary=summary, base_revision=base)


def _head(session, page):
    session.expire_all()
    return pages.head_revision(session, page)


def test_page_links_to_its_open_suggestions_and_offers_the_form(
    client, session, page, resident, login, text_of
):
    _propose(session, page, resident)
    login(resident)
    html = text_of(client.get(f"/pages/{page.slug}"))
    assert "Suggestions (1 open)" in html and f'href="/pages/{page.slug}/proposals/new"' in html


def test_suggest_button_is_hidden_under_the_comment_policy(
    client, make_page, make_consultation, resident, login, text_of
):
    page = make_page(make_consultation(edit_policy="comment"), body=BASE)
    login(resident)
    assert f"/pages/{page.slug}/proposals/new" not in text_of(client.get(f"/pages/{page.slug}"))


def test_form_is_prefilled_with_the_head_and_carries_its_revision(
    client, session, page, resident, login, text_of
):
    pages.save_page(session, page.consultation.created_by, page, body=BASE + "More.\n", base_revision=1)
    login(resident)
    html = text_of(client.get(f"/pages/{page.slug}/proposals/new"))
    assert 'name="base_revision" type="hidden" value="2"' in html and "More." in html


def test_form_sends_signed_out_visitors_to_sign_in(client, page):
    response = client.get(f"/pages/{page.slug}/proposals/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_sending_a_suggestion_opens_its_page(client, session, page, resident, login, text_of):
    login(resident)
    response = client.post(
        f"/pages/{page.slug}/proposals/new",
        data={"body": LONGER, "summary": "More time", "base_revision": "1"},
    )
    assert response.status_code == 302
    html = text_of(client.get(response.headers["Location"]))
    assert "More time" in html and "<ins>60</ins>" in html


def test_deadline_passing_after_the_form_opened_keeps_the_text_in_the_form(
    client, make_page, make_consultation, resident, login, move_clock, text_of
):
    page = make_page(
        make_consultation(edit_policy="suggest", closes_at=clock.now() + timedelta(hours=1)), body=BASE
    )
    login(resident)
    assert client.get(f"/pages/{page.slug}/proposals/new").status_code == 200
    move_clock(timedelta(hours=2))
    response = client.post(
        f"/pages/{page.slug}/proposals/new", data={"body": "My careful rewording.\n", "base_revision": "1"}
    )
    assert response.status_code == 403
    assert "My careful rewording." in text_of(response) and "not accepting suggestions now" in text_of(
        response
    )


def test_suggestion_identical_to_the_text_is_refused_with_the_text_kept(
    client, page, resident, login, text_of
):
    login(resident)
    response = client.post(
        f"/pages/{page.slug}/proposals/new",
        data={"body": BASE, "summary": "Kept reason", "base_revision": "1"},
    )
    assert response.status_code == 422 and "Kept reason" in text_of(response)


@pytest.mark.parametrize("body", ["", "   \n\n  "])
def test_empty_suggestion_is_refused_with_the_form_kept(
    body, client, session, page, resident, login, text_of
):
    login(resident)
    form = {"body": body, "summary": "Kept rationale", "base_revision": "1"}
    response = client.post(f"/pages/{page.slug}/proposals/new", data=form)
    html = text_of(response)
    assert response.status_code == 422 and "Kept rationale" in html and "empty: write the text" in html
    assert f"{body}</textarea>" in html and count_open(session, page) == 0


def test_list_filters_by_status(client, session, page, resident, official, text_of):
    _propose(session, page, resident, summary="Still open")
    rejected = _propose(session, page, resident, BASE.replace("23:00", "22:00"), summary="Turned down")
    service.reject_proposal(session, official, rejected, reason="No.")
    html = text_of(client.get(f"/pages/{page.slug}/proposals?status=open"))
    assert "Still open" in html and "Turned down" not in html


def test_list_marks_stale_conflicting_and_overlapping_suggestions(
    client, session, page, resident, make_user, official, text_of
):
    first = _propose(session, page, resident)
    second = _propose(session, page, make_user(), BASE.replace("30 days", "90 days"))
    pages.save_page(session, official, page, body=BASE.replace("30 days", "45 days"), base_revision=1)
    html = text_of(client.get(f"/pages/{page.slug}/proposals"))
    assert "Written on revision 1; the page is now at revision 2" in html
    assert "Conflicts with changes made since it was written" in html
    assert (
        f'href="/proposals/{second.id}">#{second.id}</a>' in html
        and f'href="/proposals/{first.id}">#{first.id}</a>' in html
    )


def test_suggestion_page_shows_diff_inline_and_side_by_side(client, session, page, resident, text_of):
    proposal = _propose(session, page, resident)
    assert "<ins>60</ins>" in text_of(client.get(f"/proposals/{proposal.id}"))
    side = text_of(client.get(f"/proposals/{proposal.id}?view=side"))
    assert 'class="diff diff-side"' in side and f"Suggestion #{proposal.id}" in side


def test_suggestion_page_previews_a_clean_merge(client, session, page, resident, text_of):
    proposal = _propose(session, page, resident)
    assert "Merges cleanly with the current text" in text_of(client.get(f"/proposals/{proposal.id}"))


def test_official_merges_and_history_names_the_suggestion_and_merger(
    client, session, page, resident, official, login, text_of
):
    proposal = _propose(session, page, resident)
    login(official)
    response = client.post(f"/proposals/{proposal.id}/merge", data={"mode": "all"})
    assert response.status_code == 302 and _head(session, page).body == LONGER
    history = text_of(client.get(f"/pages/{page.slug}/history"))
    assert f"from suggestion #{proposal.id}" in history and "merged by" in history


def test_official_merges_only_ticked_changes_and_the_rest_show_as_not_accepted(
    client, session, page, resident, official, login, text_of
):
    proposal = _propose(session, page, resident, LONGER.replace("23:00", "21:00"))
    login(official)
    response = client.post(f"/proposals/{proposal.id}/merge", data={"mode": "selected", "accept": ["1"]})
    assert response.status_code == 302 and _head(session, page).body == BASE.replace("23:00", "21:00")
    html = text_of(client.get(f"/proposals/{proposal.id}"))
    assert "Partly merged" in html and "Changes that were not accepted" in html and "<ins>60</ins>" in html


def test_merge_form_offers_a_checkbox_per_change(client, session, page, resident, official, login, text_of):
    proposal = _propose(session, page, resident, LONGER.replace("23:00", "21:00"))
    login(official)
    html = text_of(client.get(f"/proposals/{proposal.id}"))
    assert html.count('type="checkbox" name="accept"') == 2


def test_conflicting_merge_shows_the_resolve_editor_then_merges_the_resolution(
    client, session, page, resident, official, login, text_of
):
    proposal = _propose(session, page, resident)
    pages.save_page(session, official, page, body=BASE.replace("30 days", "45 days"), base_revision=1)
    login(official)
    refused = client.post(f"/proposals/{proposal.id}/merge", data={"mode": "all"})
    html = text_of(refused)
    assert refused.status_code == 409 and 'name="body"' in html and escaped("<<<<<<<") in html
    resolved = BASE.replace("30 days", "50 days")
    response = client.post(f"/proposals/{proposal.id}/merge", data={"body": resolved, "base_revision": "2"})
    assert response.status_code == 302 and _head(session, page).body == resolved


def test_resolution_with_markers_left_comes_back_in_the_editor(
    client, session, page, resident, official, login, text_of
):
    proposal = _propose(session, page, resident)
    login(official)
    text = "<<<<<<< suggestion\nmine\n=======\ntheirs\n>>>>>>> current\n"
    response = client.post(f"/proposals/{proposal.id}/merge", data={"body": text, "base_revision": "1"})
    assert response.status_code == 422 and escaped(text) in text_of(response)


def test_reject_without_a_reason_asks_for_one(client, session, page, resident, official, login, text_of):
    proposal = _propose(session, page, resident)
    login(official)
    response = client.post(f"/proposals/{proposal.id}/reject", data={"reason": ""})
    assert (
        response.status_code == 422 and service.load_proposal(session, official, proposal.id).status == "open"
    )


def test_rejection_reason_is_shown_publicly(client, session, page, resident, official, login, text_of):
    proposal = _propose(session, page, resident)
    login(official)
    client.post(
        f"/proposals/{proposal.id}/reject",
        data={"reason": "Thirty days is the legal maximum.", "confirm": "yes"},
    )
    client.get("/logout")
    assert "Thirty days is the legal maximum." in text_of(client.get(f"/proposals/{proposal.id}"))


def test_residents_see_no_decision_controls(client, session, page, resident, make_user, login, text_of):
    proposal = _propose(session, page, resident)
    login(make_user())
    html = text_of(client.get(f"/proposals/{proposal.id}"))
    assert f"/proposals/{proposal.id}/merge" not in html and f"/proposals/{proposal.id}/reject" not in html


@pytest.mark.parametrize("action", ["merge", "reject", "withdraw"])
def test_another_resident_posting_a_decision_gets_403(
    action, client, session, page, resident, make_user, login
):
    proposal = _propose(session, page, resident)
    login(make_user())
    assert (
        client.post(f"/proposals/{proposal.id}/{action}", data={"reason": "x", "mode": "all"}).status_code
        == 403
    )


def test_author_edits_the_suggestion(client, session, page, resident, login, text_of):
    proposal = _propose(session, page, resident)
    login(resident)
    assert "Longer notice" in text_of(client.get(f"/proposals/{proposal.id}/edit"))
    client.post(
        f"/proposals/{proposal.id}/edit",
        data={"body": BASE.replace("30 days", "90 days"), "summary": "Ninety", "base_revision": "1"},
    )
    session.expire_all()
    assert service.load_proposal(session, resident, proposal.id).summary == "Ninety"


def test_author_withdraws_the_suggestion(client, session, page, resident, login, text_of):
    proposal = _propose(session, page, resident)
    login(resident)
    response = client.post(f"/proposals/{proposal.id}/withdraw", data={"confirm": "yes"})
    assert response.status_code == 302 and "Its author withdrew this suggestion" in text_of(
        client.get(f"/proposals/{proposal.id}")
    )


def test_suggestions_of_a_draft_consultation_are_not_found_for_outsiders(
    client, session, make_page, make_consultation, official, make_user, login
):
    page = make_page(make_consultation(status="draft", edit_policy="suggest"), body=BASE)
    proposal = _propose(session, page, official)
    login(make_user())
    assert client.get(f"/proposals/{proposal.id}").status_code == 404
    assert client.get(f"/pages/{page.slug}/proposals").status_code == 404


def test_rationale_and_reason_are_escaped(client, session, page, resident, official, text_of):
    proposal = _propose(session, page, resident, summary=XSS)
    service.reject_proposal(session, official, proposal, reason=XSS)
    for path in (f"/proposals/{proposal.id}", f"/pages/{page.slug}/proposals"):
        assert XSS not in text_of(client.get(path))


def test_huge_proposal_id_is_not_found(client):
    assert client.get("/proposals/99999999999999999999").status_code == 404


def test_suggestion_page_in_chinese(client, session, page, resident, text_of):
    proposal = _propose(session, page, resident)
    html = text_of(client.get(f"/proposals/{proposal.id}?lang=zh"))
    assert "Why this change" not in html and "What it changes" not in html


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_expired_form_keeps_the_suggestion_text(client, page, resident, login, text_of):
    login(resident)
    response = client.post(
        f"/pages/{page.slug}/proposals/new", data={"body": "My long suggestion.\n", "base_revision": "1"}
    )
    assert response.status_code == 400
    assert "My long suggestion." in text_of(response) and 'name="csrf_token"' in text_of(response)


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_expired_resolve_form_keeps_the_resolved_text(
    client, session, page, resident, official, login, text_of
):
    proposal = _propose(session, page, resident)
    login(official)
    response = client.post(
        f"/proposals/{proposal.id}/merge", data={"body": "Hand-resolved wording.\n", "base_revision": "1"}
    )
    assert response.status_code == 400 and "Hand-resolved wording." in text_of(response)
    assert _head(session, page).number == 1


def test_suggestion_page_shows_the_passages_that_conflict_with_the_current_text(
    client, session, page, resident, official, text_of
):
    proposal = _propose(session, page, resident)
    pages.save_page(session, official, page, body=BASE.replace("30 days", "45 days"), base_revision=1)
    html = text_of(client.get(f"/proposals/{proposal.id}"))
    assert "Conflicting passage 1" in html and "<mark>60</mark>" in html and "<mark>45</mark>" in html


def test_a_3_mb_suggestion_through_the_form_is_refused_with_the_text_kept(
    client, session, page, resident, login, text_of
):
    login(resident)
    mine = "市民建议" * 262_144 + "结尾标记"  # 3 MB of UTF-8, over the 2 MB limit
    response = client.post(
        f"/pages/{page.slug}/proposals/new", **multipart({"body": mine, "base_revision": "1"})
    )
    html = text_of(response)
    assert response.status_code == 413 and "The limit is 2 MB" in html and "结尾标记</textarea>" in html


def test_a_decision_reads_as_one_translated_sentence(client, session, page, resident, official, text_of):
    proposal = _propose(session, page, resident)
    service.merge_proposal(session, official, proposal)
    html = text_of(client.get(f"/proposals/{proposal.id}?lang=zh"))
    assert (
        "将其合并到" in html and "作者" not in html.split('id="decision-heading"')[1].split("</section>")[0]
    )
    assert "Merged into" in text_of(client.get(f"/proposals/{proposal.id}?lang=en"))

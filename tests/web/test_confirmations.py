"""The second step before withdrawing or rejecting a suggestion, closing or withdrawing a
consultation and reverting a page: the first POST changes nothing and asks, with what was typed
kept; the POST with `confirm=yes` acts; a refused action is refused at once, without asking."""

from __future__ import annotations

import pytest

from govwiki.services import pages
from govwiki.services import proposals as service
from tests.web.conftest import XSS, escaped

BASE = "Vendors apply for a permit.\n\nThe notice period is 30 days.\n"
LONGER = BASE.replace("30 days", "60 days")
REASON = "Thirty days is\nthe legal maximum."


@pytest.fixture
def page(make_page, make_consultation):
    return make_page(make_consultation(edit_policy="suggest"), body=BASE)


@pytest.fixture
def proposal(session, page, resident):
    return service.submit_proposal(session, resident, page, body=LONGER, summary="Longer", base_revision=1)


def _status(session, proposal) -> str:
    session.expire_all()
    return service.load_proposal(session, proposal.author, proposal.id).status


def _confirm_button(html: str) -> bool:
    return 'name="confirm" value="yes"' in html and 'class="button button-danger"' in html


def test_withdrawing_asks_first_and_changes_nothing(client, session, proposal, resident, login, text_of):
    login(resident)
    response = client.post(f"/proposals/{proposal.id}/withdraw")
    html = text_of(response)
    assert response.status_code == 200 and "Withdraw your suggestion" in html and _confirm_button(html)
    assert (
        f'action="/proposals/{proposal.id}/withdraw"' in html and f'href="/proposals/{proposal.id}"' in html
    )
    assert _status(session, proposal) == "open"


def test_withdrawing_with_confirm_withdraws(client, session, proposal, resident, login):
    login(resident)
    response = client.post(f"/proposals/{proposal.id}/withdraw", data={"confirm": "yes"})
    assert response.status_code == 302 and _status(session, proposal) == "withdrawn"


def test_someone_else_withdrawing_is_refused_without_asking(client, session, proposal, make_user, login):
    login(make_user())
    assert client.post(f"/proposals/{proposal.id}/withdraw").status_code == 403
    assert _status(session, proposal) == "open"


def test_rejecting_asks_first_with_the_reason_kept_to_edit(
    client, session, proposal, official, login, text_of
):
    login(official)
    response = client.post(f"/proposals/{proposal.id}/reject", data={"reason": REASON})
    html = text_of(response)
    assert response.status_code == 200 and "Reject suggestion" in html and _confirm_button(html)
    assert 'id="reject-reason"' in html
    assert f"{REASON}</textarea>" in html and _status(session, proposal) == "open"


def test_rejecting_with_confirm_rejects_with_the_reason(client, session, proposal, official, login):
    login(official)
    response = client.post(f"/proposals/{proposal.id}/reject", data={"reason": REASON, "confirm": "yes"})
    session.expire_all()
    decided = service.load_proposal(session, official, proposal.id)
    assert response.status_code == 302 and (decided.status, decided.reason) == ("rejected", REASON)


def test_rejecting_without_a_reason_is_refused_at_once(client, session, proposal, official, login):
    login(official)
    assert client.post(f"/proposals/{proposal.id}/reject", data={"reason": "  "}).status_code == 422
    assert _status(session, proposal) == "open"


def test_the_reason_on_the_confirmation_page_is_escaped(client, proposal, official, login, text_of):
    login(official)
    html = text_of(client.post(f"/proposals/{proposal.id}/reject", data={"reason": XSS}))
    assert XSS not in html and escaped(XSS) in html


@pytest.mark.parametrize(
    "target, words",
    [("closed", "Yes, close the consultation"), ("withdrawn", "Yes, withdraw the consultation")],
)
def test_closing_or_withdrawing_a_consultation_asks_first(
    target, words, client, session, make_consultation, official, login, text_of
):
    consultation = make_consultation()
    login(official)
    response = client.post(f"/consultations/{consultation.slug}/status", data={"status": target})
    html = text_of(response)
    assert response.status_code == 200 and words in html and _confirm_button(html)
    assert f'<input type="hidden" name="status" value="{target}">' in html
    session.refresh(consultation)
    assert consultation.status == "open"


@pytest.mark.parametrize("target", ["closed", "withdrawn"])
def test_closing_or_withdrawing_with_confirm_acts(
    target, client, session, make_consultation, official, login
):
    consultation = make_consultation()
    login(official)
    response = client.post(
        f"/consultations/{consultation.slug}/status", data={"status": target, "confirm": "yes"}
    )
    session.refresh(consultation)
    assert response.status_code == 302 and consultation.status == target


def test_opening_a_draft_does_not_ask(client, session, make_consultation, official, login):
    draft = make_consultation(status="draft")
    login(official)
    assert client.post(f"/consultations/{draft.slug}/status", data={"status": "open"}).status_code == 302


def test_a_resident_closing_is_refused_without_asking(client, make_consultation, make_user, login):
    consultation = make_consultation()
    login(make_user())
    assert (
        client.post(f"/consultations/{consultation.slug}/status", data={"status": "closed"}).status_code
        == 403
    )


def _two_revisions(session, make_page, official):
    page = make_page(body="Good text.\n")
    pages.save_page(session, official, page, body="Vandalised.\n", base_revision=1)
    return page


def test_reverting_asks_first_with_the_reason_kept(client, session, make_page, official, login, text_of):
    page = _two_revisions(session, make_page, official)
    login(official)
    response = client.post(
        f"/pages/{page.slug}/revert", data={"to_revision": "1", "summary": "Undo vandalism"}
    )
    html = text_of(response)
    assert response.status_code == 200 and "Yes, revert to revision 1" in html and _confirm_button(html)
    assert '<input type="hidden" name="to_revision" value="1">' in html and 'value="Undo vandalism"' in html
    assert f'href="/pages/{page.slug}/history"' in html
    session.expire_all()
    assert pages.head_revision(session, page).number == 2


def test_reverting_with_confirm_reverts(client, session, make_page, official, login):
    page = _two_revisions(session, make_page, official)
    login(official)
    response = client.post(f"/pages/{page.slug}/revert", data={"to_revision": "1", "confirm": "yes"})
    session.expire_all()
    head = pages.head_revision(session, page)
    assert response.status_code == 302 and (head.number, head.body) == (3, "Good text.\n")


def test_a_resident_reverting_is_refused_without_asking(
    client, session, make_page, official, make_user, login
):
    page = _two_revisions(session, make_page, official)
    login(make_user())
    assert client.post(f"/pages/{page.slug}/revert", data={"to_revision": "1"}).status_code == 403


def test_confirmation_page_is_translated(client, proposal, resident, login, text_of):
    login(resident)
    client.get("/?lang=zh")
    html = text_of(client.post(f"/proposals/{proposal.id}/withdraw", headers={"Accept-Language": "zh-CN"}))
    assert "尚未作出任何更改" in html


# --- what each button looks like: taking something away is red, merging stays blue -------------


def test_reject_is_red_and_merge_stays_primary(client, proposal, official, login, text_of):
    login(official)
    html = text_of(client.get(f"/proposals/{proposal.id}"))
    assert 'class="button button-danger" id="reject-submit"' in html
    assert '<button type="submit" name="mode" value="all" class="button">' in html


def test_withdraw_is_red(client, proposal, resident, login, text_of):
    login(resident)
    assert '<button type="submit" class="button button-danger">Withdraw it</button>' in text_of(
        client.get(f"/proposals/{proposal.id}")
    )


def test_close_and_withdraw_are_red_and_open_is_not(client, make_consultation, official, login, text_of):
    closed = make_consultation(status="closed")
    login(official)
    html = text_of(client.get(f"/consultations/{closed.slug}"))
    assert '<button type="submit" class="button button-danger">Withdraw</button>' in html
    assert '<button type="submit" class="button">Open for contributions</button>' in html
    html = text_of(client.get(f"/consultations/{make_consultation().slug}"))
    assert '<button type="submit" class="button button-danger">Close</button>' in html


def test_revert_buttons_are_red(client, session, make_page, official, login, text_of):
    page = _two_revisions(session, make_page, official)
    login(official)
    assert "button-danger-outline" in text_of(client.get(f"/pages/{page.slug}/history"))
    assert 'class="button button-danger" id="revert-submit"' in text_of(
        client.get(f"/pages/{page.slug}?revision=1")
    )


def test_button_variants_outrank_the_submit_input_rule(app):
    """`input[type=submit]` (0,1,1) beat `.button-danger` (0,1,0): the Reject input was blue."""
    css = app.static_folder + "/css/site.css"
    with open(css, encoding="utf-8") as stylesheet:
        text = stylesheet.read()
    assert ":is(.button, button, input).button-danger {" in text
    assert ":is(.button, button, input).button-secondary {" in text

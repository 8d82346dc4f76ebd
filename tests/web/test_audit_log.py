"""The audit log reads as sentences in the reader's language, with links, not as raw keys."""

from __future__ import annotations

import pytest

from govwiki.services import accounts, consultations, pages, proposals
from tests.web.conftest import XSS, escaped

BASE = "One.\n\nTwo.\n\nThree.\n"


@pytest.fixture
def merged(session, make_consultation, make_page, official, resident):
    """A suggestion with two changes, merged but for the second."""
    consultation = make_consultation(edit_policy="suggest", title="Markets")
    page = make_page(consultation, body=BASE, title="Draft rules")
    proposal = proposals.submit_proposal(
        session, resident, page, body="One!\n\nTwo.\n\nThree!\n", base_revision=1
    )
    proposals.merge_proposal(session, official, proposal, accept=[0])
    return consultation, page, proposal


def _audit(client, consultation, lang="en"):
    return client.get(f"/consultations/{consultation.slug}/audit?lang={lang}").get_data(as_text=True)


def test_a_partial_merge_is_one_sentence_with_links(client, merged, official, login):
    consultation, page, proposal = merged
    login(official)
    html = _audit(client, consultation)
    assert (
        f'merged part of suggestion <a href="/proposals/{proposal.id}">#{proposal.id}</a> into '
        f'“<a href="/pages/{page.slug}">Draft rules</a>” '
        f'(<a href="/pages/{page.slug}/revisions/2">revision 2</a>); declined change 2.'
    ) in html
    assert 'href="/users/olivia-official"' in html
    assert "declined</dt>" not in html and "proposal</dt>" not in html


def test_the_audit_log_speaks_chinese(client, merged, official, login):
    consultation, page, proposal = merged
    login(official)
    html = _audit(client, consultation, "zh")
    assert f'合并到“<a href="/pages/{page.slug}">Draft rules</a>”' in html and "未采纳第 2 处修改" in html
    assert "从 草稿 改为 进行中" in html and "创建了征求意见" in html
    assert "merged part of" not in html and "changed the status" not in html


def test_status_changes_and_members_are_sentences(client, session, merged, official, make_user, login):
    consultation, _page, _proposal = merged
    expert = make_user("resident", "liu", display_name="Liu Yang")
    consultations.add_member(session, official, consultation, expert, "expert")
    consultations.update_consultation(
        session, official, consultation, {"status": "closed", "title": "Markets 2027"}
    )
    login(official)
    html = _audit(client, consultation)
    assert 'changed the status of “<a href="/consultations/' in html and "from Open to Closed." in html
    assert 'made <a class="user" href="/users/liu">Liu Yang</a> an invited expert on' in html
    assert "changed the title of “" in html


def test_rejections_withdrawals_and_reverts_are_sentences(
    client, session, make_consultation, make_page, official, resident, login
):
    consultation = make_consultation(edit_policy="suggest")
    page = make_page(consultation, body=BASE, title="Rules")
    rejected = proposals.submit_proposal(session, resident, page, body="Other.\n", base_revision=1)
    proposals.reject_proposal(session, official, rejected, reason=f"Too costly {XSS}")
    withdrawn = proposals.submit_proposal(session, resident, page, body="Else.\n", base_revision=1)
    proposals.withdraw_proposal(session, resident, withdrawn)
    pages.save_page(session, official, page, body="Changed.\n", base_revision=1)
    pages.revert_page(session, official, page, to_revision=1)
    login(official)
    html = _audit(client, consultation)
    assert f'rejected suggestion <a href="/proposals/{rejected.id}">#{rejected.id}</a> on “' in html
    assert f"Reason: Too costly {escaped(XSS)}" in html and XSS not in html
    assert f'withdrew suggestion <a href="/proposals/{withdrawn.id}">#{withdrawn.id}</a>' in html
    assert (
        f'reverted “<a href="/pages/{page.slug}">Rules</a>” to <a href="/pages/{page.slug}/revisions/1">revision 1</a>, '
        f'as <a href="/pages/{page.slug}/revisions/3">revision 3</a>.'
    ) in html


def test_site_role_changes_read_as_sentences(client, session, make_user, login):
    admin = make_user("admin", "ada")
    accounts.set_role(
        session, admin, make_user("resident", "rosa-r", display_name="Rosa").username, "official"
    )
    login(admin)
    html = client.get("/audit").get_data(as_text=True)
    assert (
        'changed the site role of <a class="user" href="/users/rosa-r">Rosa</a> from resident to official.'
        in html
    )


def test_titles_in_sentences_are_escaped(client, session, make_consultation, official, login):
    consultation = make_consultation(title=XSS)
    login(official)
    html = _audit(client, consultation)
    assert (
        XSS not in html
        and f'created the consultation “<a href="/consultations/{consultation.slug}">{escaped(XSS)}</a>”.'
        in html
    )

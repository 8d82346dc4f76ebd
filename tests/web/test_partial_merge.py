"""Partial merges on the web: one checkbox per sentence, and a suggestion merged in part is
"partly merged" on its page, the page's list, the timeline and the report, in English and Chinese."""

import pytest

from govwiki.services import pages
from govwiki.services import proposals as service

MARKET = "A vendor may run one stall at the night market. Stalls close at 23:00.\n"
MARKETS = "A vendor may run up to two stalls at the night markets. Stalls close at 22:00.\n"


@pytest.fixture
def page(make_page, make_consultation):
    return make_page(
        make_consultation(slug="night", edit_policy="suggest"), body=MARKET, title="Night market"
    )


@pytest.fixture
def proposal(session, page, resident):
    return service.submit_proposal(session, resident, page, body=MARKETS, base_revision=1)


@pytest.fixture
def partly_merged(session, page, proposal, official):
    service.merge_proposal(session, official, proposal, accept=[1])
    return proposal


def test_review_offers_one_checkbox_per_sentence_with_all_its_edits(
    client, proposal, official, login, text_of
):
    login(official)
    html = text_of(client.get(f"/proposals/{proposal.id}"))
    assert html.count('type="checkbox" name="accept"') == 2
    first = html[html.index('id="accept-0"') : html.index('id="accept-1"')]
    assert "<ins>markets</ins>" in first and " at the night " in first and "<ins>22</ins>" not in first


def test_ticking_the_sentence_merges_all_its_words(client, session, page, proposal, official, login):
    login(official)
    response = client.post(f"/proposals/{proposal.id}/merge", data={"mode": "selected", "accept": ["0"]})
    assert response.status_code == 302
    session.expire_all()
    assert pages.head_revision(session, page).body == MARKETS.replace("22:00", "23:00")


@pytest.mark.parametrize("lang, words", [("en", "Partly merged"), ("zh", "部分合并")])
def test_suggestion_page_and_list_show_the_partly_merged_badge(
    client, page, partly_merged, lang, words, text_of
):
    for url in (f"/proposals/{partly_merged.id}", f"/pages/{page.slug}/proposals"):
        html = text_of(client.get(f"{url}?lang={lang}"))
        assert f'<span class="badge badge-proposal-merged badge-proposal-partial">{words}</span>' in html


@pytest.mark.parametrize(
    "lang, words, entry", [("en", "Partly merged", "partly merged"), ("zh", "部分合并", "部分合并")]
)
def test_timeline_shows_the_suggestion_partly_merged(client, partly_merged, lang, words, entry, text_of):
    html = text_of(client.get(f"/consultations/night/history?lang={lang}"))
    assert f'badge-proposal-partial">{words}</span>' in html
    submitted = html[html.index('timeline-proposal"') :]
    assert f"· {entry}</p>" in submitted[: submitted.index("</li>")]


@pytest.mark.parametrize("lang, words", [("en", "Partly merged"), ("zh", "部分合并")])
def test_report_shows_the_suggestion_partly_merged(client, partly_merged, lang, words, text_of):
    html = text_of(client.get(f"/consultations/night/report?lang={lang}"))
    assert words in html[html.index("outcome-merged") :]
    assert "at the night market" in html  # the declined sentence, kept in the record

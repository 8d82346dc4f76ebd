"""Merging some of a proposal's changes: a change is a whole sentence's edits, accepted or
declined together, and the audit log names the declined changes by number."""

import pytest
from sqlalchemy import select

from govwiki.models import AuditEvent
from govwiki.services import proposal_review as reviews
from govwiki.services import proposals as service

BASE = "Vendors apply for a permit.\n\nThe notice period is 30 days.\n\nStalls close at 23:00.\n"
ONE_SENTENCE = BASE.replace("for a permit", "for two permits").replace("Vendors", "All vendors")


@pytest.fixture
def page(make_page, make_consultation):
    return make_page(make_consultation(edit_policy="suggest"), body=BASE)


@pytest.fixture
def resident(make_user):
    return make_user("resident", "rosa")


@pytest.fixture
def proposal(session, page, resident):
    return service.submit_proposal(
        session, resident, page, body=ONE_SENTENCE.replace("23:00", "21:00"), base_revision=1
    )


def test_review_numbers_one_change_per_sentence(session, proposal):
    changes = reviews.review_proposal(session, proposal).changes
    assert [(c.index, c.base) for c in changes] == [(0, "Vendors apply for a permit"), (1, "23")]
    assert len(changes[0].hunks) > 1  # "Vendors" and "a permit" are edited apart


def test_declining_a_sentence_declines_all_its_edits(session, proposal, official):
    outcome = service.merge_proposal(session, official, proposal, accept=[1])
    assert outcome.revision.body == BASE.replace("23:00", "21:00") and outcome.partial
    assert (proposal.status, proposal.partial) == ("merged", True)
    assert [(d["index"], d["base"], d["text"]) for d in proposal.declined] == [
        (0, "Vendors apply for a permit", "All vendors apply for two permits")
    ]
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "proposal_partly_merged")).one()
    assert event.details["declined"] == [0]


def test_accepting_the_sentence_takes_all_its_edits(session, proposal, official):
    outcome = service.merge_proposal(session, official, proposal, accept=[0])
    assert outcome.revision.body == ONE_SENTENCE and proposal.declined == [
        {"index": 1, "start": BASE.index("23"), "end": BASE.index("23") + 2, "base": "23", "text": "21"}
    ]

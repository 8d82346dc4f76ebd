"""A stranger's page facts, read without ORM objects (services/shown_pages.py), are the facts
the page's objects give and are found exactly when the policy lets a stranger read the page."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import update

from govwiki.core.policy import EDIT_POLICIES, STATUSES, VISIBILITIES
from govwiki.models import Consultation
from govwiki.services import clock, proposals, shown_pages
from govwiki.services.access import load_page
from govwiki.services.errors import NotFound
from govwiki.services.shown_pages import PageFacts


def _without_now(facts: PageFacts) -> tuple:
    situation = facts.situation
    return (*facts[:-1], situation.status, situation.edit_policy, situation.visibility, situation.closes_at)


@pytest.mark.parametrize("deadline", [None, timedelta(days=-1), timedelta(days=1)])
def test_a_stranger_finds_the_page_exactly_where_the_policy_lets_them_read(session, make_page, deadline):
    page = make_page()
    closes_at = None if deadline is None else clock.now() + deadline
    for status, visibility, policy in itertools.product(STATUSES, VISIBILITIES, EDIT_POLICIES):
        session.execute(
            update(Consultation)
            .where(Consultation.id == page.consultation_id)
            .values(status=status, visibility=visibility, edit_policy=policy, closes_at=closes_at)
        )
        session.expire_all()
        found = shown_pages.for_stranger(session, page.slug)
        try:
            loaded = load_page(session, None, page.slug)
        except NotFound:
            assert found is None, (status, visibility, policy)
            continue
        assert found is not None, (status, visibility, policy)
        assert _without_now(found.facts) == _without_now(PageFacts.of(loaded))
        assert found.facts.situation.accepting == PageFacts.of(loaded).situation.accepting


def test_a_stranger_sees_the_open_suggestions_counted(session, make_page, make_user):
    page = make_page(body="Some text.\n")
    assert shown_pages.for_stranger(session, page.slug).open_count == 0
    proposals.submit_proposal(
        session, make_user(), page, body="Other text.\n", base_revision=1, summary="why"
    )
    assert shown_pages.for_stranger(session, page.slug).open_count == 1


def test_no_such_page_gives_no_facts(session):
    assert shown_pages.for_stranger(session, "no-such-page") is None

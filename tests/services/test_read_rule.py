"""One rule for who may read: the SQL filter that lists, searches and exports use selects
exactly the consultations the policy's `decide(..., Action.READ, ...)` lets each person read.

The table is every site role (signed out, resident, official, admin) × role in the consultation
(none, official, expert) × every fact the policy reads (status, visibility, edit policy,
deadline), each a real row in the database.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import select

from govwiki.core.policy import (
    EDIT_POLICIES,
    MEMBER_ROLES,
    SITE_ROLES,
    STATUSES,
    VISIBILITIES,
    Action,
    Situation,
    decide,
)
from govwiki.models import Consultation, Membership
from govwiki.services import clock
from govwiki.services.access import readable_filter

DEADLINES = ("none", "passed", "ahead")


def _closes_at(deadline: str):
    offsets = {"none": None, "passed": timedelta(days=-1), "ahead": timedelta(days=1)}
    offset = offsets[deadline]
    return None if offset is None else clock.now() + offset


@pytest.fixture
def table(session, make_user):
    """Readers of each site role, and one consultation per combination of facts, in which every
    reader holds the same role (or none)."""
    owner = make_user("official", "table-owner")
    readers = {role: make_user(role, f"reader-{role}") for role in SITE_ROLES}
    facts = {}
    combinations = itertools.product(STATUSES, VISIBILITIES, EDIT_POLICIES, DEADLINES, (None, *MEMBER_ROLES))
    for number, (status, visibility, policy, deadline, member) in enumerate(combinations):
        consultation = Consultation(
            slug=f"c{number}",
            title=f"C{number}",
            status=status,
            visibility=visibility,
            edit_policy=policy,
            closes_at=_closes_at(deadline),
            created_by_id=owner.id,
        )
        session.add(consultation)
        session.flush()
        if member is not None:
            session.add_all(
                Membership(consultation_id=consultation.id, user_id=reader.id, role=member)
                for reader in readers.values()
            )
        facts[consultation.id] = (status, visibility, policy, consultation.closes_at, member)
    session.commit()
    return readers, facts


@pytest.mark.parametrize("site_role", [None, *SITE_ROLES], ids=lambda r: r or "signed-out")
def test_the_sql_read_filter_selects_what_the_policy_lets_read(site_role, session, table):
    readers, facts = table
    reader = readers.get(site_role)
    now = clock.now()

    def allowed(status, visibility, policy, closes_at, member) -> bool:
        role_here = member if reader is not None else None  # a signed-out visitor belongs nowhere
        situation = Situation(status, policy, visibility, closes_at, now)
        return bool(decide(site_role, role_here, Action.READ, situation))

    by_policy = {cid for cid, row in facts.items() if allowed(*row)}
    by_sql = set(session.scalars(select(Consultation.id).where(readable_filter(reader))))
    assert by_policy, "the table should hold something this reader may read"
    assert sorted(str(facts[c]) for c in by_sql - by_policy) == [], "the SQL filter shows too much"
    assert sorted(str(facts[c]) for c in by_policy - by_sql) == [], "the SQL filter hides too much"

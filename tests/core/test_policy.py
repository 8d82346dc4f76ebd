"""The permission policy as a table: (site role, role here) × action × state."""

from datetime import datetime, timedelta, timezone

import pytest

from govwiki.core.policy import (
    Action,
    Situation,
    audit_decision,
    decide,
    may_change_own,
    may_read,
    may_transition,
)

NOW = datetime(2026, 11, 22, 12, tzinfo=timezone.utc)
ANON, RESIDENT, MEMBER_OFFICIAL, OTHER_OFFICIAL, ADMIN, EXPERT = (
    (None, None),
    ("resident", None),
    ("official", "official"),
    ("official", None),
    ("admin", None),
    ("resident", "expert"),
)


def situation(status="open", policy="edit", visibility="public", closes_in=timedelta(days=1)):
    closes_at = NOW + closes_in if closes_in is not None else None
    return Situation(status, policy, visibility, closes_at, NOW)


def verdict(who, action, s):
    return decide(who[0], who[1], action, s).reason or "ok"


@pytest.mark.parametrize(
    "who, expected",
    [
        (ANON, "not_found"),
        (RESIDENT, "not_found"),
        (OTHER_OFFICIAL, "not_found"),
        (MEMBER_OFFICIAL, "ok"),
        (ADMIN, "ok"),
        (EXPERT, "ok"),
    ],
)
def test_drafts_are_read_by_insiders_only(who, expected):
    assert verdict(who, Action.READ, situation("draft")) == expected


@pytest.mark.parametrize("who", [ANON, RESIDENT, OTHER_OFFICIAL])
def test_invited_consultations_are_invisible_to_outsiders(who):
    assert verdict(who, Action.READ, situation(visibility="invited")) == "not_found"


@pytest.mark.parametrize(
    "policy, expected", [("edit", "ok"), ("suggest", "forbidden"), ("comment", "forbidden")]
)
def test_residents_edit_only_under_the_edit_policy(policy, expected):
    assert verdict(RESIDENT, Action.EDIT, situation(policy=policy)) == expected


@pytest.mark.parametrize("status", ["closed", "adopted", "withdrawn"])
def test_residents_cannot_edit_once_not_open(status):
    assert verdict(RESIDENT, Action.EDIT, situation(status)) == "consultation_closed"


def test_deadline_closes_the_consultation_to_residents():
    assert verdict(RESIDENT, Action.EDIT, situation(closes_in=timedelta(seconds=-1))) == "consultation_closed"


def test_deadline_exactly_now_is_closed():
    assert verdict(RESIDENT, Action.PROPOSE, situation(closes_in=timedelta(0))) == "consultation_closed"


def test_anonymous_writes_are_unauthenticated():
    assert verdict(ANON, Action.EDIT, situation()) == "unauthenticated"


@pytest.mark.parametrize(
    "status, expected",
    [
        ("draft", "ok"),
        ("open", "ok"),
        ("closed", "ok"),
        ("adopted", "consultation_closed"),
        ("withdrawn", "consultation_closed"),
    ],
)
def test_officials_edit_until_adoption(status, expected):
    assert verdict(MEMBER_OFFICIAL, Action.EDIT, situation(status)) == expected


def test_official_of_another_consultation_is_a_resident_here():
    assert verdict(OTHER_OFFICIAL, Action.MANAGE, situation()) == "forbidden"
    assert verdict(OTHER_OFFICIAL, Action.EDIT, situation(policy="suggest")) == "forbidden"


@pytest.mark.parametrize("action", [Action.MERGE, Action.REJECT, Action.MANAGE])
def test_experts_do_not_decide(action):
    assert verdict(EXPERT, action, situation()) == "forbidden"


@pytest.mark.parametrize("action", [Action.EDIT, Action.REVERT, Action.CREATE_PAGE])
def test_experts_coauthor_while_open(action):
    assert verdict(EXPERT, action, situation(policy="comment")) == "ok"
    assert verdict(EXPERT, action, situation("closed")) == "consultation_closed"


@pytest.mark.parametrize("action", list(Action))
def test_admin_may_do_everything_an_official_may(action):
    assert verdict(ADMIN, action, situation()) == verdict(MEMBER_OFFICIAL, action, situation())


@pytest.mark.parametrize(
    "current, target, allowed",
    [
        ("draft", "open", True),
        ("open", "closed", True),
        ("closed", "adopted", True),
        ("open", "adopted", False),
        ("adopted", "open", False),
        ("withdrawn", "open", False),
        ("draft", "withdrawn", True),
        ("adopted", "withdrawn", True),
        ("draft", "closed", False),
    ],
)
def test_lifecycle_transitions(current, target, allowed):
    assert may_transition(current, target) is allowed


# --- the audit log and one's own proposals: decided here too, not in the services --------------

SITE_AUDIT = [
    (ANON, "unauthenticated"),
    (RESIDENT, "forbidden"),
    (EXPERT, "forbidden"),
    (OTHER_OFFICIAL, "ok"),
    (ADMIN, "ok"),
]


@pytest.mark.parametrize("who, expected", SITE_AUDIT)
def test_the_site_audit_log_is_for_site_officials_and_admins(who, expected):
    assert (audit_decision(who[0]).reason or "ok") == expected


@pytest.mark.parametrize(
    "who, expected",
    [
        (ANON, "unauthenticated"),
        (RESIDENT, "forbidden"),
        (EXPERT, "forbidden"),
        (OTHER_OFFICIAL, "ok"),
        (MEMBER_OFFICIAL, "ok"),
        (ADMIN, "ok"),
    ],
)
def test_a_public_consultations_audit_log_is_for_officials(who, expected):
    assert (audit_decision(who[0], who[1], situation()).reason or "ok") == expected


@pytest.mark.parametrize(
    "who, expected",
    [
        (ANON, "not_found"),
        (RESIDENT, "not_found"),
        (OTHER_OFFICIAL, "not_found"),
        (EXPERT, "forbidden"),
        (MEMBER_OFFICIAL, "ok"),
        (ADMIN, "ok"),
    ],
)
def test_an_unreadable_consultations_audit_log_is_not_found(who, expected):
    assert (audit_decision(who[0], who[1], situation("draft")).reason or "ok") == expected


@pytest.mark.parametrize(
    "site_role, is_author, expected",
    [
        (None, False, "unauthenticated"),
        ("resident", False, "forbidden"),
        ("admin", False, "forbidden"),
        ("resident", True, "ok"),
        ("official", True, "ok"),
    ],
)
def test_only_the_author_changes_or_withdraws_a_proposal(site_role, is_author, expected):
    assert (may_change_own(site_role, is_author).reason or "ok") == expected


@pytest.mark.parametrize("status", ["draft", "open", "closed", "adopted", "withdrawn"])
@pytest.mark.parametrize("visibility", ["public", "invited"])
@pytest.mark.parametrize("who", [ANON, RESIDENT, MEMBER_OFFICIAL, OTHER_OFFICIAL, ADMIN, EXPERT])
def test_reading_is_the_one_read_rule(who, status, visibility):
    allowed = bool(decide(who[0], who[1], Action.READ, situation(status, visibility=visibility)))
    assert allowed is may_read(who[0], who[1], status, visibility)


# --- the discussion: comment, support, flag, answer, moderate, as one table ---------------------

#: the states in the order of each row below; past_deadline is open with its deadline passed
DISCUSSION_STATES = ("draft", "open", "past_deadline", "closed", "adopted", "withdrawn")
OK, HIDDEN, SIGN_IN, NO, SHUT = "ok", "not_found", "unauthenticated", "forbidden", "consultation_closed"
_ALL_OK = (OK,) * 6
_OUTSIDER_READ = (HIDDEN, OK, OK, OK, OK, OK)
_ANONYMOUS = (HIDDEN, SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN)
_PUBLIC_WINDOW = (HIDDEN, OK, SHUT, SHUT, SHUT, SHUT)
_INSIDER_WINDOW = (OK, OK, SHUT, SHUT, SHUT, SHUT)
_OUTSIDER_NEVER = (HIDDEN, NO, NO, NO, NO, NO)
_INSIDER_NEVER = (NO,) * 6

#: (who, action) → the answer in each state of a public consultation, under every edit policy
DISCUSSION = {
    ("anonymous", Action.COMMENT): _ANONYMOUS,
    ("anonymous", Action.SUPPORT): _ANONYMOUS,
    ("anonymous", Action.FLAG): _ANONYMOUS,
    ("anonymous", Action.ANSWER): _ANONYMOUS,
    ("anonymous", Action.MODERATE): _ANONYMOUS,
    ("resident", Action.COMMENT): _PUBLIC_WINDOW,
    ("resident", Action.SUPPORT): _PUBLIC_WINDOW,
    ("resident", Action.FLAG): _OUTSIDER_READ,  # abuse is reported even after closing
    ("resident", Action.ANSWER): _OUTSIDER_NEVER,
    ("resident", Action.MODERATE): _OUTSIDER_NEVER,
    ("other_official", Action.COMMENT): _PUBLIC_WINDOW,
    ("other_official", Action.SUPPORT): _PUBLIC_WINDOW,
    ("other_official", Action.FLAG): _OUTSIDER_READ,
    ("other_official", Action.ANSWER): _OUTSIDER_NEVER,
    ("other_official", Action.MODERATE): _OUTSIDER_NEVER,
    ("expert", Action.COMMENT): _INSIDER_WINDOW,
    ("expert", Action.SUPPORT): _INSIDER_WINDOW,
    ("expert", Action.FLAG): _ALL_OK,
    ("expert", Action.ANSWER): _INSIDER_NEVER,
    ("expert", Action.MODERATE): _INSIDER_NEVER,
    ("official", Action.COMMENT): _INSIDER_WINDOW,
    ("official", Action.SUPPORT): _INSIDER_WINDOW,
    ("official", Action.FLAG): _ALL_OK,
    ("official", Action.ANSWER): _ALL_OK,  # answering a closed consultation's comments is "we did"
    ("official", Action.MODERATE): _ALL_OK,
    ("admin", Action.COMMENT): _INSIDER_WINDOW,
    ("admin", Action.SUPPORT): _INSIDER_WINDOW,
    ("admin", Action.FLAG): _ALL_OK,
    ("admin", Action.ANSWER): _ALL_OK,
    ("admin", Action.MODERATE): _ALL_OK,
}
WHO = {
    "anonymous": ANON,
    "resident": RESIDENT,
    "other_official": OTHER_OFFICIAL,
    "expert": EXPERT,
    "official": MEMBER_OFFICIAL,
    "admin": ADMIN,
}


def _discussion_situation(state: str, policy: str, visibility: str) -> Situation:
    if state == "past_deadline":
        return situation("open", policy, visibility, closes_in=timedelta(seconds=-1))
    return situation(state, policy, visibility)


@pytest.mark.parametrize("visibility", ["public", "invited"])
@pytest.mark.parametrize("policy", ["comment", "suggest", "edit"])
@pytest.mark.parametrize("state", DISCUSSION_STATES)
@pytest.mark.parametrize("who, action", sorted(DISCUSSION, key=lambda key: (key[0], key[1].value)))
def test_the_discussion_follows_its_table(who, action, state, policy, visibility):
    outsider = who in ("anonymous", "resident", "other_official")
    row = (HIDDEN,) * 6 if visibility == "invited" and outsider else DISCUSSION[who, action]
    expected = row[DISCUSSION_STATES.index(state)]
    assert verdict(WHO[who], action, _discussion_situation(state, policy, visibility)) == expected

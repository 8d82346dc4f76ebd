"""The one permission policy: may this person do this action on this consultation now?

Every channel (web pages, the JSON API, the CLI, search, exports) asks `decide`. It works on
plain facts (site role, role in the consultation, the consultation's status, edit policy,
visibility and deadline, the clock), so it can be tested as a table without a database.

The answer carries the reason for a refusal because the reason picks the error people see:
what a caller may not read is `not_found` (private means invisible), a write without
credentials is `unauthenticated`, a write the consultation does not accept now is
`consultation_closed`, anything else is `forbidden`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

SITE_ROLES = ("resident", "official", "admin")
MEMBER_ROLES = ("official", "expert")
STATUSES = ("draft", "open", "closed", "adopted", "withdrawn")
EDIT_POLICIES = ("comment", "suggest", "edit")
VISIBILITIES = ("public", "invited")

#: The read rule, stated once as facts: `may_read` applies it in Python and
#: `services/access.readable_filter` turns the same facts into SQL (a table test pins the two).
#: Site roles that read every consultation:
READ_ALL_SITE_ROLES = ("admin",)
#: roles in a consultation that let its members read it in every state:
READ_MEMBER_ROLES = MEMBER_ROLES
#: everyone else reads a consultation in one of these states and visibilities:
PUBLIC_STATUSES = tuple(status for status in STATUSES if status != "draft")
PUBLIC_VISIBILITIES = ("public",)

#: site roles that read the site-wide audit log
AUDIT_SITE_ROLES = ("official", "admin")

#: the lifecycle: which status may follow which (withdrawn is reachable from every other state)
TRANSITIONS = {
    "draft": ("open", "withdrawn"),
    "open": ("closed", "withdrawn"),
    "closed": ("adopted", "open", "withdrawn"),
    "adopted": ("withdrawn",),
    "withdrawn": (),
}


class Action(str, Enum):
    READ = "read"
    CREATE_PAGE = "create_page"
    EDIT = "edit"
    REVERT = "revert"
    PROPOSE = "propose"
    COMMENT = "comment"
    SUPPORT = "support"  # "+1" a comment
    FLAG = "flag"  # report a comment to the moderators
    ANSWER = "answer"  # reply as the consultation, mark comments answered
    MODERATE = "moderate"  # hide comments, dismiss flags
    MERGE = "merge"
    REJECT = "reject"
    MANAGE = "manage"  # change title, summary, edit policy, deadline, status
    INVITE = "invite"  # invite experts (while the text can still change)


@dataclass(frozen=True)
class Situation:
    """What the policy needs to know about one consultation at one moment."""

    status: str
    edit_policy: str
    visibility: str
    closes_at: datetime | None
    now: datetime

    @property
    def accepting(self) -> bool:
        """True while the public may contribute: open and before the deadline."""
        return self.status == "open" and (self.closes_at is None or self.now < self.closes_at)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""  # "", "not_found", "unauthenticated", "forbidden", "consultation_closed"

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True)
NOT_FOUND = Decision(False, "not_found")
UNAUTHENTICATED = Decision(False, "unauthenticated")
FORBIDDEN = Decision(False, "forbidden")
CLOSED = Decision(False, "consultation_closed")

#: states in which the text can still change through each group's own hands
OFFICIAL_WRITE_STATES = ("draft", "open", "closed")
EXPERT_WRITE_STATES = ("draft", "open")


def can_create_consultation(site_role: str | None) -> Decision:
    """Officials and admins open consultations."""
    if site_role is None:
        return UNAUTHENTICATED
    return ALLOW if site_role in ("official", "admin") else FORBIDDEN


def may_assign_roles(site_role: str | None) -> bool:
    """Only admins change site roles."""
    return site_role == "admin"


def may_suspend(site_role: str | None) -> bool:
    """Only admins suspend accounts and lift suspensions."""
    return site_role == "admin"


def decide(site_role: str | None, member_role: str | None, action: Action, s: Situation) -> Decision:
    """Decide whether someone may do `action`; `site_role` None means signed out."""
    official = site_role == "admin" or member_role == "official"
    expert = member_role == "expert"
    if not may_read(site_role, member_role, s.status, s.visibility):
        return NOT_FOUND
    if action is Action.READ:
        return ALLOW
    if site_role is None:
        return UNAUTHENTICATED
    if official:
        return _official(action, s)
    if expert:
        return _expert(action, s)
    return _public(action, s)


def may_read(site_role: str | None, member_role: str | None, status: str, visibility: str) -> bool:
    """The read rule: insiders read everything of theirs, everyone reads what is public."""
    if site_role in READ_ALL_SITE_ROLES or member_role in READ_MEMBER_ROLES:
        return True
    return status in PUBLIC_STATUSES and visibility in PUBLIC_VISIBILITIES


#: open to every reader who is signed in, in every state: abuse is reported even after closing
ANYTIME_ACTIONS = (Action.FLAG,)
#: the consultation answers and keeps order in its discussion in every state (answers to a
#: closed consultation's comments are how "we did" gets written)
OFFICIAL_ANYTIME_ACTIONS = (Action.MANAGE, Action.ANSWER, Action.MODERATE)
#: taking part in the discussion: only while the public may contribute (or in a draft, for insiders)
DISCUSSION_ACTIONS = (Action.PROPOSE, Action.COMMENT, Action.SUPPORT)


def _official(action: Action, s: Situation) -> Decision:
    if action in OFFICIAL_ANYTIME_ACTIONS or action in ANYTIME_ACTIONS:
        return ALLOW
    if action in DISCUSSION_ACTIONS:
        return _public_window(s)
    return ALLOW if s.status in OFFICIAL_WRITE_STATES else CLOSED


def _expert(action: Action, s: Situation) -> Decision:
    if action in ANYTIME_ACTIONS:
        return ALLOW
    if action in (Action.MERGE, Action.REJECT, Action.INVITE) or action in OFFICIAL_ANYTIME_ACTIONS:
        return FORBIDDEN
    if action in DISCUSSION_ACTIONS:
        return _public_window(s)
    if s.status == "draft" or s.accepting:
        return ALLOW
    return CLOSED


def _public(action: Action, s: Situation) -> Decision:
    if action in ANYTIME_ACTIONS:
        return ALLOW
    if action in (Action.COMMENT, Action.SUPPORT):
        return _public_window(s)
    if action is Action.PROPOSE:
        return _public_window(s) if s.edit_policy in ("suggest", "edit") else FORBIDDEN
    if action is Action.EDIT:
        return _public_window(s) if s.edit_policy == "edit" else FORBIDDEN
    return FORBIDDEN


def _public_window(s: Situation) -> Decision:
    """Contributions from the public are welcome only while the consultation accepts them."""
    if s.status == "draft":
        return ALLOW  # only insiders see a draft; let them try out comments and proposals
    return ALLOW if s.accepting else CLOSED


def audit_decision(
    site_role: str | None, member_role: str | None = None, s: Situation | None = None
) -> Decision:
    """May someone read the audit log: of one consultation (`s` given), or of the whole site?

    The site log is for site officials and admins; it shows them only events of consultations
    they may read. A consultation's log is for those who manage it, and for site officials who
    may read the consultation (they see its events in the site log anyway). Private stays
    invisible: a consultation the reader may not read is not found.
    """
    if s is not None:
        if not may_read(site_role, member_role, s.status, s.visibility):
            return NOT_FOUND
        if decide(site_role, member_role, Action.MANAGE, s):
            return ALLOW
    if site_role is None:
        return UNAUTHENTICATED
    return ALLOW if site_role in AUDIT_SITE_ROLES else FORBIDDEN


def may_change_own(site_role: str | None, is_author: bool) -> Decision:
    """Only its author rewrites or withdraws a proposal; officials decide on it instead."""
    if site_role is None:
        return UNAUTHENTICATED
    return ALLOW if is_author else FORBIDDEN


def may_transition(current: str, target: str) -> bool:
    """Whether the lifecycle allows moving from `current` to `target`."""
    return target in TRANSITIONS.get(current, ())

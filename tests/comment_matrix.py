"""The comment actions' part of the permission matrix: who (role) × which comment action × when
(state) × visibility × edit policy, the answers typed by hand from the rules, and the worlds.

Rules (the issue, items 1, 3 and 5; shared/API.md, Comments): comments, replies and supports are
welcome while the consultation is open and before its deadline, under every edit policy; in a
draft only from its officials and experts; afterwards 403 `consultation_closed`. Only its author
edits a comment (within the same window) or deletes it (their own words: in every state they can
read). Earlier versions are for the consultation's officials. An invited consultation is a 404 to
everyone outside it, as every private thing is. An admin may do what the consultation's officials
may; an official of another consultation is a resident here.

A world is a consultation in one state, visibility and edit policy with a page, one comment by
every signed-in role, two by a separate commenter (one to reply to, edit, delete and support;
one that everyone already supports, to take the support back). The comments are stored directly
(a resident's comment in a draft or an invited consultation cannot be posted through the
services, and what is tested here is what people may do to them, not how they came to be).
"""

from __future__ import annotations

import os

from dataclasses import dataclass, replace
from datetime import timedelta
from itertools import product

import pytest
from sqlalchemy import func, select, update

from govwiki.models import Comment, CommentSupport, Page
from govwiki.services import clock, consultations, pages
from tests.matrix import (
    BODY_1,
    HIDDEN,
    LATER_STEPS,
    NO,
    OK,
    SHUT,
    SIGN_IN,
    STATES,
    Person,
    _user,
    rolled_back,
)

ACTIONS = (
    "read_comments",
    "post",
    "reply",
    "post_on_paragraph",
    "edit_own",
    "edit_other",
    "delete_own",
    "delete_other",
    "support",
    "unsupport",
    "read_versions",
)
ROLES = ("anonymous", "resident", "official", "other_official", "admin", "expert")
VISIBILITIES = ("public", "invited")
POLICIES = ("comment", "suggest", "edit")
#: the roles that comment in every world (the anonymous visitor cannot)
COMMENTERS = ("resident", "official", "other_official", "admin", "expert")

POSTED = "Thirty days is too short for a permit."
EDITED_COMMENT = "Forty-five days would be fairer."

# --- what should happen -------------------------------------------------------------------------
# Each row gives the answer in each state, in the order of STATES:
#     draft, open, past_deadline, closed, adopted, withdrawn

_EVERY_STATE = (OK,) * 6
_OUTSIDER_READ = (HIDDEN, OK, OK, OK, OK, OK)
_ANONYMOUS = (HIDDEN, SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN)
#: residents discuss while the consultation is open and before its deadline
_PUBLIC_WINDOW = (HIDDEN, OK, SHUT, SHUT, SHUT, SHUT)
#: insiders also try the discussion out in a draft
_INSIDER_WINDOW = (OK, OK, SHUT, SHUT, SHUT, SHUT)
#: someone else's comment is never yours to change, whatever the state
_OUTSIDER_NEVER = (HIDDEN, NO, NO, NO, NO, NO)
_INSIDER_NEVER = (NO,) * 6
#: what an invited consultation answers to everyone outside it
_INVISIBLE = (HIDDEN,) * 6

#: (role, action) → the answers in a public consultation, under every edit policy
EXPECTED = {
    ("anonymous", "read_comments"): _OUTSIDER_READ,
    ("anonymous", "post"): _ANONYMOUS,
    ("anonymous", "reply"): _ANONYMOUS,
    ("anonymous", "post_on_paragraph"): _ANONYMOUS,
    ("anonymous", "edit_own"): _ANONYMOUS,  # nothing is theirs: it is the commenter's comment
    ("anonymous", "edit_other"): _ANONYMOUS,
    ("anonymous", "delete_own"): _ANONYMOUS,
    ("anonymous", "delete_other"): _ANONYMOUS,
    ("anonymous", "support"): _ANONYMOUS,
    ("anonymous", "unsupport"): _ANONYMOUS,
    ("anonymous", "read_versions"): _ANONYMOUS,
    ("resident", "read_comments"): _OUTSIDER_READ,
    ("resident", "post"): _PUBLIC_WINDOW,
    ("resident", "reply"): _PUBLIC_WINDOW,
    ("resident", "post_on_paragraph"): _PUBLIC_WINDOW,
    ("resident", "edit_own"): _PUBLIC_WINDOW,
    ("resident", "edit_other"): _OUTSIDER_NEVER,
    ("resident", "delete_own"): _OUTSIDER_READ,
    ("resident", "delete_other"): _OUTSIDER_NEVER,
    ("resident", "support"): _PUBLIC_WINDOW,
    ("resident", "unsupport"): _PUBLIC_WINDOW,
    ("resident", "read_versions"): _OUTSIDER_NEVER,
    ("expert", "read_comments"): _EVERY_STATE,
    ("expert", "post"): _INSIDER_WINDOW,
    ("expert", "reply"): _INSIDER_WINDOW,
    ("expert", "post_on_paragraph"): _INSIDER_WINDOW,
    ("expert", "edit_own"): _INSIDER_WINDOW,
    ("expert", "edit_other"): _INSIDER_NEVER,
    ("expert", "delete_own"): _EVERY_STATE,
    ("expert", "delete_other"): _INSIDER_NEVER,
    ("expert", "support"): _INSIDER_WINDOW,
    ("expert", "unsupport"): _INSIDER_WINDOW,
    ("expert", "read_versions"): _INSIDER_NEVER,
    ("official", "read_comments"): _EVERY_STATE,
    ("official", "post"): _INSIDER_WINDOW,
    ("official", "reply"): _INSIDER_WINDOW,
    ("official", "post_on_paragraph"): _INSIDER_WINDOW,
    ("official", "edit_own"): _INSIDER_WINDOW,
    ("official", "edit_other"): _INSIDER_NEVER,  # moderators hide; they never rewrite
    ("official", "delete_own"): _EVERY_STATE,
    ("official", "delete_other"): _INSIDER_NEVER,
    ("official", "support"): _INSIDER_WINDOW,
    ("official", "unsupport"): _INSIDER_WINDOW,
    ("official", "read_versions"): _EVERY_STATE,
}
for _action in ACTIONS:
    EXPECTED["admin", _action] = EXPECTED["official", _action]
    EXPECTED["other_official", _action] = EXPECTED["resident", _action]

#: the roles outside an invited consultation
OUTSIDERS = ("anonymous", "resident", "other_official")


def expected(role: str, action: str, state: str, policy: str, visibility: str) -> str:
    """The answer the table gives; the edit policy changes nothing for comments."""
    row = _INVISIBLE if visibility == "invited" and role in OUTSIDERS else EXPECTED[role, action]
    return row[STATES.index(state)]


def tested_policies() -> tuple[str, ...]:
    """Every edit policy on SQLite; on PostgreSQL only `comment`. The answers are the policy's and
    the service's, the same under every edit policy (the table has no policy column), so the
    second database checks that the writes and refusals behave there without tripling its run."""
    return POLICIES[:1] if os.environ.get("GOVWIKI_TEST_POSTGRES") else POLICIES


def cases() -> list[tuple[str, str, str, str, str]]:
    return list(product(ROLES, ACTIONS, STATES, tested_policies(), VISIBILITIES))


def params() -> list:
    return [pytest.param(*case, id="-".join(case)) for case in cases()]


# --- the worlds ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommentWorld:
    state: str
    policy: str
    visibility: str
    consultation: str
    page: str
    #: each signed-in role's own comment, as (role, comment id)
    own: tuple[tuple[str, int], ...]
    #: the commenter's comment that people reply to, edit, delete and support
    target: int
    #: the commenter's comment that every signed-in role supports already
    supported: int

    def own_comment(self, role: str) -> int:
        return dict(self.own).get(role, self.target)


@dataclass(frozen=True)
class Discussion:
    """A page's comments as (id, status, body, supports, parent, paragraph), and its supports."""

    rows: tuple[tuple, ...]
    supports: int


def build_world(session, people: dict[str, Person], state: str, policy: str, visibility: str) -> CommentWorld:
    owner = _user(session, people["official"])
    slug = f"c-{state}-{policy}-{visibility}".replace("_", "-")
    closes_at = clock.now() + timedelta(hours=1) if state == "past_deadline" else None
    consultation = consultations.create_consultation(
        session, owner, title=f"Comments {state} {policy} {visibility}", slug=slug, edit_policy=policy,
        visibility=visibility, closes_at=closes_at,
    )  # fmt: skip
    consultations.add_member(session, owner, consultation, _user(session, people["expert"]), "expert")
    if state != "draft":
        consultations.update_consultation(session, owner, consultation, {"status": "open"})
    page = pages.create_page(
        session, owner, consultation, title=f"Talk {slug}", body=BODY_1, slug=f"p-{slug}"
    )
    own = tuple((role, _comment(session, page, people[role], f"{role} thinks so.")) for role in COMMENTERS)
    target = _comment(session, page, people["commenter"], "The permit costs too much.")
    supported = _comment(session, page, people["commenter"], "Markets should open at 8.")
    for role in COMMENTERS:
        session.add(CommentSupport(comment_id=supported, user_id=people[role].id))
    session.execute(update(Comment).where(Comment.id == supported).values(supports=len(COMMENTERS)))
    session.execute(update(Page).where(Page.id == page.id).values(comment_count=len(COMMENTERS) + 2))
    session.commit()
    for step in LATER_STEPS.get(state, ()):
        consultations.update_consultation(session, owner, consultation, {"status": step})
    return CommentWorld(state, policy, visibility, consultation.slug, page.slug, own, target, supported)


def _comment(session, page, person: Person, body: str) -> int:
    comment = Comment(
        page_id=page.id, author_id=person.id, revision_number=1, body=body, created_at=clock.now()
    )
    session.add(comment)
    session.flush()
    return comment.id


def discussion(connection, world: CommentWorld) -> Discussion:
    """Read the world's discussion fresh from the database."""
    page_id = connection.scalar(select(Page.id).where(Page.slug == world.page))
    rows = connection.execute(
        select(
            Comment.id, Comment.status, Comment.body, Comment.supports, Comment.parent_id, Comment.anchor_paragraph
        ).where(Comment.page_id == page_id).order_by(Comment.id)
    ).all()  # fmt: skip
    supports = connection.scalar(
        select(func.count()).select_from(CommentSupport).join(Comment).where(Comment.page_id == page_id)
    )
    return Discussion(tuple(tuple(row) for row in rows), supports)


def after_success(before: Discussion, action: str, world: CommentWorld, role: str, new_id=None) -> Discussion:
    """The discussion a permitted action leaves behind (`new_id`: the id of a new comment)."""
    if action in ("read_comments", "read_versions"):
        return before
    if action in ("post", "reply", "post_on_paragraph"):
        parent = world.target if action == "reply" else None
        paragraph = 0 if action == "post_on_paragraph" else None
        return replace(before, rows=(*before.rows, (new_id, "visible", POSTED, 0, parent, paragraph)))
    changes = {
        "edit_own": (world.own_comment(role), lambda row: (row[0], row[1], EDITED_COMMENT, *row[3:])),
        "delete_own": (world.own_comment(role), lambda row: (row[0], "deleted", "", *row[3:])),
        "support": (world.target, lambda row: (*row[:3], row[3] + 1, *row[4:])),
        "unsupport": (world.supported, lambda row: (*row[:3], row[3] - 1, *row[4:])),
    }
    comment, change = changes[action]
    rows = tuple(change(row) if row[0] == comment else row for row in before.rows)
    step = {"support": 1, "unsupport": -1}.get(action, 0)
    return Discussion(rows, before.supports + step)


def worlds_needed() -> list[tuple[str, str, str]]:
    return sorted(product(STATES, tested_policies(), VISIBILITIES))


# Module fixtures for the comment matrix (imported into the test module beside tests.matrix's).


@pytest.fixture(scope="module")
def comment_worlds(app, people):
    from govwiki.extensions import db

    return {key: build_world(db.session, people, *key) for key in worlds_needed()}


@pytest.fixture
def comment_connection(engine, comment_worlds, worlds, monkeypatch):
    with rolled_back(engine, monkeypatch) as connection:
        yield connection

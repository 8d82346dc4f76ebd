"""The permission matrix shared by the API and web tests: who (role) × what (action) × when
(state), the answers written out by hand from the rules, and the worlds to try them in.

The expected answers are a table typed from the rules in shared/API.md and the issue, never
computed by asking `core.policy` (that would test the policy against itself).

Speed: a world (a consultation in one state with a page at revision 2 and an open proposal) is
built once per test module with the services and committed; each test then runs inside a
transaction on one connection that is rolled back afterwards (SQLAlchemy 2's savepoint recipe,
`join_transaction_mode="create_savepoint"`), so every test starts from the same world and a
successful write does not leak into the next test.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from itertools import product

import pytest
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import create_engine, event, select
from sqlalchemy.orm import scoped_session, sessionmaker

from govwiki import create_app
from govwiki.config import normalise_database_url
from govwiki.extensions import db as _db
from govwiki.models import Base, Consultation, Page, Proposal, User
from govwiki.services import accounts, clock, consultations, pages, proposals

ROLES = ("anonymous", "resident", "official", "other_official", "admin", "expert")
ACTIONS = ("read", "propose", "edit", "merge", "reject", "revert", "change_status")
#: "past_deadline" is an open consultation whose `closes_at` has passed by the server clock
STATES = ("draft", "open", "past_deadline", "closed", "adopted", "withdrawn")

#: the status each state is asked to move to: a legal next step, except from withdrawn (it has none)
NEXT_STATUS = {
    "draft": "open",
    "open": "closed",
    "past_deadline": "closed",
    "closed": "adopted",
    "adopted": "withdrawn",
    "withdrawn": "open",
}

# --- what should happen -------------------------------------------------------------------------
# Each row gives the answer in each state, in the order of STATES:
#     draft, open, past_deadline, closed, adopted, withdrawn

OK = "ok"
HIDDEN = "not_found"  # 404: private means invisible
SIGN_IN = "unauthenticated"  # 401
NO = "forbidden"  # 403
SHUT = "consultation_closed"  # 403: not accepting this now
ILLEGAL = "invalid_transition"  # 409: allowed to manage, but the lifecycle has no such step

_ALL_OK = (OK,) * 6
_OUTSIDER_READ = (HIDDEN, OK, OK, OK, OK, OK)
_ANONYMOUS_WRITE = (HIDDEN, SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN)
_OUTSIDER_NEVER = (HIDDEN, NO, NO, NO, NO, NO)
#: residents' contributions: only while open and before the deadline
_PUBLIC_WINDOW = (HIDDEN, OK, SHUT, SHUT, SHUT, SHUT)
#: insiders may also try proposals out in a draft
_INSIDER_WINDOW = (OK, OK, SHUT, SHUT, SHUT, SHUT)
#: officials keep working on the text after closing (review goes on) until adoption
_OFFICIAL_TEXT = (OK, OK, OK, OK, SHUT, SHUT)
_OFFICIAL_STATUS = (OK, OK, OK, OK, OK, ILLEGAL)
#: experts co-author a draft, or an open consultation before its deadline
_EXPERT_TEXT = (OK, OK, SHUT, SHUT, SHUT, SHUT)
_EXPERT_NEVER = (NO,) * 6

#: (role, action) → the answers, under the edit policy "edit"
EXPECTED = {
    ("anonymous", "read"): _OUTSIDER_READ,
    ("anonymous", "propose"): _ANONYMOUS_WRITE,
    ("anonymous", "edit"): _ANONYMOUS_WRITE,
    ("anonymous", "merge"): _ANONYMOUS_WRITE,
    ("anonymous", "reject"): _ANONYMOUS_WRITE,
    ("anonymous", "revert"): _ANONYMOUS_WRITE,
    ("anonymous", "change_status"): _ANONYMOUS_WRITE,
    ("resident", "read"): _OUTSIDER_READ,
    ("resident", "propose"): _PUBLIC_WINDOW,
    ("resident", "edit"): _PUBLIC_WINDOW,
    ("resident", "merge"): _OUTSIDER_NEVER,
    ("resident", "reject"): _OUTSIDER_NEVER,
    ("resident", "revert"): _OUTSIDER_NEVER,
    ("resident", "change_status"): _OUTSIDER_NEVER,
    ("official", "read"): _ALL_OK,
    ("official", "propose"): _INSIDER_WINDOW,
    ("official", "edit"): _OFFICIAL_TEXT,
    ("official", "merge"): _OFFICIAL_TEXT,
    ("official", "reject"): _OFFICIAL_TEXT,
    ("official", "revert"): _OFFICIAL_TEXT,
    ("official", "change_status"): _OFFICIAL_STATUS,
    ("expert", "read"): _ALL_OK,
    ("expert", "propose"): _INSIDER_WINDOW,
    ("expert", "edit"): _EXPERT_TEXT,
    ("expert", "merge"): _EXPERT_NEVER,
    ("expert", "reject"): _EXPERT_NEVER,
    ("expert", "revert"): _EXPERT_TEXT,
    ("expert", "change_status"): _EXPERT_NEVER,
}
# An admin may do all an official of the consultation may; an official of another
# consultation is a resident here.
for _action in ACTIONS:
    EXPECTED["admin", _action] = EXPECTED["official", _action]
    EXPECTED["other_official", _action] = EXPECTED["resident", _action]

#: the edit policy says what residents may do; insiders are not bound by it
POLICY_EXPECTED = {
    ("suggest", "propose"): _PUBLIC_WINDOW,
    ("suggest", "edit"): _OUTSIDER_NEVER,
    ("comment", "propose"): _OUTSIDER_NEVER,
    ("comment", "edit"): _OUTSIDER_NEVER,
}


def expected(role: str, action: str, state: str, policy: str = "edit") -> str:
    """The answer the table gives for this case."""
    row = EXPECTED[role, action]
    if policy != "edit" and role in ("resident", "other_official"):
        row = POLICY_EXPECTED[policy, action]
    return row[STATES.index(state)]


def cases() -> list[tuple[str, str, str, str]]:
    """Every (role, action, state, policy) to try: all actions under "edit", and propose and
    edit under "suggest" and "comment" too."""
    under_edit = [(r, a, s, "edit") for r, a, s in product(ROLES, ACTIONS, STATES)]
    others = [
        (r, a, s, p) for p, r, a, s in product(("suggest", "comment"), ROLES, ("propose", "edit"), STATES)
    ]
    return under_edit + others


def params() -> list:
    """`cases()` for parametrize, each named role-action-state-policy."""
    return [pytest.param(*case, id="-".join(case)) for case in cases()]


# --- the people and the worlds -----------------------------------------------------------------

BODY_1 = "# Street vending\n\nVendors need a permit.\n\nThe notice period is 30 days.\n"
BODY_2 = BODY_1.replace("30 days", "45 days")
PROPOSED = BODY_2.replace("a permit", "a free permit")
EDITED = BODY_2 + "\nMarkets open at 8.\n"
SUGGESTED = BODY_2.replace("Vendors", "Street vendors")
REASON = "Out of scope for this consultation."


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    token: str


@dataclass(frozen=True)
class World:
    """One consultation in one state, as plain values (no ORM objects outlive their session)."""

    state: str
    policy: str
    consultation: str
    page: str
    #: the open proposal by someone else (None under edit policies that do not need one)
    proposal: int | None


@dataclass(frozen=True)
class Snapshot:
    """What a refused write must leave alone and a permitted one must change just so."""

    status: str
    head: int
    proposals: tuple[str, ...]  # statuses, oldest first


def make_people(session) -> dict[str, Person]:
    """One person per role (and a separate proposer and commenter); the anonymous role has none."""
    users = {
        "official": "owner-official",
        "other_official": "other-official",
        "admin": "site-admin",
        "resident": "plain-resident",
        "expert": "invited-expert",
        "proposer": "proposing-resident",
        "commenter": "commenting-resident",
    }
    site_roles = {"official": "official", "other_official": "official", "admin": "admin"}
    people = {}
    for role, name in users.items():
        user = accounts.register_user(
            session, name, f"{name}@example.org", "password123", role=site_roles.get(role, "resident")
        )
        people[role] = Person(user.id, user.username, accounts.create_token(session, user, "matrix"))
    # an official of another consultation really runs one
    elsewhere = _user(session, people["other_official"])
    consultations.create_consultation(session, elsewhere, title="Elsewhere")
    return people


#: how a world reaches its state after its proposal was written while it was open
LATER_STEPS = {"closed": ("closed",), "adopted": ("closed", "adopted"), "withdrawn": ("withdrawn",)}


def build_world(session, people: dict[str, Person], state: str, policy: str) -> World:
    """A consultation in `state` under `policy`, with the expert invited, a page at revision 2
    and (under "edit") an open proposal by a separate person."""
    owner = _user(session, people["official"])
    slug = f"m-{state}-{policy}".replace("_", "-")
    closes_at = clock.now() + timedelta(hours=1) if state == "past_deadline" else None
    consultation = consultations.create_consultation(
        session, owner, title=f"Matrix {state} {policy}", slug=slug, edit_policy=policy, closes_at=closes_at
    )
    consultations.add_member(session, owner, consultation, _user(session, people["expert"]), "expert")
    if state != "draft":
        consultations.update_consultation(session, owner, consultation, {"status": "open"})
    page = pages.create_page(
        session, owner, consultation, title=f"Page {state} {policy}", body=BODY_1, slug=f"p-{slug}"
    )
    pages.save_page(session, owner, page, body=BODY_2, base_revision=1)
    proposal = _propose(session, people, consultation, page) if policy == "edit" else None
    for step in LATER_STEPS.get(state, ()):
        consultations.update_consultation(session, owner, consultation, {"status": step})
    return World(state, policy, consultation.slug, page.slug, proposal)


def _propose(session, people, consultation, page) -> int:
    proposer = _user(session, people["proposer"])
    if consultation.status == "draft":  # only insiders see a draft: the proposer is invited
        owner = _user(session, people["official"])
        consultations.add_member(session, owner, consultation, proposer, "expert")
    return proposals.submit_proposal(
        session, proposer, page, body=PROPOSED, summary="Make the permit free", base_revision=2
    ).id


def _user(session, person: Person) -> User:
    return session.get(User, person.id)


def snapshot(connection, world: World) -> Snapshot:
    """Read the world's state fresh from the database."""
    status = connection.scalar(select(Consultation.status).where(Consultation.slug == world.consultation))
    page_id, head = connection.execute(select(Page.id, Page.head_number).where(Page.slug == world.page)).one()
    statuses = connection.scalars(
        select(Proposal.status).where(Proposal.page_id == page_id).order_by(Proposal.id)
    ).all()
    return Snapshot(status, head, tuple(statuses))


def after_success(before: Snapshot, action: str, world: World) -> Snapshot:
    """The state a permitted action leaves behind."""
    if action == "read":
        return before
    if action == "propose":
        return replace(before, proposals=(*before.proposals, "open"))
    if action in ("edit", "revert"):
        return replace(before, head=before.head + 1)
    if action == "merge":
        return replace(before, head=before.head + 1, proposals=("merged",))
    if action == "reject":
        return replace(before, proposals=("rejected",))
    if action == "change_status":
        return replace(before, status=NEXT_STATUS[world.state])
    raise AssertionError(action)


def as_built(world: World) -> Snapshot:
    """The state `build_world` leaves a world in."""
    status = "open" if world.state == "past_deadline" else world.state
    return Snapshot(status, 2, ("open",) if world.proposal is not None else ())


def worlds_needed() -> set[tuple[str, str]]:
    return {(state, policy) for _, _, state, policy in cases()}


# --- the app, shared by a module, with a rolled-back transaction per test -----------------------


def module_app(database_url: str, instance: str):
    """Yield an app for a whole module (building one costs ~100 ms); tables are emptied after."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": "localhost",
        },
        instance=instance,
    )
    from tests.conftest import FreshContextClient

    app.test_client_class = FreshContextClient
    with app.app_context():
        try:
            yield app
        finally:
            _db.session.remove()
            with _db.engine.begin() as connection:
                for table in reversed(Base.metadata.sorted_tables):
                    connection.execute(table.delete())
            _db.engine.dispose()


def rollback_engine(database_url: str):
    """An engine whose connections can hold an outer transaction with savepoints inside it
    (pysqlite needs to be told to emit BEGIN itself, or the first SAVEPOINT would commit)."""
    engine = create_engine(normalise_database_url(database_url))
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _manual_transactions(dbapi_connection, _record):
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(connection):
            connection.exec_driver_sql("BEGIN")

    return engine


@contextmanager
def rolled_back(engine, monkeypatch):
    """Run the test's requests in one transaction that is rolled back afterwards; yield the
    connection, on which the test reads what the requests left."""
    connection = engine.connect()
    outer = connection.begin()
    sessions = scoped_session(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint"), scopefunc=_app_ctx_id
    )
    monkeypatch.setattr(_db, "session", sessions)
    try:
        yield connection
    finally:
        sessions.remove()
        outer.rollback()
        connection.close()


# Fixtures shared by the API and web matrices (imported into each module): one app and one set
# of worlds per module, each test inside a transaction that is rolled back.


@pytest.fixture(scope="module")
def app(database_url, _schema, tmp_path_factory):
    yield from module_app(database_url, str(tmp_path_factory.mktemp("instance")))


@pytest.fixture(scope="module")
def people(app):
    return make_people(_db.session)


@pytest.fixture(scope="module")
def worlds(app, people):
    return {key: build_world(_db.session, people, *key) for key in sorted(worlds_needed())}


@pytest.fixture(scope="module")
def engine(database_url, app):
    engine = rollback_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine, worlds, monkeypatch):
    with rolled_back(engine, monkeypatch) as connection:
        yield connection

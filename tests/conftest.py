"""Shared fixtures: an app on a real database (SQLite by default, PostgreSQL when
GOVWIKI_TEST_POSTGRES names a server), factories for people, consultations and pages, and
helpers that sign people in on the web and on the API.

Isolation: the schema is built once per run; after each test every table is emptied with real
statements, so tests may commit, and concurrency tests may use several connections.
"""

from __future__ import annotations

import gc
import os
import tempfile
from contextlib import contextmanager
from datetime import timedelta

import jinja2
import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine
from werkzeug.routing import Rule

from govwiki import create_app
from govwiki.config import Defaults, normalise_database_url
from govwiki.database import throwaway_postgres_database
from govwiki.extensions import db as _db
from govwiki.models import Base
from govwiki.services import accounts, clock, consultations, pages
from tests.redis_server import private_redis
from tests.sessions import plant_session

#: e.g. postgresql://postgres@127.0.0.1:5432/postgres — a throwaway database is made beside it
POSTGRES_SERVER = os.environ.get("GOVWIKI_TEST_POSTGRES")


# Each test makes an app (its engine, templates' globals, blueprints: cycles that only the
# collector frees), which at CPython's default thresholds lives long enough to be promoted and
# set off a full collection every dozen tests: measured on tests/web, 57 of its 175 s went to
# collecting. Collecting the youngest generation every 100,000 new objects instead of every 700
# frees each test's app while it is still young: 131 s, 25 s of it collecting.
gc.set_threshold(100_000, 10, 10)


#: Argon2id at its lowest cost: OWASP's costs ~25 ms a hash, and tests create hundreds of users
CHEAP_PASSWORDS = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing():
    """Every app the tests make hashes cheaply, unless a test's config asks for another cost."""
    original = Defaults.PASSWORD_COST
    Defaults.PASSWORD_COST = CHEAP_PASSWORDS
    yield
    Defaults.PASSWORD_COST = original


@pytest.fixture(scope="session", autouse=True)
def _url_rules_compiled_once():
    """Every test makes its own app, and werkzeug compiles each of its ~150 rules for each app:
    it parses the rule into parts and writes two URL builders as Python source (through `ast`
    and `compile`), ~45 ms of every test at first. What compiling yields depends only on the
    rule, its defaults and how the map matches, so one compiled rule serves every app: compile
    each once per run and give later apps' rules copies of its parts. (The converter objects are
    shared: the app has no converters of its own, and werkzeug's keep only their options.)"""
    original = Rule.compile
    compiled = {}

    def compile_once(rule):
        key = (
            rule.rule,
            rule.subdomain,
            rule.host,
            rule.merge_slashes,
            rule.map.host_matching,
            repr(sorted((rule.defaults or {}).items())),
        )
        if key not in compiled:
            original(rule)
            builders = (rule._build.__func__, rule._build_unknown.__func__)
            compiled[key] = (rule._parts, rule._trace, rule._converters, set(rule.arguments), builders)
            return
        parts, trace, converters, arguments, (build, build_unknown) = compiled[key]
        rule._parts, rule._trace, rule._converters = list(parts), list(trace), dict(converters)
        rule.arguments = set(arguments)
        rule._build = build.__get__(rule, None)
        rule._build_unknown = build_unknown.__get__(rule, None)

    Rule.compile = compile_once
    yield
    Rule.compile = original


class _SharedTemplateCode(jinja2.BytecodeCache):
    """Compiled templates kept in memory for the whole run. Each app has its own Jinja
    environment, so without this every test compiled each template it rendered again: ~12 ms
    a template, the largest part of a typical web test. Jinja checks each bucket's checksum of
    the template's source, so an edited template is compiled afresh."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


@pytest.fixture(scope="session", autouse=True)
def _templates_compiled_once():
    """Every app the tests make, through the fixtures or create_app itself, shares one cache of
    compiled templates (their environments are configured alike: same extensions, same
    autoescaping)."""
    original = Flask.create_jinja_environment
    shared = _SharedTemplateCode()

    def create_with_shared_code(app):
        environment = original(app)
        environment.bytecode_cache = shared
        return environment

    Flask.create_jinja_environment = create_with_shared_code
    yield
    Flask.create_jinja_environment = original


@contextmanager
def throwaway_database(prefix: str):
    """Yield the URL of a new empty database: a SQLite file, or one made on POSTGRES_SERVER
    and dropped afterwards."""
    if not POSTGRES_SERVER:
        with tempfile.TemporaryDirectory(prefix=prefix) as folder:
            yield f"sqlite:///{folder}/test.sqlite3"
        return
    with throwaway_postgres_database(POSTGRES_SERVER, prefix, flush_commits=False) as url:
        yield url


@pytest.fixture(scope="session")
def database_url():
    with throwaway_database("govwiki_test_") as url:
        yield url


@pytest.fixture(scope="session")
def _schema(database_url):
    engine = create_engine(normalise_database_url(database_url))
    Base.metadata.create_all(engine)
    engine.dispose()
    yield


def _empty_all_tables() -> None:
    _db.session.remove()
    with _db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # one round trip for all of them (psycopg sends a parameterless string as is)
            connection.exec_driver_sql(
                "; ".join(f'DELETE FROM "{table.name}"' for table in reversed(Base.metadata.sorted_tables))
            )
        else:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())
    _db.engine.dispose()


@pytest.fixture
def app_config(database_url, request):
    """The test configuration; `@pytest.mark.config(KEY=value)` on a test changes it."""
    marker = request.node.get_closest_marker("config")
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": "localhost",
        **(marker.kwargs if marker else {}),
    }


@pytest.fixture(scope="session")
def redis_server():
    """The URL of a private redis-server for this run (see tests/redis_server.py)."""
    with private_redis() as url:
        yield url


@pytest.fixture
def redis_limits(redis_server, app_config):
    """Rate limits on and counted in the private Redis, emptied first. Ask for it before `app`."""
    with redis.Redis.from_url(redis_server) as client:
        client.flushdb()
    app_config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=redis_server)
    return redis_server


class FreshContextClient(FlaskClient):
    """Run each request in its own app context, as a server does, so `g` (where Flask-Login
    keeps the signed-in user) and the database session never leak from one request to the next
    or from the test's own context."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(app_config, _schema, tmp_path):
    application = create_app(app_config, instance=str(tmp_path / "instance"))
    application.test_client_class = FreshContextClient
    with application.app_context():
        yield application
        _empty_all_tables()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def session(app):
    return _db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(session):
    counter = iter(range(1, 10_000))

    def make(role: str = "resident", username: str | None = None, **extra):
        name = username or f"{role}-{next(counter)}"
        email = extra.pop("email", f"{name}@example.org")
        return accounts.register_user(session, name, email, "password123", role=role, **extra)

    return make


@pytest.fixture
def official(make_user):
    return make_user("official", "olivia-official")


@pytest.fixture
def make_consultation(session, official):
    counter = iter(range(1, 10_000))

    def make(owner=None, *, status: str = "open", edit_policy: str = "edit", **extra):
        owner = owner or official
        consultation = consultations.create_consultation(
            session,
            owner,
            title=extra.pop("title", f"Consultation {next(counter)}"),
            edit_policy=edit_policy,
            **extra,
        )
        _walk_to(session, owner, consultation, status)
        return consultation

    return make


def _walk_to(session, owner, consultation, status: str) -> None:
    paths = {
        "draft": [],
        "open": ["open"],
        "closed": ["open", "closed"],
        "adopted": ["open", "closed", "adopted"],
        "withdrawn": ["withdrawn"],
    }
    for step in paths[status]:
        consultations.update_consultation(session, owner, consultation, {"status": step})


@pytest.fixture
def make_page(session, make_consultation):
    def make(consultation=None, *, body: str = "First text.\n", title: str | None = None, author=None):
        consultation = consultation or make_consultation()
        author = author or consultation.created_by
        return pages.create_page(session, author, consultation, title=title or "A page", body=body)

    return make


@pytest.fixture
def login(client):
    """Sign a user in on the web test client (through the session, as Flask-Login keeps it)."""

    def sign_in(user):
        plant_session(client, user.id)
        return user

    return sign_in


@pytest.fixture
def bearer(session):
    """Return Authorization headers carrying a new API token for `user`."""

    def headers(user) -> dict:
        return {"Authorization": f"Bearer {accounts.create_token(session, user, 'test')}"}

    return headers


@pytest.fixture
def move_clock(monkeypatch):
    """Move the server clock forward by a timedelta (deadlines pass without waiting)."""

    def move(delta: timedelta) -> None:
        moved = clock.now() + delta
        monkeypatch.setattr(clock, "now", lambda: moved)

    return move

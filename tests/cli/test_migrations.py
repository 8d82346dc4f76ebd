"""`flask --app app db upgrade` builds the whole schema from nothing, matching the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect as sa_inspect
from flask_migrate import downgrade, upgrade

from govwiki import create_app
from govwiki.extensions import db
from govwiki.models import Base
from tests.conftest import throwaway_database


@pytest.fixture
def empty_database_url():
    with throwaway_database("govwiki_migrate_") as url:
        yield url


@pytest.fixture
def fresh_app(empty_database_url, tmp_path):
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url}, instance=str(tmp_path / "i")
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_upgrade_from_nothing_matches_the_models(fresh_app):
    upgrade()
    assert _differences() == []


def test_downgrade_to_nothing_and_back(fresh_app):
    upgrade()
    downgrade(revision="base")
    upgrade()
    assert _differences() == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite only")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_secret_key_is_generated_once_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("GOVWIKI_SECRET_KEY", raising=False)
    first = create_app(instance=str(tmp_path / "inst")).config["SECRET_KEY"]
    second = create_app(instance=str(tmp_path / "inst")).config["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "inst" / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_overrides_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVWIKI_DATABASE_URL", "postgresql://u@db.example/gw")
    monkeypatch.setenv("GOVWIKI_MAX_PAGE_BYTES", "1234")
    app = create_app(instance=str(tmp_path / "inst"))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/gw"
    assert app.config["MAX_PAGE_BYTES"] == 1234


def test_migration_files_are_named_for_their_time_and_revision_and_sort_in_chain_order():
    import re
    from pathlib import Path

    from alembic.script import ScriptDirectory

    folder = Path(__file__).resolve().parents[2] / "migrations"
    scripts = ScriptDirectory(str(folder))
    chain = [script for script in scripts.walk_revisions()][::-1]  # oldest first
    names = [Path(script.path).name for script in chain]
    for script, name in zip(chain, names):
        assert re.fullmatch(rf"\d{{8}}_\d{{4}}_{script.revision}_\w+\.py", name), name
    assert names == sorted(names)


def test_the_default_sqlite_files_are_readable_by_their_owner_only(tmp_path, monkeypatch):
    """The database, its -wal and its -shm hold everything (password hashes, private drafts)."""
    monkeypatch.delenv("GOVWIKI_DATABASE_URL", raising=False)
    monkeypatch.setenv("GOVWIKI_SECRET_KEY", "x" * 64)
    instance = tmp_path / "inst"
    app = create_app(instance=str(instance))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:  # WAL keeps -wal and -shm while a connection is open
            connection.exec_driver_sql("SELECT count(*) FROM users")
            files = sorted(path.name for path in instance.glob("govwiki.sqlite3*"))
            modes = {
                path.name: oct(path.stat().st_mode & 0o777) for path in instance.glob("govwiki.sqlite3*")
            }
        db.engine.dispose()
    assert files == ["govwiki.sqlite3", "govwiki.sqlite3-shm", "govwiki.sqlite3-wal"]
    assert modes == dict.fromkeys(files, "0o600")


def test_the_text_counts_of_existing_revisions_are_backfilled_as_saves_count_them(fresh_app):
    from sqlalchemy import select

    from govwiki.models import Revision
    from govwiki.services import accounts, consultations, pages

    upgrade()
    official = accounts.register_user(db.session, "olga", "olga@example.org", "password123", role="official")
    consultation = consultations.create_consultation(db.session, official, title="C", edit_policy="edit")
    page = pages.create_page(db.session, official, consultation, title="P", body="One two three.\n")
    for number, body in enumerate(
        ["One two four.\n区政府公示。\n", "Four.\n区政府在公示三十日后。\n", "Gone.\n"], 1
    ):
        pages.save_page(db.session, official, page, body=body, base_revision=number)
    columns = (Revision.number, Revision.chars, Revision.words, Revision.words_added, Revision.words_removed)
    saved = db.session.execute(select(*columns).order_by(Revision.number)).all()
    db.session.remove()
    downgrade(revision="62ff371f27b7")  # as before the counts existed
    upgrade()
    assert db.session.execute(select(*columns).order_by(Revision.number)).all() == saved
    assert saved[1][2:] == (3 + 5, 6, 1)  # "four" and 区政府公示 in, "three" out


def test_revisions_keep_their_long_columns_last(fresh_app):
    # SQLite reads the columns after a long body through the body's overflow pages (the diff's
    # shape is read only with the bodies).
    upgrade()
    with db.engine.connect() as connection:
        columns = [c["name"] for c in sa_inspect(connection).get_columns("revisions")]
    if db.engine.dialect.name == "sqlite":
        assert columns[-3:] == ["body", "blame", "diff_shape"]
    assert [c.name for c in Base.metadata.tables["revisions"].columns][-3:] == ["body", "blame", "diff_shape"]


def test_the_search_queue_keeps_its_rows_and_never_hands_an_id_out_again(fresh_app):
    from datetime import datetime, timezone

    from sqlalchemy import delete, func, insert, select

    from govwiki.models import SearchChange

    upgrade(revision="5d0c1e2f3a4b")  # as before the ids were made never to be reused
    at = datetime(2026, 12, 6, tzinfo=timezone.utc)
    db.session.execute(insert(SearchChange), [{"key": "page:1", "at": at}, {"key": "page:2", "at": at}])
    db.session.commit()
    db.session.remove()
    upgrade()
    assert db.session.scalars(select(SearchChange.key).order_by(SearchChange.id)).all() == [
        "page:1",
        "page:2",
    ]
    highest = db.session.scalar(select(func.max(SearchChange.id)))
    db.session.execute(delete(SearchChange).where(SearchChange.id == highest))  # a drain forgets it
    db.session.execute(insert(SearchChange), [{"key": "page:3", "at": at}])
    assert db.session.scalar(select(SearchChange.id).where(SearchChange.key == "page:3")) > highest

"""Rate-limit settings: every kind has a default and a GOVWIKI_* variable, a limit nobody can
read stops the start, and gunicorn warns when its workers would each count on their own."""

from __future__ import annotations

import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest

from govwiki import create_app
from govwiki.config import ENVIRONMENT, Defaults
from govwiki.rate_limits import KINDS

GUNICORN_CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


@pytest.mark.parametrize("setting", sorted(KINDS.values()))
def test_every_kind_has_a_default_and_a_variable(setting):
    assert getattr(Defaults, setting)
    assert ENVIRONMENT[setting] == setting  # GOVWIKI_RATELIMIT_<KIND>


def test_the_environment_sets_a_kinds_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVWIKI_RATELIMIT_COMMENTS", "5/minute;50/day")
    assert create_app(instance=str(tmp_path)).config["RATELIMIT_COMMENTS"] == "5/minute;50/day"


def test_the_limiter_is_on_unless_configured_off(tmp_path):
    assert create_app(instance=str(tmp_path)).config["RATELIMIT_ENABLED"] is True


@pytest.mark.parametrize("value", ["ten a minute", "10/fortnight", ""])
def test_a_limit_nobody_can_read_stops_the_app(tmp_path, value):
    with pytest.raises(RuntimeError, match="GOVWIKI_RATELIMIT_EDITS"):
        create_app({"RATELIMIT_EDITS": value}, instance=str(tmp_path))


def _start_gunicorn(storage_uri: str, workers: int, caplog) -> list[str]:
    """Run gunicorn.conf.py's start-up warning as the arbiter's `when_ready` does, with a
    preloaded app (the rest of that hook is tested in test_gunicorn_workers.py)."""
    hooks = runpy.run_path(str(GUNICORN_CONF))
    flask_app = SimpleNamespace(config={"RATELIMIT_STORAGE_URI": storage_uri})
    logger = logging.getLogger("test.gunicorn")
    server = SimpleNamespace(
        app=SimpleNamespace(wsgi=lambda: flask_app), cfg=SimpleNamespace(workers=workers)
    )
    server.log = logger
    with caplog.at_level(logging.WARNING, logger="test.gunicorn"):
        hooks["_warn_when_limits_count_per_worker"](server, flask_app)
    return [record.getMessage() for record in caplog.records]


def test_gunicorn_warns_when_several_workers_count_in_memory(caplog):
    (warning,) = _start_gunicorn("memory://", 3, caplog)
    assert "each of the 3 workers" in warning and "GOVWIKI_RATELIMIT_STORAGE_URL" in warning


@pytest.mark.parametrize(("storage", "workers"), [("redis://127.0.0.1:6379/0", 3), ("memory://", 1)])
def test_gunicorn_says_nothing_when_the_count_is_shared(caplog, storage, workers):
    assert _start_gunicorn(storage, workers, caplog) == []

"""What gunicorn.conf.py does to each worker it forks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

GUNICORN_CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def test_each_gunicorn_worker_collects_garbage_less_often():
    """post_fork changes the worker's collector thresholds (here in a child process, so this
    test's own collector stays as it was)."""
    script = (
        "import gc, runpy, sys; hooks = runpy.run_path(sys.argv[1]); before = gc.get_threshold(); "
        "hooks['post_fork'](None, None); print(before[0], gc.get_threshold()[0])"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(GUNICORN_CONF)], capture_output=True, text=True, check=True
    )
    before, after = map(int, out.stdout.split())
    assert after >= 10 * before


WHEN_READY = """
import gc, runpy, sys, types
from govwiki import create_app

app = create_app({"RATELIMIT_STORAGE_URI": "memory://"}, instance=sys.argv[2])
hooks = runpy.run_path(sys.argv[1])
warnings = []
server = types.SimpleNamespace(
    app=types.SimpleNamespace(wsgi=lambda: app),
    cfg=types.SimpleNamespace(workers=2),
    log=types.SimpleNamespace(warning=warnings.append),
)
before = len(app.jinja_env.cache)
hooks["when_ready"](server)
print(before, len(app.jinja_env.cache), len(app.jinja_env.list_templates()), gc.get_freeze_count(), len(warnings))
"""


def test_the_master_compiles_every_template_and_freezes_what_it_holds_before_forking(tmp_path):
    """when_ready runs in gunicorn's master before the workers are forked: they start with every
    template compiled, and the app's objects out of their collector's sight (in a process of its
    own: freezing is for good)."""
    out = subprocess.run(
        [sys.executable, "-c", WHEN_READY, str(GUNICORN_CONF), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=GUNICORN_CONF.parent,
    )
    before, compiled, templates, frozen, warned = map(int, out.stdout.split())
    assert before == 0 and compiled == templates > 50
    assert frozen > 10_000
    assert warned == 1  # two workers counting rate limits in memory: the hook's warning too

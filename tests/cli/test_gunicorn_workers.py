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

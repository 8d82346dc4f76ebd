"""Production gunicorn settings; every value can be set from the environment."""

import gc
import multiprocessing
import os

bind = os.environ.get("GOVWIKI_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GOVWIKI_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GOVWIKI_THREADS", "2"))
# Load the app once in the master: workers share its memory (jieba's dictionary is large).
# Safe because creating the app opens no database connection and no index writer.
preload_app = True
timeout = int(os.environ.get("GOVWIKI_TIMEOUT", "60"))
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 5000
max_requests_jitter = 500
accesslog = os.environ.get("GOVWIKI_ACCESS_LOG", "-")
forwarded_allow_ips = os.environ.get("GOVWIKI_FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server):
    """Before the workers are forked: warn of per-worker rate limits, then load and compile what
    every worker needs, once, in memory they all share."""
    flask_app = server.app.wsgi()  # loaded already: preload_app
    _warn_when_limits_count_per_worker(server, flask_app)
    _share_with_workers(flask_app)


def _warn_when_limits_count_per_worker(server, flask_app):
    """Warn at start-up when each worker would count rate limits in its own memory."""
    from govwiki.rate_limits import per_worker_warning

    warning = per_worker_warning(getattr(flask_app, "config", {}), server.cfg.workers)
    if warning:
        server.log.warning(warning)


def _share_with_workers(flask_app):
    # Load jieba's dictionary (~1 s, ~80 MB) once here, so that the forked workers share it
    # instead of each loading its own on its first search.
    from govwiki.search.analysis import load_dictionary
    from govwiki.web.templating import compile_all

    load_dictionary()
    compile_all(flask_app)
    # What the master holds now lasts as long as it does: out of the collector's sight, no
    # worker's collection walks it (nor writes to its pages, which the workers share).
    gc.collect()
    gc.freeze()


def post_fork(server, worker):
    """Collect garbage less often in each worker. A request that builds many objects (the
    rows of a long diff, fifty history rows) set off CPython's default collection every 700 new
    objects, and each of the older generations' collections walks the whole app held in memory:
    on the first diff of two 1 MB revisions, collecting took half the request (measured in
    docs/PERFORMANCE.md, Findings). Ten thousand objects between young collections costs a few
    megabytes at most; cycles are still collected."""
    gc.set_threshold(10_000, 10, 10)

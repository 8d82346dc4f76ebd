"""Throughput of reading a 2 KB page, next to a hello-world Flask app under the same gunicorn.

The target: a signed-out reader's `GET /pages/<slug>` (the HTML page with the full layout)
serves at least 10 % of the requests per second of a Flask app that returns "Hello, World!",
both under the same gunicorn configuration. GovWiki is served from a fresh instance folder in a
temporary directory: the schema comes from `flask --app app db upgrade`, the data from the
services. Two gunicorn configurations are measured: the production `gunicorn.conf.py` (its
workers, threads and preloading; access log off) and two sync workers. The load comes from
`wrk` on 127.0.0.1 (installed with apt-get when missing); without it, from a small
multi-process Python client, which is slower, so only the ratio compares across machines.

Run it alone: ``python bench/bench_view_throughput.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import multiprocessing
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

DURATION = 10  #: seconds of load per run
#: seconds of load before each run: each worker's first request takes ~0.5 s (translations,
#: templates, connections), so a short run would otherwise measure start-up
WARMUP = 3
CONNECTIONS = 16
TARGET_RATIO = 0.10
PAGE_CHARS = 2_000
PAGE_TITLE = "Residents' parking"
#: what the page's HTML must contain for a run to count: the end of the site's layout
PAGE_MARK = b"</footer>"
#: (name, environment for gunicorn.conf.py): its defaults, then two sync workers
CONFIGURATIONS = (
    ("gunicorn.conf.py defaults", {}),
    ("2 sync workers", {"GOVWIKI_WORKERS": "2", "GOVWIKI_THREADS": "1"}),
)

HELLO_APP = """\
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
"""

# Production settings, then only what a benchmark must change: the port, no access log, and no
# control socket (gunicorn 27 puts one in ~/.gunicorn, shared with any other gunicorn).
BENCH_CONFIG = """\
exec(open({production!r}).read())
bind = "127.0.0.1:{port}"
accesslog = None
errorlog = {errorlog!r}
control_socket_disable = True
"""


# --- load generators ------------------------------------------------------------------------


def ensure_wrk() -> str | None:
    """Return the path of wrk, installing the Debian package when missing and allowed."""
    found = shutil.which("wrk")
    if found or not shutil.which("apt-get") or os.geteuid() != 0:
        return found
    install = ["apt-get", "install", "-y", "wrk"]
    for command in (install, ["apt-get", "update"], install):  # update only when the first try fails
        subprocess.run(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            check=False,
            timeout=300,
        )
        if shutil.which("wrk"):
            break
    return shutil.which("wrk")


def run_wrk(wrk: str, url: str, seconds: int, headers=()) -> dict:
    """Load `url` for `seconds` with wrk; requests/s, latency percentiles and errors."""
    extra = [argument for header in headers for argument in ("-H", header)]
    out = subprocess.run(
        [wrk, "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "--latency", *extra, url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency.get("50", "?"),
        "p99": latency.get("99", "?"),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1).strip() if socket_errors else "",
        "tool": "wrk",
    }


def _client(args) -> tuple[int, int]:
    """One load process: GET the path until the deadline; return (ok, failed)."""
    port, path, deadline, headers = args
    ok = failed = 0
    connection = None
    while time.monotonic() < deadline:
        try:
            connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            ok, failed = (ok + 1, failed) if response.status == 200 else (ok, failed + 1)
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException):
            failed += 1
            connection = None
    return ok, failed


def run_python_load(port: int, path: str, seconds: int, headers=()) -> dict:
    """The fallback load generator: CONNECTIONS processes with keep-alive connections."""
    started = time.monotonic()
    with multiprocessing.Pool(CONNECTIONS) as pool:
        named = dict(header.split(": ", 1) for header in headers)
        results = pool.map(_client, [(port, path, started + seconds, named)] * CONNECTIONS)
    elapsed = time.monotonic() - started
    ok = sum(r[0] for r in results)
    return {
        "rps": ok / elapsed,
        "p50": "n/a",
        "p99": "n/a",
        "errors": sum(r[1] for r in results),
        "socket_errors": "",
        "tool": "python",
    }


def load(wrk: str | None, port: int, path: str, seconds: int, headers=()) -> dict:
    """Load `path` for `seconds`, each request carrying `headers` ("Name: value" strings)."""
    if wrk:
        return run_wrk(wrk, f"http://127.0.0.1:{port}{path}", seconds, headers)
    return run_python_load(port, path, seconds, headers)


# --- servers --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(
    port: int, path: str, process: subprocess.Popen, expect: bytes = b"", timeout: float = 60
) -> None:
    """Wait for a 200 on `path` whose body contains `expect`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        with contextlib.suppress(OSError):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            connection.close()
            if response.status != 200 or expect not in body:
                raise RuntimeError(f"GET {path} answered {response.status}: {body[:300]!r}")
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on port {port} within {timeout} s")


@contextlib.contextmanager
def gunicorn(folder: Path, module: str, chdir: Path, env: dict, name: str):
    """Serve `module` with the production gunicorn settings on a free port; yield the port."""
    port = free_port()
    config = folder / f"gunicorn-{name}.conf.py"
    config.write_text(
        BENCH_CONFIG.format(
            production=str(common.ROOT / "gunicorn.conf.py"),
            port=port,
            errorlog=str(folder / f"gunicorn-{name}.log"),
        )
    )
    beside_python = Path(sys.executable).with_name("gunicorn")  # the same virtual environment
    executable = str(beside_python) if beside_python.exists() else "gunicorn"
    process = subprocess.Popen(
        [executable, "--config", str(config), "--chdir", str(chdir), module],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield port, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- data -----------------------------------------------------------------------------------


def prepare_instance(instance: Path) -> str:
    """Build the schema with the migrations and a 2 KB page with the services; return its path."""
    env = {**os.environ, "GOVWIKI_INSTANCE_PATH": str(instance)}
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
        cwd=common.ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    import random

    from govwiki import create_app
    from govwiki.extensions import db
    from govwiki.services import pages

    common.cheap_passwords()
    app = create_app(instance=str(instance))
    with app.app_context():
        session = db.session
        official = common.make_official(session)
        consultation = common.make_consultation(session, official, "Parking permits")
        body = common.markdown_body(random.Random(3), PAGE_CHARS)
        page = pages.create_page(session, official, consultation, title=PAGE_TITLE, body=body)
        path = f"/pages/{page.slug}"
        db.session.remove()
        db.engine.dispose()
    return path


def measure(
    folder: Path,
    wrk: str | None,
    module: str,
    chdir: Path,
    path: str,
    env: dict,
    name: str,
    expect: bytes,
    headers=(),
) -> dict:
    with gunicorn(folder, module, chdir, env, name) as (port, process):
        wait_until_serving(port, path, process, expect)
        load(wrk, port, path, WARMUP, headers)
        result = load(wrk, port, path, DURATION, headers)
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn ({name}) died during the run")
    return result


def run() -> dict:
    """Measure both apps under each configuration; return rows and verdict."""
    wrk = ensure_wrk()
    rows = []
    with common.workspace("view") as folder:
        instance = folder / "instance"
        path = prepare_instance(instance)
        (folder / "hello").mkdir()
        (folder / "hello" / "hello_app.py").write_text(HELLO_APP)
        for name, settings in CONFIGURATIONS:
            env = {**settings, "GOVWIKI_INSTANCE_PATH": str(instance)}
            slug = name.split()[0].replace(".", "")
            hello = measure(
                folder, wrk, "hello_app:app", folder / "hello", "/", env, f"hello-{slug}", b"Hello"
            )
            govwiki = measure(folder, wrk, "app:app", common.ROOT, path, env, f"govwiki-{slug}", PAGE_MARK)
            ratio = govwiki["rps"] / hello["rps"]
            rows.append({"config": name, "hello": hello, "govwiki": govwiki, "ratio": ratio})
            print(
                f"  [{name}] hello {hello['rps']:.0f} req/s, page {govwiki['rps']:.0f} req/s ({ratio:.1%})",
                file=sys.stderr,
            )
    workers = os.cpu_count() * 2 + 1
    return {
        "rows": rows,
        "tool": "wrk" if wrk else "python",
        "path": path,
        "load": common.load_average(),
        "verdict": all(_passes(row) for row in rows),
        "defaults": f"{workers} workers × 2 threads (gthread), preload_app, max_requests 5000",
    }


def _passes(row: dict) -> bool:
    page = row["govwiki"]
    return row["ratio"] >= TARGET_RATIO and not page["errors"] and not page["socket_errors"]


def report(result: dict) -> str:
    """The Markdown table of one run."""
    headers = [
        "gunicorn",
        "hello world: req/s (p50 / p99 latency)",
        "GET /pages/<slug> (2 KB, full layout): req/s (p50 / p99 latency)",
        "errors",
        "ratio",
        f"≥ {TARGET_RATIO:.0%}",
    ]
    rows = []
    for row in result["rows"]:
        hello, page = row["hello"], row["govwiki"]
        rows.append(
            [
                row["config"],
                f"{hello['rps']:,.0f} ({hello['p50']} / {hello['p99']})",
                f"{page['rps']:,.0f} ({page['p50']} / {page['p99']})",
                f"{page['errors']} non-2xx" + (f"; {page['socket_errors']}" if page["socket_errors"] else ""),
                f"{row['ratio']:.1%}",
                common.verdict(_passes(row)),
            ]
        )
    tool = (
        f"wrk, 2 threads, {CONNECTIONS} connections"
        if result["tool"] == "wrk"
        else f"a Python client with {CONNECTIONS} processes (wrk was not available)"
    )
    return "\n".join(
        [
            f"{DURATION} s per run after {WARMUP} s of warm-up; load from {tool}, on the same 2 cores as "
            f"the server; gunicorn.conf.py defaults here: {result['defaults']}; access log off; "
            f"load average at the end {result['load']}.",
            "",
            common.markdown_table(headers, rows),
            "",
            f"Page throughput ≥ {TARGET_RATIO:.0%} of hello world: **{common.verdict(result['verdict'])}**.",
        ]
    )


def main(argv=None) -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    print(report(run()))


if __name__ == "__main__":
    main()

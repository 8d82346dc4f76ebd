"""What the HTTP benchmarks share: an instance folder with the migrated schema, gunicorn serving
GovWiki or a hello-world Flask app on 127.0.0.1, and signing in through the form.

The throughput targets are ratios to hello world under the same gunicorn on the same machine, so
every HTTP benchmark measures hello world in its own run (load from bench/load_generator.py).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import common
import load_generator

#: what a page's HTML must contain for a run to count: the end of the site's layout
PAGE_MARK = b"</footer>"
#: gunicorn.conf.py reads these: two sync workers, one per core
TWO_SYNC_WORKERS = {"GOVWIKI_WORKERS": "2", "GOVWIKI_THREADS": "1"}

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


# --- instances ------------------------------------------------------------------------------


def instance_env(instance: Path, database_url: str | None = None) -> dict[str, str]:
    """The environment that points GovWiki (flask or gunicorn) at this instance and database."""
    env = {"GOVWIKI_INSTANCE_PATH": str(instance)}
    if database_url:
        env["GOVWIKI_DATABASE_URL"] = database_url
    return env


def migrated_app(instance: Path, database_url: str | None = None):
    """Build the schema with the migrations (`flask db upgrade`); return an app on it to fill
    through the services. Passwords are hashed cheaply: the benchmarks do not measure scrypt."""
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
        cwd=common.ROOT,
        env={**os.environ, **instance_env(instance, database_url)},
        check=True,
        capture_output=True,
    )
    from govwiki import create_app

    common.cheap_passwords()
    config = {"SQLALCHEMY_DATABASE_URI": database_url} if database_url else None
    return create_app(config, instance=str(instance))


def release(app) -> None:
    """Close the app's sessions and connections before gunicorn takes over the database."""
    from govwiki.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def hello_folder(folder: Path) -> Path:
    """A folder holding the hello-world app as `hello_app:app`."""
    hello = folder / "hello"
    hello.mkdir(exist_ok=True)
    (hello / "hello_app.py").write_text(HELLO_APP)
    return hello


# --- servers --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(port: int, path: str, headers=(), method: str = "GET", body: str | None = None):
    """One request; (status, response headers as (name, value) pairs, body bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        named = dict(header.split(": ", 1) for header in headers)
        connection.request(method, path, body=body, headers=named)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def check(port: int, path: str, expect: bytes, headers=()) -> None:
    """Fetch `path` once: it must answer 200 with `expect` in the body, so that a fast error page
    cannot pass for a fast page."""
    status, _, body = fetch(port, path, headers)
    if status != 200 or expect not in body:
        raise RuntimeError(f"GET {path} answered {status} without {expect!r}: {body[:300]!r}")


def wait_until_serving(
    port: int, path: str, process: subprocess.Popen, expect: bytes = b"", timeout: float = 60
) -> None:
    """Wait for a 200 on `path` whose body contains `expect`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            check(port, path, expect)
            return
        except OSError:
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


@contextlib.contextmanager
def govwiki(folder: Path, env: dict, path: str = "/", name: str = "govwiki"):
    """Serve GovWiki with gunicorn until it answers `path` with the full layout; yield the port.
    Several runs of load share it; it must still be up at the end."""
    with gunicorn(folder, "app:app", common.ROOT, env, name) as (port, process):
        wait_until_serving(port, path, process, PAGE_MARK)
        yield port
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn ({name}) died during the runs")


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
    """Start gunicorn for one run of load on `path`, then stop it."""
    with gunicorn(folder, module, chdir, env, name) as (port, process):
        wait_until_serving(port, path, process, expect)
        result = load_generator.warm_and_load(wrk, port, path, headers)
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn ({name}) died during the run")
    return result


def measure_hello(folder: Path, wrk: str | None, env: dict, name: str = "hello") -> dict:
    """Hello world under the same gunicorn settings (`env` chooses workers and threads)."""
    return measure(folder, wrk, "hello_app:app", hello_folder(folder), "/", env, name, b"Hello")


# --- people ---------------------------------------------------------------------------------


def sign_in(port: int, login: str, password: str) -> str:
    """Sign in through the web form as a browser does (the form's CSRF token, then the post);
    return the session cookie as a `Cookie:` header for the load generator."""
    status, headers, body = fetch(port, "/login")
    field = re.search(rb'<input[^>]*name="csrf_token"[^>]*>', body)
    token = field and re.search(rb'value="([^"]+)"', field.group(0))
    if status != 200 or token is None:
        raise RuntimeError(f"GET /login answered {status} without a CSRF token")
    form = urllib.parse.urlencode(
        {"csrf_token": token.group(1).decode(), "login": login, "password": password}
    )
    status, headers, _ = fetch(
        port,
        "/login",
        [f"Cookie: {_cookies(headers)}", "Content-Type: application/x-www-form-urlencoded"],
        method="POST",
        body=form,
    )
    cookie = _cookies(headers)
    if status not in (302, 303) or not cookie:
        raise RuntimeError(f"signing in as {login} answered {status}")
    # Follow the redirect once, as a browser does: the page shows the "signed in" message and
    # takes it out of the session. A cookie still holding it would make every measured view a
    # one-off that no cache may serve.
    location = dict((name.lower(), value) for name, value in headers)["location"]
    _, headers, _ = fetch(port, urllib.parse.urlsplit(location).path or "/", [f"Cookie: {cookie}"])
    return f"Cookie: {_cookies(headers) or cookie}"


def _cookies(headers) -> str:
    """The name=value pairs a response sets, as one Cookie header value."""
    pairs = [value.split(";", 1)[0] for name, value in headers if name.lower() == "set-cookie"]
    return "; ".join(pairs)

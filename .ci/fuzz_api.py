"""CI: schemathesis against the live API, bounded in time.

gunicorn serves the app on a free port of 127.0.0.1 from a throwaway instance folder with the
demo loaded; schemathesis reads /api/v1/openapi.json and sends generated requests (valid and
invalid) with an administrator's API token, so writes are exercised too. It fails on any 500
(`not_a_server_error`) and on a response that does not match the document
(`response_schema_conformance`). The server, the folder and any PostgreSQL database it made are
removed however the run ends.

    python .ci/fuzz_api.py [--postgres SERVER_URL] [--max-time SECONDS] [--max-examples N]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from govwiki.database import throwaway_postgres_database  # noqa: E402

CHECKS = "not_a_server_error,response_schema_conformance"
#: the consultation whose status the fuzzer changes (see .ci/schemathesis.toml)
SANDBOX = "fuzz-status-changes"


def main() -> int:
    args = _arguments()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the clean-up on `kill` too
    with tempfile.TemporaryDirectory(prefix="govwiki-fuzz-") as folder, _database(args.postgres) as url:
        env = _environment(Path(folder), url)
        _flask(env, "db", "upgrade")
        _flask(env, "govwiki", "demo")
        token = _flask(env, "govwiki", "create-token", "admin", "--label", "fuzz").splitlines()[-1]
        port = _free_port()
        log = Path(folder) / "server.log"
        with _server(env, port, log):
            _make_sandbox(f"http://127.0.0.1:{port}/api/v1", token)
            started = time.monotonic()
            code = subprocess.call(
                [
                    str(BIN / "schemathesis"),
                    "--config-file",
                    str(ROOT / ".ci" / "schemathesis.toml"),
                    "run",
                    f"http://127.0.0.1:{port}/api/v1/openapi.json",
                    "--wait-for-schema",
                    "30",
                    "--header",
                    f"Authorization: Bearer {token}",
                    "--checks",
                    CHECKS,
                    "--max-examples",
                    str(args.max_examples),
                    "--max-time",
                    str(args.max_time),
                    "--request-timeout",
                    "20",
                    # one worker: hypothesis parsing lambdas' source in two threads trips a CPython 3.11
                    # bug ("AST constructor recursion depth mismatch"), an error of the tool, not ours
                    "--workers",
                    "1",
                    "--generation-database",
                    "none",
                    "--no-color",
                    *os.environ.get("FUZZ_ARGS", "").split(),  # e.g. --include-path-regex revert
                ],
                cwd=folder,
            )
            print(f"schemathesis: {time.monotonic() - started:.0f} s on {'PostgreSQL' if url else 'SQLite'}")
        if code:
            print("--- the server's log, last lines ---\n" + "\n".join(log.read_text().splitlines()[-80:]))
        return code


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL server URL; a throwaway database is made on it")
    parser.add_argument("--max-time", type=int, default=60, help="seconds of generated requests")
    parser.add_argument("--max-examples", type=int, default=10, help="test cases per operation and phase")
    return parser.parse_args()


@contextlib.contextmanager
def _database(server: str | None):
    if not server:
        yield None  # SQLite in the instance folder
        return
    with throwaway_postgres_database(server, "govwiki_fuzz_", flush_commits=False) as url:
        yield url


#: rate limits (govwiki/rate_limits.py) the fuzzer's writes would run into
FAST_KINDS = ("WRITES", "EDITS", "PROPOSALS", "COMMENTS", "SUPPORTS", "FLAGS")


def _environment(folder: Path, database_url: str | None) -> dict:
    env = {
        **os.environ,
        "GOVWIKI_INSTANCE_PATH": str(folder / "instance"),
        "GOVWIKI_SECRET_KEY": "fuzz",
        # the fuzzer writes far faster than a person; 429s would hide the writes
        **{f"GOVWIKI_RATELIMIT_{kind}": "100000/minute" for kind in FAST_KINDS},
        "GOVWIKI_ACCESS_LOG": str(folder / "access.log"),
        "XDG_RUNTIME_DIR": str(folder),  # gunicorn's control socket goes there, not in ~/.gunicorn
    }
    if database_url:
        env["GOVWIKI_DATABASE_URL"] = database_url
    return env


def _flask(env: dict, *command: str) -> str:
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "app", *command], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"flask {' '.join(command[:2])} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _make_sandbox(api: str, token: str) -> None:
    """Wait for the server, then create the consultation whose status the fuzzer changes."""
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{api}/openapi.json", timeout=5).close()
            break
        except OSError:
            time.sleep(0.1)
    request = urllib.request.Request(
        f"{api}/consultations",
        method="POST",
        data=json.dumps({"title": "Status changes under test", "slug": SANDBOX}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=20).close()


@contextlib.contextmanager
def _server(env: dict, port: int, log: Path):
    """gunicorn on 127.0.0.1:port with the production settings, stopped on the way out."""
    env = {**env, "GOVWIKI_BIND": f"127.0.0.1:{port}", "GOVWIKI_WORKERS": "2"}
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "app:app"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


if __name__ == "__main__":
    sys.exit(main())

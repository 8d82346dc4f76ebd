"""Load for the HTTP benchmarks: wrk on 127.0.0.1 (installed with apt-get when missing), or
without it a small multi-process Python client, which is slower, so only ratios to hello world
compare across machines."""

from __future__ import annotations

import http.client
import multiprocessing
import os
import re
import shutil
import subprocess
import time

DURATION = 10  #: seconds of load per run
#: seconds of load before each run: each worker's first request takes ~0.5 s (translations,
#: templates, connections), so a short run would otherwise measure start-up
WARMUP = 3
CONNECTIONS = 16


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


def warm_and_load(wrk: str | None, port: int, path: str, headers=()) -> dict:
    """WARMUP seconds of load, then the measured DURATION."""
    load(wrk, port, path, WARMUP, headers)
    return load(wrk, port, path, DURATION, headers)


def clean(result: dict) -> bool:
    """Whether a load run had no error responses and no socket errors."""
    return not result["errors"] and not result["socket_errors"]


def tool_name(tool: str) -> str:
    """How the load was made, for a report ("wrk" or "python", as results record it)."""
    if tool == "wrk":
        return f"wrk, 2 threads, {CONNECTIONS} connections"
    return f"a Python client with {CONNECTIONS} processes (wrk was not available)"

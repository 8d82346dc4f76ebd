"""A private redis-server for the tests of shared rate-limit storage: Debian's `redis-server`
binary on a free port of 127.0.0.1, nothing saved to disk, stopped when the run ends. No system
service is needed; `make test` installs the package when it is missing, and under CI (CI=true) a
missing binary fails the run instead of skipping the tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager

import pytest
import redis

#: seconds a fresh server gets to answer PING
START_TIMEOUT = 10


@contextmanager
def private_redis():
    """Start a redis-server for this run and yield its URL; stop it afterwards."""
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server is not installed (apt-get install -y redis-server; make test does it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with tempfile.TemporaryDirectory(prefix="govwiki-redis-") as folder:
        process, url = _start(binary, folder)
        try:
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _start(binary: str, folder: str) -> tuple[subprocess.Popen, str]:
    # Another process may take the free port between the probe and the start: try again then.
    for _ in range(3):
        port = _free_port()
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--dir", folder, "--daemonize", "no", "--logfile", os.path.join(folder, "redis.log")],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"redis://127.0.0.1:{port}/0"
        if _answers(process, url):
            return process, url
        process.kill()
        process.wait()
    log = os.path.join(folder, "redis.log")
    detail = open(log).read()[-2000:] if os.path.exists(log) else ""
    pytest.fail(f"redis-server did not start:\n{detail}", pytrace=False)


def _answers(process: subprocess.Popen, url: str) -> bool:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with redis.Redis.from_url(url, socket_connect_timeout=0.5) as client:
                if client.ping():
                    return True
        except redis.ConnectionError:
            time.sleep(0.05)
    return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

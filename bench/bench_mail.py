"""Expert invitations by mail: 1,000 invited through the API, their mail delivered by the worker
to a local SMTP server, and no request waiting on SMTP.

Targets (issue 11, part 8): report the mail worker's throughput (`flask --app app govwiki
send-mail`, mails per second handed to a local aiosmtpd server), and show that an invitation
request never waits on SMTP: with the SMTP server slowed to 1 s per message and the worker
busy delivering to it, the p99 of `POST /api/v1/consultations/{c}/invitations` stays under
50 ms. The request only writes the invitation, its audit event and its outbox row; the worker,
another process, does the talking to the mail server.

GovWiki is served by gunicorn (two sync workers) from a fresh instance folder on SQLite (schema
from the migrations, the official and the consultation from the services). One client sends
the invitations one after another with an official's API token (the per-person write limit
lifted, as a bulk import would ask an admin to). The SMTP server runs in this process; the
worker runs as its own process with GOVWIKI_MAIL_URL pointing at it, as in production.

Run it alone: ``python bench/bench_mail.py`` (``--write`` puts section 9 and its Targets row
into docs/PERFORMANCE.md; ``--experts N`` for a smaller run).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import serving  # noqa: E402

EXPERTS = 1_000
#: invitations sent while the worker delivers to the slow server
SLOW_EXPERTS = 500
SLOW_SECONDS = 1.0
TARGET_P99 = 0.050
OUTPUT = common.ROOT / "docs" / "PERFORMANCE.md"
START, END = "<!-- mail:start -->", "<!-- mail:end -->"
HEADING = "## 9. Expert invitations by mail"
TARGET_PREFIX = "| 9. "
#: bulk invitations: lift the per-person limit on API writes (the request is what is measured)
ENV = {**serving.TWO_SYNC_WORKERS, "GOVWIKI_RATELIMIT_WRITES": "1000000/minute"}


# --- the SMTP server -------------------------------------------------------------------------


class Counting:
    """An aiosmtpd handler that takes every mail after `delay` seconds, counting them and noting
    when the first and the latest arrived (in values shared with the benchmark's process)."""

    def __init__(self, delay: float, received, first, last) -> None:
        self.delay, self.received, self.first, self.last = delay, received, first, last

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        now = time.time()
        with self.received.get_lock():
            self.received.value += 1
            self.last.value = now
            if not self.first.value:
                self.first.value = now
        return "250 Message accepted for delivery"


def _serve(port: int, handler: Counting, stop) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    stop.wait()
    controller.stop()


class SmtpServer:
    """aiosmtpd on a free port, in a process of its own (so that neither its work nor the GIL it
    takes lands in the timings of the client's requests)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.port = serving.free_port()
        self._received, self._first, self._last = (
            multiprocessing.Value("i", 0),
            multiprocessing.Value("d", 0.0),
            multiprocessing.Value("d", 0.0),
        )
        self._stop = multiprocessing.Event()
        handler = Counting(delay, self._received, self._first, self._last)
        self._process = multiprocessing.Process(
            target=_serve, args=(self.port, handler, self._stop), daemon=True
        )

    def __enter__(self) -> SmtpServer:
        self._process.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the SMTP server did not start")

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._process.join(timeout=30)

    @property
    def received(self) -> int:
        return self._received.value

    @property
    def span(self) -> tuple[float, float]:
        """When the first and the latest mail arrived (time.time())."""
        return self._first.value, self._last.value

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


# --- the instance, the requests and the worker -----------------------------------------------


def prepare(instance: Path) -> tuple[str, str]:
    """The schema from the migrations, an official with an API token and an open consultation;
    return (consultation slug, token)."""
    from govwiki.extensions import db
    from govwiki.services import accounts

    app = serving.migrated_app(instance)
    with app.app_context():
        official = common.make_official(db.session)
        consultation = common.make_consultation(db.session, official, "Invited review")
        slug, token = consultation.slug, accounts.create_token(db.session, official, "bench")
    serving.release(app)
    return slug, token


def invite(port: int, slug: str, token: str, emails) -> list[float]:
    """POST one invitation per address; return each request's wall seconds (each must be 201)."""
    headers = [f"Authorization: Bearer {token}", "Content-Type: application/json"]
    timings = []
    for email in emails:
        started = time.perf_counter()
        status, _, body = serving.fetch(
            port, f"/api/v1/consultations/{slug}/invitations", headers, "POST", json.dumps({"email": email})
        )
        timings.append(time.perf_counter() - started)
        if status != 201:
            raise RuntimeError(f"inviting {email} answered {status}: {body[:300]!r}")
    return timings


def hello_world(folder: Path, env: dict, count: int) -> list[float]:
    """The same client's GETs of a hello-world Flask app under the same gunicorn: how slow the
    machine alone makes the slowest requests."""
    with serving.gunicorn(folder, "hello_app:app", serving.hello_folder(folder), env, "hello") as (
        port,
        process,
    ):
        serving.wait_until_serving(port, "/", process, b"Hello")
        timings = []
        for _ in range(count):
            started = time.perf_counter()
            serving.fetch(port, "/")
            timings.append(time.perf_counter() - started)
    return timings


def worker(instance: Path, smtp: SmtpServer, *arguments: str) -> subprocess.Popen:
    """`flask --app app govwiki send-mail` as its own process, handing mail to `smtp`."""
    env = {**os.environ, **serving.instance_env(instance), "GOVWIKI_MAIL_URL": smtp.url}
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "govwiki", "send-mail", *arguments],
        cwd=common.ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _summary(timings: list[float]) -> dict:
    return {
        "count": len(timings),
        "over": sum(1 for t in timings if t >= TARGET_P99),
        "p50": common.percentile(timings, 0.5),
        "p99": common.percentile(timings, 0.99),
        "max": max(timings),
    }


def run(experts: int = EXPERTS, slow_experts: int = SLOW_EXPERTS) -> dict:
    """Invite, deliver at full speed, then invite again while the worker waits on a slow server."""
    with common.workspace("mail") as folder:
        instance = folder / "instance"
        slug, token = prepare(instance)
        env = {**ENV, **serving.instance_env(instance)}
        with serving.govwiki(folder, env, "/") as port:
            invite(port, slug, token, ["warm-up@example.org"])  # the first request opens everything
            fast_invites = invite(port, slug, token, (f"expert-{i}@example.org" for i in range(experts)))
            with SmtpServer() as smtp:
                started = time.time()
                done = worker(instance, smtp, "--once", "--batch", "50")
                out, err = done.communicate(timeout=3600)
                seconds = time.time() - started
                if done.returncode != 0:
                    raise RuntimeError(f"send-mail failed: {err[-500:]}")
                delivered, (first, last) = smtp.received, smtp.span
            with SmtpServer(delay=SLOW_SECONDS) as slow:
                busy = worker(instance, slow, "--interval", "0.2")
                try:
                    backlog = (f"backlog-{i}@example.org" for i in range(40))
                    invite(port, slug, token, backlog)  # the worker has mail to wait on
                    _wait_for(lambda: slow.received >= 1, 30)
                    before = slow.received
                    slow_invites = invite(
                        port, slug, token, (f"late-{i}@example.org" for i in range(slow_experts))
                    )
                    during = slow.received - before
                finally:
                    busy.terminate()
                    busy.wait(timeout=60)
        hello = hello_world(folder, env, slow_experts)
    return {
        "experts": experts,
        "fast_invites": _summary(fast_invites),
        "delivered": delivered,
        "worker_seconds": seconds,
        "worker_output": out.strip().splitlines()[-1] if out.strip() else "",
        "rate": (delivered - 1) / (last - first) if delivered > 1 else 0.0,
        "startup": first - started,
        "slow_invites": _summary(slow_invites),
        "sent_during": during,
        "hello": _summary(hello),
        "load": common.load_average(),
        "verdict": delivered == experts + 1 and common.percentile(slow_invites, 0.99) < TARGET_P99,
    }


def _wait_for(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError("the worker delivered nothing to the slow SMTP server")
        time.sleep(0.1)


# --- the report ------------------------------------------------------------------------------


def summary_rows(result: dict) -> list[list[str]]:
    """The Targets row of this benchmark."""
    slow = result["slow_invites"]
    return [
        [
            f"9. Invite {result['experts']:,} experts through the API; the worker delivers their mail; "
            f"invite p99 < {TARGET_P99 * 1000:.0f} ms with SMTP at {SLOW_SECONDS:g} s per message",
            f"{result['rate']:.0f} mails/s to a local SMTP server; invite p99 {common.ms(slow['p99'])} ms "
            f"while the worker waited on the slow server ({result['sent_during']} delivered meanwhile)",
            common.verdict(result["verdict"]),
        ]
    ]


def report(result: dict) -> str:
    fast, slow = result["fast_invites"], result["slow_invites"]
    headers = [
        "requests",
        "count",
        "p50 (ms)",
        "p99 (ms)",
        "max (ms)",
        f"≥ {TARGET_P99 * 1000:.0f} ms",
        "SMTP",
    ]
    hello = result["hello"]
    rows = [
        [_phase("invitations, no worker running", fast), "—"],
        [_phase("invitations while the worker delivers", slow),
         f"{SLOW_SECONDS:g} s per message; {result['sent_during']} delivered meanwhile"],
        [_phase("hello world (GET, same client and gunicorn): the machine's own noise", hello), "—"],
    ]  # fmt: skip
    rows = [[*row[0], row[1]] for row in rows]
    return "\n".join(
        [
            START,
            f"Measured by `python bench/bench_mail.py --write` (not part of `make bench`). GovWiki under "
            "gunicorn (two sync workers) on SQLite; one client sends the invitations one after "
            "another with an official's token; the SMTP server is aiosmtpd in a process of "
            f"its own; load average at the end {result['load']}.",
            "",
            f"The worker (`send-mail --once --batch 50`, its own process) handed {result['delivered']:,} "
            f"invitations to the SMTP server at **{result['rate']:.0f} mails per second** (from the first "
            f"mail's arrival to the last; one SMTP connection per mail), {result['worker_seconds']:.1f} s "
            f"in all with the {result['startup']:.1f} s the process took to start and send its first; "
            f"its own count: “{result['worker_output']}”.",
            "",
            common.markdown_table(headers, rows),
            "",
            f"An invitation's p99 stays under {TARGET_P99 * 1000:.0f} ms while the worker waits on the slow "
            f"SMTP server: **{common.verdict(result['verdict'])}**. The request writes the invitation and "
            "its outbox row in one transaction and never opens an SMTP connection; the worker claims "
            "mail, commits, and only then talks to the server, so its one-second waits hold no lock a "
            "request needs.",
            END,
        ]
    )


def _phase(name: str, timings: dict) -> list:
    return [
        name,
        timings["count"],
        common.ms(timings["p50"]),
        common.ms(timings["p99"]),
        common.ms(timings["max"]),
        timings["over"],
    ]


def write(text: str, result: dict, output: Path = OUTPUT) -> None:
    """Put the section (between its markers) and its Targets row into `output`."""
    document = output.read_text()
    kept = common.between(document, START, END)
    if kept is not None:
        document = document.replace(kept, text)
    else:
        document = document.replace("\n## Findings", f"\n{HEADING}\n\n{text}\n\n## Findings", 1)
    lines = [line for line in document.split("\n") if not line.startswith(TARGET_PREFIX)]
    targets = lines.index("## Targets")
    end = next(i for i in range(targets + 3, len(lines)) if not lines[i].startswith("|"))
    table = common.markdown_table(["target", "measured", "verdict"], summary_rows(result)).split("\n")[2:]
    output.write_text("\n".join(lines[:end] + table + lines[end:]))


def kept_target_rows(output: Path = OUTPUT) -> list[list[str]]:
    """This benchmark's rows of the Targets table as the file has them (for bench/run_all.py)."""
    if not output.exists():
        return []
    found = [line for line in output.read_text().split("\n") if line.startswith(TARGET_PREFIX)]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in found]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experts", type=int, default=EXPERTS, help="invitations to deliver")
    parser.add_argument("--write", action="store_true", help=f"put the results into {OUTPUT}")
    args = parser.parse_args(argv)
    result = run(args.experts)
    text = report(result)
    print(text)
    print(common.markdown_table(["target", "measured", "verdict"], summary_rows(result)))
    if args.write:
        write(text, result)
        print(f"\nWrote section 9 of {OUTPUT}")


if __name__ == "__main__":
    main()

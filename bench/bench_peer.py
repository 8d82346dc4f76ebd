"""GovWiki side by side with An Otter Wiki (the Flask + git peer) and hello world, through the
shared harness in ../shared/bench; writes its tables into docs/PERFORMANCE.md.

The harness only talks HTTP (its README says how it works). This script does what the README
lists by hand: An Otter Wiki from PyPI into a virtual environment under the scratch folder (kept
between runs, so only the first run downloads it), the harness's hello-world app, and this
checkout's GovWiki on SQLite through the harness's own `peers/govwiki.sh` (schema from the
migrations, an official's API token from `flask --app app govwiki create-token` for the writes);
all three under the harness's gunicorn.conf.py (two sync workers) on free loopback ports. Both
wikis start empty and are seeded with the same corpus over HTTP, then `run.py run` measures every
scenario (15 s after 2 s of warm-up by default) and `run.py compare` makes the tables. Whatever
happens, the three servers are stopped at the end. It takes 12–15 minutes.

Run it: ``make bench-peer``, or ``python bench/bench_peer.py [--duration 15] [--harness DIR]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import load_generator  # noqa: E402
import serving  # noqa: E402

HARNESS = Path(os.environ.get("GOVWIKI_PEER_HARNESS", common.ROOT.parent / "shared" / "bench")).resolve()
SCRATCH = Path(os.environ.get("GOVWIKI_PEER_SCRATCH", "/tmp/govwiki-bench-peer"))
OUTPUT = common.ROOT / "docs" / "PERFORMANCE.md"
START, END = "<!-- peer:start -->", "<!-- peer:end -->"
#: seeding writes 1,201 revisions as fast as the harness sends them: lift the per-person limits
UNLIMITED = {"GOVWIKI_RATELIMIT_EDITS": "1000000/minute", "GOVWIKI_RATELIMIT_WRITES": "1000000/minute"}


class Target:
    """One server the harness measures: its start script, scratch folder and port."""

    def __init__(self, label: str, script: str, folder: Path, env: dict[str, str]):
        self.label, self.script, self.folder = label, HARNESS / "peers" / script, folder
        self.port = serving.free_port()
        self.env = {**os.environ, **env, "PORT": str(self.port)}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pidfile(self) -> Path:
        return self.folder / "gunicorn.pid"

    def do(self, action: str) -> None:
        subprocess.run([str(self.script), action], env=self.env, cwd=common.ROOT, check=True, timeout=900)

    @contextmanager
    def serving(self):
        self.do("start")
        try:
            yield self
        finally:
            self.do("stop")


def targets() -> tuple[Target, Target, Target]:
    """The peer, GovWiki and the ceiling, each with an empty wiki (the peer's install is kept)."""
    peer_dir, ours_dir = SCRATCH / "otterwiki", SCRATCH / "govwiki"
    shutil.rmtree(ours_dir, ignore_errors=True)
    shutil.rmtree(peer_dir / "repo", ignore_errors=True)
    (peer_dir / "db.sqlite").unlink(missing_ok=True)
    peer = Target("otterwiki", "otterwiki.sh", peer_dir, {"BENCH_DIR": str(peer_dir)})
    ours = Target(
        "govwiki",
        "govwiki.sh",
        ours_dir,
        {
            **UNLIMITED,
            "GW_DIR": str(ours_dir),
            "MAIN": str(common.ROOT),
            "GOVWIKI_DATABASE_URL": f"sqlite:///{ours_dir}/govwiki.sqlite3",
            "GOVWIKI_BENCH_TOKEN_FILE": str(ours_dir / "token"),
        },
    )
    ceiling_dir = SCRATCH / "ceiling"
    ceiling = Target(
        "ceiling", "ceiling.sh", ceiling_dir, {"BENCH_DIR": str(ceiling_dir), "VENV": str(peer_dir / "venv")}
    )
    return peer, ours, ceiling


def harness(*arguments: str, env: dict | None = None) -> str:
    """Run the harness's run.py; its output (also shown as it goes, for a long run)."""
    process = subprocess.run(
        [sys.executable, str(HARNESS / "run.py"), *arguments],
        env=env or os.environ,
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    sys.stderr.write(process.stdout[-4000:] + process.stderr[-2000:])
    if process.returncode:
        raise RuntimeError(f"run.py {arguments[0]} exited with {process.returncode}")
    return process.stdout


def run(duration: float) -> str:
    """Set up, seed and measure both wikis and the ceiling; the tables of `run.py compare`."""
    wrk = load_generator.ensure_wrk()
    peer, ours, ceiling = targets()
    peer.do("setup")
    ours.do("setup")
    results = SCRATCH / "results"
    shutil.rmtree(results, ignore_errors=True)
    with ExitStack() as stack:
        for target in (peer, ours, ceiling):
            stack.enter_context(target.serving())
        for target in (peer, ours):
            harness("seed", "--target", f"{target.label}={target.url}", "--out", str(results), env=ours.env)
        harness(
            "run", "--ceiling", f"ceiling={ceiling.url}",
            "--target", f"otterwiki={peer.url}", "--target", f"govwiki={ours.url}",
            *(f"--pidfile={t.label}={t.pidfile}" for t in (peer, ours, ceiling)),
            "--duration", str(duration), "--out", str(results), env=ours.env,
        )  # fmt: skip
    tables = harness(
        "compare", "--peer", str(results / "otterwiki.json"), "--ours", str(results / "govwiki.json"),
        "--ceiling", str(results / "ceiling.json"),
    )  # fmt: skip
    return section(tables, duration, "wrk" if wrk else "python")


def section(tables: str, duration: float, tool: str) -> str:
    """The kept section of docs/PERFORMANCE.md: when, how, and the harness's tables."""
    now = datetime.now(timezone.utc)
    return "\n".join(
        [
            START,
            f"Measured {now:%Y-%m-%d %H:%M} UTC by `make bench-peer` (`bench/bench_peer.py`), which drives the "
            f"shared harness `{os.path.relpath(HARNESS, common.ROOT)}` (see its README): An Otter Wiki "
            "from PyPI, GovWiki of this checkout on SQLite and the harness's hello world, each under the "
            f"harness's gunicorn.conf.py (two sync workers); both wikis seeded with the same 1,201 revisions "
            f"over HTTP; {duration:g} s per scenario after 2 s of warm-up, 8 connections, load from {tool}. "
            "GovWiki pages its history (the first 50 of 200 revisions); An Otter Wiki lists all. The "
            "harness's GovWiki adapter does not drive GovWiki's search (it predates it), so the search "
            "scenarios are the peer's alone; section 8 measures GovWiki's. `make bench` keeps this section "
            "as it is; `make bench-peer` rewrites it.",
            "",
            "",
            spaced_tables(tables.strip()),
            END,
        ]
    )


def spaced_tables(text: str) -> str:
    """The harness's output with a blank line around each table, so that Markdown sees them."""
    lines: list[str] = []
    for line in text.splitlines():
        table, before = line.startswith("|"), lines[-1] if lines else ""
        if before and table != before.startswith("|"):
            lines.append("")
        lines.append(line)
    return "\n".join(lines)


def write(text: str, output: Path = OUTPUT) -> None:
    """Replace the kept section in `output`, or put it before the Findings."""
    document = output.read_text() if output.exists() else "# Performance\n"
    kept = common.between(document, START, END)
    if kept is not None:
        document = document.replace(kept, text)
    elif "\n## Findings" in document:
        document = document.replace(
            "\n## Findings", f"\n## 7. Side by side with An Otter Wiki\n\n{text}\n\n## Findings", 1
        )
    else:
        document += f"\n## 7. Side by side with An Otter Wiki\n\n{text}\n"
    output.write_text(document)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=15.0, help="seconds of load per scenario")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="the file to write the section into")
    args = parser.parse_args(argv)
    if not (HARNESS / "run.py").exists():
        raise SystemExit(f"no harness at {HARNESS} (set GOVWIKI_PEER_HARNESS)")
    text = run(args.duration)
    write(text, args.output)
    print(text)


if __name__ == "__main__":
    main()

"""Run every benchmark, print their tables and write docs/PERFORMANCE.md.

``make bench`` runs this with the project's virtual environment; ``python bench/run_all.py``
works too. It takes about half an hour on two cores: it grows pages to 5,000 revisions of 100 KB,
loads the reads of section 6 on SQLite and on PostgreSQL, and builds and searches the index of
section 8. PostgreSQL is measured when the server in GOVWIKI_BENCH_POSTGRES (default
postgresql://postgres@127.0.0.1:5432/postgres) answers; ``--no-postgres`` skips it.
``--search-only`` runs only section 8 and puts it and its targets into the file as it stands;
``--reads-only`` does the same for section 6.

The measured sections of docs/PERFORMANCE.md are rewritten on each run; three sections are kept as
they are between their markers: the side-by-side tables of ``make bench-peer`` (bench_peer.py,
section 7), the invitations by mail of ``bench_mail.py --write`` (section 9, with its row of the
Targets table) and the "Findings" (causes found by profiling, written by people).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_discussion  # noqa: E402
import bench_mail  # noqa: E402
import bench_peer  # noqa: E402
import bench_reads  # noqa: E402
import bench_save_history  # noqa: E402
import bench_save_pages  # noqa: E402
import bench_search  # noqa: E402
import bench_view_throughput  # noqa: E402
import common  # noqa: E402

OUTPUT = common.ROOT / "docs" / "PERFORMANCE.md"
FINDINGS_START = "<!-- findings:start -->"
FINDINGS_END = "<!-- findings:end -->"
DIFF_TARGET = 0.5


def run_diff() -> dict:
    """Run bench/bench_diff.py (measures the core diff) and read its table."""
    out = subprocess.run(
        [sys.executable, str(common.ROOT / "bench" / "bench_diff.py")],
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    ).stdout
    rows = re.findall(r"^\| ([^|]+?) \| ([\d.]+) \| ([\d.]+) \| (yes|no) \| ([^|]+?) \|$", out, re.MULTILINE)
    table = out[out.index("| case") :].strip()
    timed = [float(seconds) for name, _, seconds, _, _ in rows if not name.startswith("forced")]
    return {
        "intro": out.splitlines()[0],
        "table": table,
        "rows": rows,
        "fast": bool(timed) and max(timed) < DIFF_TARGET,
        "exact": bool(rows) and all(rebuilt == "yes" for *_, rebuilt, _ in rows),
    }


def diff_report(result: dict) -> str:
    return "\n".join(
        [
            f"`bench/bench_diff.py`: {result['intro']}.",
            "",
            result["table"],
            "",
            f"Every diff under {DIFF_TARGET} s: **{common.verdict(result['fast'])}**; every diff, the forced "
            f"timeout included, rebuilds both texts: **{common.verdict(result['exact'])}**.",
        ]
    )


def _p50(timings: dict, key: str) -> str:
    return common.ms(common.percentile(timings[key], 0.5))


def _history_row(history: dict) -> list[str]:
    first, last = history["rows"][0]["timings"], history["rows"][-1]["timings"]
    return [
        f"1. Save a 100 KB page, 10 → 5,000 revisions, {history['label']}: flat (view too)",
        f"save p50 {_p50(first, 'save')} → {_p50(last, 'save')} ms (CPU {_p50(first, 'save_cpu')} → "
        f"{_p50(last, 'save_cpu')}); cached view p50 {_p50(first, 'view_warm')} → "
        f"{_p50(last, 'view_warm')} ms "
        f"(CPU {_p50(first, 'view_warm_cpu')} → {_p50(last, 'view_warm_cpu')})",
        common.verdict(all(history["verdict"].values())),
    ]


def summary(results: dict, output: Path = OUTPUT) -> str:
    """One line per target with its verdict (section 9's as `bench_mail.py --write` left it)."""
    diff, view = results["diff"], results["view"]
    rows = [_history_row(history) for history in results["history"]]
    rows += [
        [
            "2. Diff two 1 MB revisions < 0.5 s; a timeout still rebuilds both texts",
            ", ".join(f"{name.split(' (')[0]} {seconds} s" for name, _, seconds, _, _ in diff["rows"]),
            common.verdict(diff["fast"] and diff["exact"]),
        ],
        [
            "3. View a 2 KB page ≥ 10 % of hello world (gunicorn)",
            "; ".join(f"{row['config']}: {row['ratio']:.1%}" for row in view["rows"]),
            common.verdict(view["verdict"]),
        ],
    ]
    for result in results["pages"]:
        worst = lambda key, share: max(  # noqa: E731
            common.percentile(row["timings"][key], share) for row in result["rows"]
        )
        rows.append(
            [
                f"4. Save, 100 → 10,000 pages, {result['label']}: p50 ≤ 15 ms, p99 ≤ 50 ms, flat",
                f"worst p50 {common.ms(worst('save', 0.5))} ms (CPU {common.ms(worst('save_cpu', 0.5))}), "
                f"worst p99 {common.ms(worst('save', 0.99))} ms",
                common.verdict(all(result["verdict"].values())),
            ]
        )
    rows += bench_discussion.summary_rows(results["discussion"])
    rows += bench_reads.summary_rows(results["reads"])
    rows += bench_search.summary_rows(results["search"])
    rows += bench_mail.kept_target_rows(output)
    return common.markdown_table(["target", "measured", "verdict"], rows)


def kept(output: Path, start: str, end: str, placeholder: str) -> str:
    """A section of the current file written by hand or by another script, or a placeholder."""
    found = common.between(output.read_text(), start, end) if output.exists() else None
    return found or f"{start}\n{placeholder}\n{end}"


def kept_findings(output: Path) -> str:
    placeholder = "_No findings written yet: profile the failing targets and note the causes here._"
    return kept(output, FINDINGS_START, FINDINGS_END, placeholder)


def kept_peer(output: Path) -> str:
    placeholder = "_Not measured yet: run `make bench-peer`._"
    return kept(output, bench_peer.START, bench_peer.END, placeholder)


def kept_mail(output: Path) -> str:
    placeholder = "_Not measured yet: run `python bench/bench_mail.py --write`._"
    return kept(output, bench_mail.START, bench_mail.END, placeholder)


def document(results: dict, machine: dict, started: datetime, seconds: float, output: Path) -> str:
    sections = [
        "# Performance",
        "",
        "Measured by `make bench` (`bench/run_all.py`), which rewrites this file except for the "
        "Findings section, section 7 (`make bench-peer` writes that one) and section 9 (`bench_mail.py --write`). "
        "Each benchmark also runs alone: "
        "`python bench/bench_save_history.py`, `bench_diff.py`, `bench_view_throughput.py`, "
        "`bench_save_pages.py`, `bench_discussion.py`, `bench_reads.py`, `bench_search.py`; `bench_save_history.py`, "
        "`bench_save_pages.py` and `bench_reads.py` take `--postgres` to add PostgreSQL.",
        "",
        "## Machine",
        "",
        common.markdown_table(
            ["", ""],
            [
                ["run", f"{started:%Y-%m-%d %H:%M} UTC, {seconds / 60:.1f} minutes"],
                ["cores", machine["cores"]],
                ["CPU", machine["cpu"]],
                ["system", machine["os"]],
                ["Python", machine["python"]],
                ["SQLite", machine["sqlite"]],
                ["PostgreSQL", machine["postgresql"]],
                ["load average (1 min) at start / end", f"{results['load_start']} / {results['load_end']}"],
            ],
        ),
        "",
        "The machine is shared: other work running at the same time lengthens wall times. The save "
        "tables therefore show CPU time beside wall time; a wall time far above its CPU time was "
        "spent waiting for a core, not working.",
        "",
        "## Targets",
        "",
        summary(results, output),
        "",
        "## 1. Save and view latency as a page's history grows",
        "",
        "\n\n".join(bench_save_history.report(result) for result in results["history"]),
        "",
        "## 2. Diff of two 1 MB revisions",
        "",
        diff_report(results["diff"]),
        "",
        "## 3. Reading a page: throughput against hello world",
        "",
        bench_view_throughput.report(results["view"]),
        "",
        "## 4. Save latency as the number of pages grows",
        "",
        "\n\n".join(bench_save_pages.report(result) for result in results["pages"]),
        "",
        "## 5. A page under discussion",
        "",
        bench_discussion.report(results["discussion"]),
        "",
        READS_HEADING,
        "",
        "\n\n".join(bench_reads.report(result) for result in results["reads"]),
        "",
        "## 7. Side by side with An Otter Wiki",
        "",
        kept_peer(output),
        "",
        SEARCH_HEADING,
        "",
        bench_search.report(results["search"]),
        "",
        bench_mail.HEADING,
        "",
        kept_mail(output),
        "",
        "## Findings",
        "",
        kept_findings(output),
        "",
    ]
    return "\n".join(sections)


SEARCH_HEADING = "## 8. Search on 10,000 pages and 100,000 comments"
READS_HEADING = "## 6. What people read most, against hello world"


def with_search(text: str, result: dict) -> str:
    """`text` (a PERFORMANCE.md) with section 8 and its rows of the Targets table from `result`."""
    return with_section(text, SEARCH_HEADING, bench_search.report(result), bench_search.summary_rows(result))


def with_reads(text: str, results: list[dict]) -> str:
    """`text` with section 6 and its rows of the Targets table from one run per database."""
    report = "\n\n".join(bench_reads.report(result) for result in results)
    return with_section(text, READS_HEADING, report, bench_reads.summary_rows(results))


def with_section(text: str, heading: str, report: str, target_rows: list[list[str]]) -> str:
    """`text` with the section under `heading` replaced by `report`, and the Targets table's rows
    of that section's number by `target_rows` (after the other rows, in their place)."""
    number = heading.split()[1]  # "8."
    lines = text.split("\n")
    targets = lines.index("## Targets")
    end = next(i for i in range(targets + 3, len(lines)) if not lines[i].startswith("|"))
    table = common.markdown_table(["target", "measured", "verdict"], target_rows).split("\n")[2:]
    rows = lines[targets:end]
    mine = f"| {number} "
    place = next((i for i, line in enumerate(rows) if line.startswith(mine)), len(rows))
    others = [line for line in rows if not line.startswith(mine)]
    rows = others[:place] + table + others[place:]
    text = "\n".join(lines[:targets] + rows + lines[end:])
    section = f"{heading}\n\n{report}\n\n"
    if heading in text:
        start = text.index(heading)
        following = text.index("\n## ", start + len(heading)) + 1
        return text[:start] + section + text[following:]
    return text.replace("## Findings", section + "## Findings", 1)


def wait_for_quiet(minutes: float) -> None:
    """Wait up to `minutes` for the 1-minute load average to fall to half the cores."""
    deadline = time.monotonic() + minutes * 60
    quiet = (os.cpu_count() or 1) / 2
    while time.monotonic() < deadline and os.getloadavg()[0] > quiet:
        print(f"waiting for a quieter machine: load {os.getloadavg()[0]:.1f} > {quiet:.1f}", flush=True)
        time.sleep(15)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-postgres", action="store_true", help="measure SQLite only")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write the report")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="MINUTES",
        help="first wait up to MINUTES for other work on the machine to calm down",
    )
    parser.add_argument(
        "--search-only", action="store_true", help="measure section 8 only and update it in the report"
    )
    parser.add_argument(
        "--reads-only", action="store_true", help="measure section 6 only and update it in the report"
    )
    args = parser.parse_args(argv)
    wait_for_quiet(args.wait_quiet)
    if args.search_only:
        result = bench_search.run()
        print(bench_search.report(result), flush=True)
        args.output.write_text(with_search(args.output.read_text(), result))
        print(f"\nUpdated section 8 of {args.output}")
        return
    if args.reads_only:
        found = common.on_each_database(bench_reads.run, postgres=not args.no_postgres)
        print("\n\n".join(bench_reads.report(result) for result in found), flush=True)
        args.output.write_text(with_reads(args.output.read_text(), found))
        print(f"\nUpdated section 6 of {args.output}")
        return
    started = datetime.now(timezone.utc)
    machine = common.machine()
    results = {"load_start": common.load_average()}

    def step(name: str, function, report):
        print(f"\n## {name}", flush=True)
        result = function()
        print(report(result), flush=True)
        return result

    results["diff"] = step("Diff of two 1 MB revisions", run_diff, diff_report)
    results["view"] = step("Page view throughput", bench_view_throughput.run, bench_view_throughput.report)
    results["discussion"] = step("A page under discussion", bench_discussion.run, bench_discussion.report)
    results["reads"] = step(
        "What people read most, against hello world",
        lambda: common.on_each_database(bench_reads.run, postgres=not args.no_postgres),
        lambda found: "\n\n".join(bench_reads.report(r) for r in found),
    )
    results["pages"] = step(
        "Save latency by number of pages",
        lambda: common.on_each_database(bench_save_pages.run, postgres=not args.no_postgres),
        lambda found: "\n\n".join(bench_save_pages.report(r) for r in found),
    )
    results["history"] = step(
        "Save latency by history length",
        lambda: common.on_each_database(bench_save_history.run, postgres=not args.no_postgres),
        lambda found: "\n\n".join(bench_save_history.report(r) for r in found),
    )
    results["search"] = step("Search on a big site", bench_search.run, bench_search.report)
    results["load_end"] = common.load_average()
    seconds = (datetime.now(timezone.utc) - started).total_seconds()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(document(results, machine, started, seconds, args.output))
    print(f"\nWrote {args.output} ({seconds / 60:.1f} minutes)")


if __name__ == "__main__":
    main()

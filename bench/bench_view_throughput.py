"""Throughput of reading a 2 KB page, next to a hello-world Flask app under the same gunicorn.

The target: a signed-out reader's `GET /pages/<slug>` (the HTML page with the full layout)
serves at least 10 % of the requests per second of a Flask app that returns "Hello, World!",
both under the same gunicorn configuration. GovWiki is served from a fresh instance folder in a
temporary directory: the schema comes from `flask --app app db upgrade`, the data from the
services. Two gunicorn configurations are measured: the production `gunicorn.conf.py` (its
workers, threads and preloading; access log off) and two sync workers. The load comes from
`wrk` (see bench/serving.py), so only the ratio compares across machines.

Run it alone: ``python bench/bench_view_throughput.py``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import load_generator  # noqa: E402
import serving  # noqa: E402

TARGET_RATIO = 0.10
PAGE_CHARS = 2_000
PAGE_TITLE = "Residents' parking"
#: (name, environment for gunicorn.conf.py): its defaults, then two sync workers
CONFIGURATIONS = (("gunicorn.conf.py defaults", {}), ("2 sync workers", serving.TWO_SYNC_WORKERS))


# --- data -----------------------------------------------------------------------------------


def prepare_instance(instance: Path) -> str:
    """Build the schema with the migrations and a 2 KB page with the services; return its path."""
    from govwiki.extensions import db
    from govwiki.services import pages

    app = serving.migrated_app(instance)
    with app.app_context():
        session = db.session
        official = common.make_official(session)
        consultation = common.make_consultation(session, official, "Parking permits")
        body = common.markdown_body(random.Random(3), PAGE_CHARS)
        page = pages.create_page(session, official, consultation, title=PAGE_TITLE, body=body)
        path = f"/pages/{page.slug}"
    serving.release(app)
    return path


def run() -> dict:
    """Measure both apps under each configuration; return rows and verdict."""
    wrk = load_generator.ensure_wrk()
    rows = []
    with common.workspace("view") as folder:
        instance = folder / "instance"
        path = prepare_instance(instance)
        for name, settings in CONFIGURATIONS:
            env = {**settings, **serving.instance_env(instance)}
            slug = name.split()[0].replace(".", "")
            hello = serving.measure_hello(folder, wrk, env, f"hello-{slug}")
            govwiki = serving.measure(
                folder, wrk, "app:app", common.ROOT, path, env, f"govwiki-{slug}", serving.PAGE_MARK
            )
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
    return row["ratio"] >= TARGET_RATIO and load_generator.clean(page)


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
    return "\n".join(
        [
            f"{load_generator.DURATION} s per run after {load_generator.WARMUP} s of warm-up; load from "
            f"{load_generator.tool_name(result['tool'])}, on the same 2 cores as "
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

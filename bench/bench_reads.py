"""What people read most, as a share of hello world: a page signed out and signed in, a long
history, a repeated large diff and the front page; and the first diff of two 1 MB revisions.

Targets (issue 14), as a share of the requests per second of a hello-world Flask app under the
same gunicorn (two sync workers) in the same run, SQLite / PostgreSQL: a 2 KB page signed out
≥ 25 % / 20 %, signed in as a resident ≥ 15 % / 10 %; the history of a 100 KB page (its first
screen of 50) ≥ 10 % / 7 % with 200 and with 5,000 revisions and flat between them; the diff of a
100 KB page from revision 1 to 200, asked again and again, ≥ 10 %; the front page ≥ 15 % / 12 %
with 500 consultations and flat from 50 to 500; and the first diff of two 1 MB revisions answers
in under 0.3 s. "Flat": the rate at the larger size is at least the smaller one's / FLAT_FACTOR.

The schema comes from the migrations and the data from the services (`pages.save_page` for the
first 200 revisions of each long page, then revisions in bulk as bench_save_history grows them;
`consultations.create_consultation` for the front page). The resident signs in through the web
form and wrk sends the session cookie. Each scenario is fetched and checked once, then loaded
for load_generator.DURATION seconds after load_generator.WARMUP seconds of warm-up.

Run it alone: ``python bench/bench_reads.py`` (``--postgres`` adds PostgreSQL).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_save_history as histories  # noqa: E402
import common  # noqa: E402
import load_generator  # noqa: E402
import serving  # noqa: E402

#: share of hello world each kind of read must reach: (SQLite, PostgreSQL)
TARGETS = {
    "signed out": (0.25, 0.20),
    "signed in": (0.15, 0.10),
    "history": (0.10, 0.07),
    "diff": (0.10, 0.10),
    "front": (0.15, 0.12),
}
FLAT_FACTOR = 1.5
FIRST_DIFF_TARGET = 0.3  #: seconds for the first diff of two 1 MB revisions
REVISIONS = (200, 5_000)
CONSULTATIONS = (50, 500)
LARGE_CHARS = 100_000
RESIDENT, PASSWORD = "bench-resident", "password123"
#: share of the 1 MB text's paragraphs changed between its two revisions (as bench_diff.py)
MB_CHANGES = {"1 % of paragraphs changed": 0.01, "30 % of paragraphs rewritten": 0.30}


# --- data -----------------------------------------------------------------------------------


def prepare(instance: Path, database_url: str | None) -> dict:
    """Everything but the front page's last 450 consultations; returns paths and the app."""
    from govwiki.extensions import db
    from govwiki.models import User
    from govwiki.services import accounts, pages

    app = serving.migrated_app(instance, database_url)
    rng = random.Random(20261214)
    with app.app_context():
        session = db.session
        people = histories.make_people(session)
        official = session.get(User, people[0])
        accounts.register_user(session, RESIDENT, f"{RESIDENT}@example.org", PASSWORD)
        consultation = common.make_consultation(session, official, "Reading room")
        small = pages.create_page(
            session, official, consultation, title="Parking permits", body=common.markdown_body(rng, 2_000)
        )
        data = {"app": app, "official": official.id, "small": f"/pages/{small.slug}"}
        data["long"] = {n: long_page(session, consultation, people, n, rng) for n in REVISIONS}
        data["mb"] = megabyte_pages(session, official, consultation)
        add_consultations(session, official, CONSULTATIONS[0] - 1, rng)
    serving.release(app)
    return data


def long_page(session, consultation, people: list[int], revisions: int, rng: random.Random) -> str:
    """A 100 KB page with `revisions` small edits by many people; returns its slug."""
    from govwiki.models import User
    from govwiki.services import pages

    official = session.get(User, people[0])
    body = common.markdown_body(rng, LARGE_CHARS)
    page = pages.create_page(session, official, consultation, title=f"{revisions:,} revisions", body=body)
    for number in range(2, min(revisions, REVISIONS[0]) + 1):
        head = pages.head_revision(session, page)
        edited = common.apply_edit(head.body, common.small_edit(rng, head.body, LARGE_CHARS))
        author = session.get(User, histories.author_of(people, number))
        pages.save_page(session, author, page, body=edited, base_revision=head.number)
    if revisions > REVISIONS[0]:
        histories.grow(session, page.id, people, revisions, rng)
    return page.slug


def megabyte_pages(session, official, consultation) -> dict[str, str]:
    """Pages of ~1 MB with a second revision changing a share of the paragraphs: their slugs."""
    import bench_diff  # here, not at the top: importing it first would hide the Flask app

    from govwiki.services import pages

    blocks = bench_diff.build_document()
    slugs = {}
    for seed, (name, share) in enumerate(MB_CHANGES.items(), start=11):
        body = "\n\n".join(blocks) + "\n"
        page = pages.create_page(session, official, consultation, title=f"1 MB, {name}", body=body)
        changed = "\n\n".join(bench_diff.revise(blocks, share, seed=seed)) + "\n"
        pages.save_page(session, official, page, body=changed, base_revision=1)
        slugs[name] = page.slug
    return slugs


def add_consultations(session, official, count: int, rng: random.Random) -> str:
    """Open `count` consultations with a title, a summary and mostly a deadline; the last title."""
    from govwiki.services import clock, consultations

    title = ""
    for _ in range(count):
        title = common.sentence(rng)[:120].rstrip(".")
        summary = " ".join(common.sentence(rng) for _ in range(rng.randint(1, 5)))
        closes_at = clock.now() + timedelta(days=rng.randint(7, 90)) if rng.random() < 0.8 else None
        policy = rng.choice(("comment", "suggest", "edit"))
        consultation = consultations.create_consultation(
            session, official, title=title, summary=summary, edit_policy=policy, closes_at=closes_at
        )
        consultations.update_consultation(session, official, consultation, {"status": "open"})
    return title


def grow_front_page(app, official_id: int) -> bytes:
    """Add consultations up to the larger count; the newest one's title, as the page shows it."""
    from markupsafe import escape

    from govwiki.extensions import db
    from govwiki.models import User

    with app.app_context():
        session = db.session
        count = CONSULTATIONS[1] - CONSULTATIONS[0]
        title = add_consultations(session, session.get(User, official_id), count, random.Random(500))
    serving.release(app)
    return str(escape(title)).encode()


# --- measuring ------------------------------------------------------------------------------


def scenarios(data: dict, cookie: list[str]) -> list[tuple]:
    """(kind, name, path, headers, what the answer must contain), before the front page grows."""
    slugs = data["long"]
    rows = [
        ("signed out", "2 KB page, signed out", data["small"], (), serving.PAGE_MARK),
        ("signed in", "2 KB page, signed in as a resident", data["small"], cookie, b'class="signed-in-as"'),
    ]
    for number, slug in slugs.items():
        path, head = f"/pages/{slug}/history", f"/pages/{slug}/revisions/{number}".encode()
        rows.append(("history", f"history of a 100 KB page, {number:,} revisions", path, (), head))
    diff = f"/pages/{slugs[REVISIONS[0]]}/diff?from=1&to={REVISIONS[0]}"
    rows.append(("diff", f"diff of a 100 KB page, revision 1 → {REVISIONS[0]}, repeated", diff, (), b"<ins>"))
    return rows


def measure_row(wrk, port: int, scenario: tuple, hello: dict) -> dict:
    kind, name, path, headers, expect = scenario
    serving.check(port, path, expect or serving.PAGE_MARK, headers)
    result = load_generator.warm_and_load(wrk, port, path, headers)
    print(f"  {name}: {result['rps']:,.0f} req/s ({result['rps'] / hello['rps']:.1%})", file=sys.stderr)
    return {"kind": kind, "name": name, "path": path, **result}


def first_diff(port: int, slug: str) -> float:
    """Seconds the first diff of the page's two revisions takes, as one request."""
    path = f"/pages/{slug}/diff?from=1&to=2"
    started = time.perf_counter()
    status, _, body = serving.fetch(port, path)
    seconds = time.perf_counter() - started
    if status != 200 or b"<ins>" not in body:
        raise RuntimeError(f"GET {path} answered {status}")
    return seconds


def run(*, database_url: str | None = None, label: str = "SQLite") -> dict:
    """Build the data, then measure hello world and every read on one GovWiki server."""
    wrk = load_generator.ensure_wrk()
    with common.workspace("reads") as folder:
        instance = folder / "instance"
        data = prepare(instance, database_url)
        common.analyze(database_url)
        env = {**serving.TWO_SYNC_WORKERS, **serving.instance_env(instance, database_url)}
        hello = serving.measure_hello(folder, wrk, env)
        with serving.govwiki(folder, env, data["small"]) as port:
            cookie = [serving.sign_in(port, RESIDENT, PASSWORD)]
            rows = [measure_row(wrk, port, scenario, hello) for scenario in scenarios(data, cookie)]
            for count in CONSULTATIONS:
                newest = grow_front_page(data["app"], data["official"]) if count > CONSULTATIONS[0] else b""
                common.analyze(database_url)
                scenario = ("front", f"front page, {count:,} consultations", "/", (), newest)
                rows.append(measure_row(wrk, port, scenario, hello))
            first = {name: first_diff(port, slug) for name, slug in data["mb"].items()}
    return {
        "label": label,
        "hello": hello,
        "rows": rows,
        "first_diff": first,
        "tool": "wrk" if wrk else "python",
        "load": common.load_average(),
    }


# --- verdicts and tables --------------------------------------------------------------------


#: the targets' lines in the summary table, one per kind of read
SUMMARY_NAMES = {
    "signed out": "2 KB page, signed out",
    "signed in": "2 KB page, signed in as a resident",
    "history": f"History of a 100 KB page, {REVISIONS[0]} and {REVISIONS[1]:,} revisions, flat",
    "diff": f"Repeated diff of a 100 KB page, revision 1 → {REVISIONS[0]}",
    "front": f"Front page, {CONSULTATIONS[1]} consultations, flat from {CONSULTATIONS[0]}",
}
#: kinds measured at two sizes, the larger of which must be flat against the smaller
GROWING = ("history", "front")


def judged(result: dict) -> list[dict]:
    """Each row with its share of hello world, its target, whether it is checked for being flat
    (against the smaller size just before it) and its verdict."""
    hello, rows, out = result["hello"]["rps"], result["rows"], []
    for index, row in enumerate(rows):
        goal = TARGETS[row["kind"]][0 if result["label"] == "SQLite" else 1]
        before = rows[index - 1] if index else None
        flat = row["kind"] in GROWING and before is not None and before["kind"] == row["kind"]
        ok = row["rps"] / hello >= goal and load_generator.clean(row)
        ok = ok and (not flat or row["rps"] * FLAT_FACTOR >= before["rps"])
        out.append({**row, "share": row["rps"] / hello, "target": goal, "flat": flat, "ok": ok})
    return out


def _first_diff_passes(result: dict) -> bool:
    return all(seconds < FIRST_DIFF_TARGET for seconds in result["first_diff"].values())


def report(result: dict) -> str:
    """The Markdown table of one run."""
    hello = result["hello"]
    rows = [
        ["hello world (same gunicorn)", f"{hello['rps']:,.0f} ({hello['p50']} / {hello['p99']})", "", "", ""]
    ]
    for row in judged(result):
        errors = f"; {row['errors']} non-2xx" if row["errors"] else ""
        goal = f"≥ {row['target']:.0%}" + ("; flat" if row["flat"] else "")
        rate = f"{row['rps']:,.0f} ({row['p50']} / {row['p99']}){errors}"
        rows.append([row["name"], rate, f"{row['share']:.1%}", goal, common.verdict(row["ok"])])
    for name, seconds in result["first_diff"].items():
        ok = seconds < FIRST_DIFF_TARGET
        rows.append(
            [f"first diff of two 1 MB revisions ({name}), one request", f"{seconds:.3f} s", "",
             f"< {FIRST_DIFF_TARGET} s", common.verdict(ok)]
        )  # fmt: skip
    headers = ["read", "req/s (p50 / p99 latency)", "of hello world", "target", "verdict"]
    return "\n".join(
        [
            f"{result['label']}: two sync gunicorn workers; {load_generator.DURATION} s of load per row after "
            f"{load_generator.WARMUP} s of warm-up, from {load_generator.tool_name(result['tool'])}. Flat: at least "
            f"1/{FLAT_FACTOR} of the rate of the smaller size above. Load average at the end {result['load']}.",
            "",
            common.markdown_table(headers, rows),
        ]
    )


def summary_rows(results: list[dict]) -> list[list[str]]:
    """The targets' lines for the summary table of docs/PERFORMANCE.md, one per kind of read."""
    lines = []
    for kind, name in SUMMARY_NAMES.items():
        shares = " / ".join(f"{share:.0%}" for share in TARGETS[kind])
        measured, ok = [], True
        for result in results:
            rows = [row for row in judged(result) if row["kind"] == kind]
            measured.append(f"{result['label']} " + " → ".join(f"{row['share']:.1%}" for row in rows))
            ok = ok and all(row["ok"] for row in rows)
        lines.append(
            [
                f"6. {name}: ≥ {shares} of hello world (SQLite / PostgreSQL)",
                "; ".join(measured),
                common.verdict(ok),
            ]
        )
    first = "; ".join(
        f"{result['label']} " + " / ".join(f"{seconds:.2f} s" for seconds in result["first_diff"].values())
        for result in results
    )
    passes = all(_first_diff_passes(result) for result in results)
    lines.append(
        [f"6. First diff of two 1 MB revisions < {FIRST_DIFF_TARGET} s", first, common.verdict(passes)]
    )
    return lines


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="also run on a throwaway PostgreSQL database")
    args = parser.parse_args(argv)
    for result in common.on_each_database(run, postgres=args.postgres):
        print(report(result), end="\n\n")


if __name__ == "__main__":
    main()

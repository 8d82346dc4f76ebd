"""Save latency as the site grows from 100 to 10,000 pages.

The target: p50 ≤ 15 ms and p99 ≤ 50 ms for `pages.save_page`, flat as pages are added. Pages of
2–5 KB of Markdown are created in bulk (rows as `pages.create_page` writes them: the page, its
first revision with sha256, size and blame, the creator's contributor tally) in consultations of
50 pages each; at 100, 1,000 and 10,000 pages the benchmark makes real saves through the service
on random pages: one of five editors opens the head, makes a small edit (a word changed or a
sentence added or removed) and saves it on that head, in a fresh database session as a request
would. The time is the `save_page` call alone; its CPU time is shown beside the wall time so
that a busy machine can be told apart from work the save does.

A second table follows one more thing a save does in proportion to something that grows: it
notifies the people watching the page's consultation. On the 10,000-page site, 0, 10 and then
100 residents watch one consultation, and saves are measured on its pages.

Run it alone: ``python bench/bench_save_pages.py`` (``--postgres`` adds a PostgreSQL run).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from govwiki.extensions import db  # noqa: E402
from govwiki.models import Page, PageContributor, Revision, User, utcnow  # noqa: E402
from govwiki.models import Consultation  # noqa: E402
from govwiki.services import accounts, notifications, pages  # noqa: E402

CHECKPOINTS = (100, 1_000, 10_000)
SAVES = 200  #: measured saves per checkpoint
#: people watching one consultation, then saves on its pages (each save notifies them)
WATCHERS = (0, 10, 100)
WATCHER_SAVES = 30
PAGES_PER_CONSULTATION = 50
BODY_CHARS = (2_000, 5_000)
P50_TARGET = 0.015
P99_TARGET = 0.050
FLAT_FACTOR = 1.5
FLAT_SLACK = 0.002


def add_pages(session, target: int, official_id: int, rng: random.Random) -> float:
    """Create pages in bulk until there are `target`; return the seconds it took."""
    started = time.perf_counter()
    count = session.scalar(select(func.count()).select_from(Page))
    official = session.get(User, official_id)
    while count < target:
        title = f"Consultation {count // PAGES_PER_CONSULTATION + 1}"
        consultation = common.make_consultation(session, official, title)
        batch = min(PAGES_PER_CONSULTATION, target - count)
        _insert_pages(session, consultation.id, official_id, count, batch, rng)
        count += batch
    return time.perf_counter() - started


def _insert_pages(session, consultation_id: int, author_id: int, first: int, count: int, rng) -> None:
    at = utcnow()
    page_rows = [
        {
            "consultation_id": consultation_id,
            "slug": f"page-{first + i:05d}",
            "title": f"Page {first + i}",
            "position": i,
            "head_number": 1,
            "created_at": at,
            "updated_at": at,
        }
        for i in range(count)
    ]
    ids = session.scalars(insert(Page).returning(Page.id, sort_by_parameter_order=True), page_rows).all()
    revisions, tallies = [], []
    for page_id in ids:
        body = common.markdown_body(rng, rng.randint(*BODY_CHARS))
        encoded = body.encode("utf-8")
        revisions.append(
            {
                "page_id": page_id,
                "number": 1,
                "parent_number": None,
                "author_id": author_id,
                "summary": "Created the page",
                "body": body,
                "sha256": hashlib.sha256(encoded).hexdigest(),
                "size": len(encoded),
                **common.first_counts(body),
                "blame": [[len(body), 1]],
                "created_at": at,
            }
        )
        tallies.append({"page_id": page_id, "user_id": author_id, "revisions": 1, "last_at": at})
    session.execute(insert(Revision), revisions)
    session.execute(insert(PageContributor), tallies)
    session.commit()


def measure(page_ids: list[int], editor_ids: list[int], rng: random.Random, saves: int = SAVES) -> dict:
    """`saves` saves on random pages, each in a fresh session: wall and CPU seconds."""
    timings: dict[str, list[float]] = {}
    for _ in range(saves):
        db.session.remove()
        session = db.session
        page = session.get(Page, rng.choice(page_ids))
        actor = session.get(User, rng.choice(editor_ids))
        head = pages.head_revision(session, page)
        body = common.apply_edit(head.body, common.small_edit(rng, head.body, BODY_CHARS[1]))
        with common.timed(timings, "save"):
            result = pages.save_page(
                session, actor, page, body=body, summary="Small edit", base_revision=head.number
            )
        assert result.revision.number == head.number + 1 and not result.merged
    db.session.remove()
    return timings


def measure_watchers(editor_ids: list[int], rng: random.Random) -> list[dict]:
    """Saves on the pages of one consultation as more people watch it."""
    session = db.session
    consultation = session.scalar(
        select(Consultation).where(Consultation.pages.any()).order_by(Consultation.id.desc())
    )
    consultation_id = consultation.id
    page_ids = list(session.scalars(select(Page.id).where(Page.consultation_id == consultation_id)))
    rows, watching = [], 0
    for target in WATCHERS:
        for number in range(watching, target):
            name = f"watcher-{number}"
            watcher = accounts.register_user(session, name, f"{name}@example.org", "password123")
            notifications.watch(session, watcher, consultation=session.get(Consultation, consultation_id))
        watching = target
        timings = measure(page_ids, editor_ids, rng, WATCHER_SAVES)
        rows.append({"watchers": target, "timings": timings})
        p50 = common.ms(common.percentile(timings["save"], 0.5))
        print(f"  {target} watchers: save p50 {p50} ms", file=sys.stderr)
    return rows


def run(*, database_url: str | None = None, checkpoints=CHECKPOINTS, label: str = "SQLite") -> dict:
    """Add pages checkpoint by checkpoint and measure saves at each; return rows and verdict."""
    rng = random.Random(20261102)
    rows = []
    with common.workspace("pages") as folder:
        app = common.build_app(folder, database_url)
        with app.app_context():
            session = db.session
            official = common.make_official(session)
            editors = [official] + [
                accounts.register_user(session, f"editor-{i}", f"editor-{i}@example.org", "password123")
                for i in range(1, 5)
            ]
            editor_ids = [editor.id for editor in editors]
            # One page through the service, so the bulk rows sit beside a real one.
            pages.create_page(
                session,
                official,
                common.make_consultation(session, official, "Reference"),
                title="Reference page",
                body=common.markdown_body(rng, 3_000),
            )
            official_id = official.id
            for checkpoint in checkpoints:
                grown = add_pages(db.session, checkpoint, official_id, rng)
                page_ids = list(db.session.scalars(select(Page.id)))
                timings = measure(page_ids, editor_ids, rng)
                rows.append({"pages": len(page_ids), "grow_seconds": grown, "timings": timings})
                print(
                    f"  [{label}] {len(page_ids):,} pages: save p50 "
                    f"{common.ms(common.percentile(timings['save'], 0.5))} ms",
                    file=sys.stderr,
                )
            watchers = measure_watchers(editor_ids, rng)
            db.session.remove()
            db.engine.dispose()
    return {
        "label": label,
        "rows": rows,
        "watchers": watchers,
        "verdict": _verdict(rows),
        "load": common.load_average(),
    }


def _verdict(rows) -> dict[str, bool]:
    p50s = [common.percentile(row["timings"]["save"], 0.5) for row in rows]
    p99s = [common.percentile(row["timings"]["save"], 0.99) for row in rows]
    return {
        "p50": max(p50s) <= P50_TARGET,
        "p99": max(p99s) <= P99_TARGET,
        "flat": p50s[-1] <= p50s[0] * FLAT_FACTOR + FLAT_SLACK,
    }


def report(result: dict) -> str:
    """The Markdown table of one run."""
    headers = [
        "pages",
        "save p50 (ms)",
        "save p99 (ms)",
        "CPU p50 / p99 (ms)",
        f"p50 ≤ {P50_TARGET * 1000:.0f} ms",
        f"p99 ≤ {P99_TARGET * 1000:.0f} ms",
    ]
    rows = []
    for row in result["rows"]:
        wall, cpu = row["timings"]["save"], row["timings"]["save_cpu"]
        p50, p99 = common.percentile(wall, 0.5), common.percentile(wall, 0.99)
        rows.append(
            [
                f"{row['pages']:,}",
                common.ms(p50),
                common.ms(p99),
                f"{common.ms(common.percentile(cpu, 0.5))} / {common.ms(common.percentile(cpu, 0.99))}",
                common.verdict(p50 <= P50_TARGET),
                common.verdict(p99 <= P99_TARGET),
            ]
        )
    verdict = result["verdict"]
    watchers = [
        [
            f"{row['watchers']:,}",
            common.ms(common.percentile(row["timings"]["save"], 0.5)),
            common.ms(common.percentile(row["timings"]["save"], 0.99)),
            f"{common.ms(common.percentile(row['timings']['save_cpu'], 0.5))} / "
            f"{common.ms(common.percentile(row['timings']['save_cpu'], 0.99))}",
        ]
        for row in result["watchers"]
    ]
    return "\n".join(
        [
            f"{result['label']}: {SAVES} saves on random pages per checkpoint (wall time of `pages.save_page`); "
            f"load average at the end {result['load']}.",
            "",
            common.markdown_table(headers, rows),
            "",
            f"p50 ≤ {P50_TARGET * 1000:.0f} ms **{common.verdict(verdict['p50'])}**, "
            f"p99 ≤ {P99_TARGET * 1000:.0f} ms **{common.verdict(verdict['p99'])}**, "
            f"flat (p50 at the most pages ≤ {FLAT_FACTOR}× p50 at the fewest + {FLAT_SLACK * 1000:.0f} ms) "
            f"**{common.verdict(verdict['flat'])}**.",
            "",
            f"{result['label']}, the same site: {WATCHER_SAVES} saves on the pages of one consultation as people "
            f"watch it (not a target of its own; the same p50/p99 targets apply to every save).",
            "",
            common.markdown_table(
                ["watchers of the consultation", "save p50 (ms)", "save p99 (ms)", "CPU p50 / p99 (ms)"],
                watchers,
            ),
        ]
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="also run on a throwaway PostgreSQL database")
    args = parser.parse_args(argv)
    for result in common.on_each_database(run, postgres=args.postgres):
        print(report(result), end="\n\n")


if __name__ == "__main__":
    main()

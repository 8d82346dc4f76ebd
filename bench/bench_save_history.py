"""Save and view latency of a 100 KB page as its history grows from 10 to 5,000 revisions.

The target: nothing on the save or view path grows with the length of history, so latency at
5,000 revisions is what it is at 10. One page of ~100 KB of Markdown gets its first 10 revisions
through `pages.save_page`. At each checkpoint (10, 100, 1,000, 5,000 revisions) the benchmark
measures real saves through the service, each a small edit on the head (a word changed, or a
sentence added or removed so that the page stays at ~100 KB), and after each save two views of
the page through the Flask test client with the full layout: the first renders the new
revision's Markdown, the second is served from the render cache. Between checkpoints the
history grows faster by inserting revisions in bulk with what the service would have written:
consecutive numbers and parents, sha256, size, blame carried edit by edit as a save carries it
(`core.blame.carry_packed`), the head number and contributor tallies. The next real save carries
that blame forward, so a bulk history that did not add up would fail.
As in a real consultation, the authors are more numerous the longer the history: a new person
joins every 25 revisions (the page lists its contributors).

Run it alone: ``python bench/bench_save_history.py`` (``--postgres`` adds PostgreSQL).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from sqlalchemy import func, insert, select, update  # noqa: E402

from govwiki.core.blame import carry_packed, repack_blame, unpack_blame  # noqa: E402
from govwiki.core.diff import DELETE, EQUAL, INSERT, DiffOp  # noqa: E402
from govwiki.extensions import db  # noqa: E402
from govwiki.models import Page, PageContributor, Revision, User, utcnow  # noqa: E402
from govwiki.services import accounts, pages  # noqa: E402

CHECKPOINTS = (10, 100, 1_000, 5_000)
SAVES = 100  #: measured saves (each followed by two views) per checkpoint
PAGE_CHARS = 100_000
#: a new person joins the page's authors every this many revisions (200 authors at 5,000)
REVISIONS_PER_NEW_AUTHOR = 25
PEOPLE = 5_100 // REVISIONS_PER_NEW_AUTHOR + 2
BATCH = 100  #: revisions per bulk insert
#: "flat": p50 at the longest history within this factor of p50 at the shortest, plus slack
FLAT_FACTOR = 1.5
FLAT_SLACK = 0.002


def spliced(blame: str, body: str, edit: tuple[int, int, str], number: int) -> str:
    """Packed blame after `edit` of `body` by revision `number`, carried as a save carries it."""
    start, end, replacement = edit
    ops = [
        DiffOp(EQUAL, body[:start]),
        DiffOp(DELETE, body[start:end]),
        DiffOp(INSERT, replacement),
        DiffOp(EQUAL, body[end:]),
    ]
    return carry_packed(blame, ops, number)


def make_people(session) -> list[int]:
    """Ids of the consultation's official (first) and of residents who will edit its page."""
    official = common.make_official(session)
    residents = [
        accounts.register_user(session, f"editor-{i}", f"editor-{i}@example.org", "password123")
        for i in range(1, PEOPLE)
    ]
    return [official.id] + [resident.id for resident in residents]


def author_of(people: list[int], number: int) -> int:
    """Who writes revision `number`: one of the people who have joined so far, in turn."""
    joined = min(number // REVISIONS_PER_NEW_AUTHOR + 1, len(people))
    return people[number % joined]


def grow(session, page_id: int, people: list[int], target: int, rng: random.Random) -> float:
    """Append revisions in bulk until the page has `target`; return the seconds it took."""
    started = time.perf_counter()
    page = session.get(Page, page_id)
    head = pages.head_revision(session, page, with_blame=True)
    body, blame, number = head.body, repack_blame(head.blame), head.number
    words = head.words
    counts: dict[int, int] = {}
    at = utcnow()
    while number < target:
        rows = []
        for _ in range(min(BATCH, target - number)):
            edit = common.small_edit(rng, body, PAGE_CHARS)
            number += 1
            text_counts = common.edit_counts(body, words, edit)
            words = text_counts["words"]
            blame = spliced(blame, body, edit, number)
            body = common.apply_edit(body, edit)
            author_id = author_of(people, number)
            counts[author_id] = counts.get(author_id, 0) + 1
            encoded = body.encode("utf-8")
            rows.append(
                {
                    "page_id": page_id,
                    "number": number,
                    "parent_number": number - 1,
                    "author_id": author_id,
                    "summary": "Bulk-grown edit",
                    "body": body,
                    "sha256": hashlib.sha256(encoded).hexdigest(),
                    "size": len(encoded),
                    **text_counts,
                    "blame": blame,
                    "created_at": at + timedelta(microseconds=number),
                }
            )
        session.execute(insert(Revision), rows)
        session.execute(update(Page).where(Page.id == page_id).values(head_number=number, updated_at=at))
        session.commit()
    _add_tallies(session, page_id, counts, at)
    return time.perf_counter() - started


def _add_tallies(session, page_id: int, counts: dict[int, int], at) -> None:
    for user_id, count in counts.items():
        tally = session.scalar(
            select(PageContributor).where(
                PageContributor.page_id == page_id, PageContributor.user_id == user_id
            )
        )
        if tally is None:
            session.add(PageContributor(page_id=page_id, user_id=user_id, revisions=count, last_at=at))
        else:
            tally.revisions += count
    session.commit()


def measure(app, page_id: int, people: list[int], rng: random.Random) -> dict[str, list[float]]:
    """SAVES real saves through the service, each followed by a cold and a warm view."""
    timings: dict[str, list[float]] = {}
    client = app.test_client()
    for _ in range(SAVES):
        db.session.remove()  # a fresh session per save, as each request has
        session = db.session
        page = session.get(Page, page_id)
        head = pages.head_revision(session, page)
        actor = session.get(User, author_of(people, head.number + 1))
        body = common.apply_edit(head.body, common.small_edit(rng, head.body, PAGE_CHARS))
        with common.timed(timings, "save"):
            result = pages.save_page(
                session, actor, page, body=body, summary="Small edit", base_revision=head.number
            )
        assert result.revision.number == head.number + 1 and not result.merged
        slug = page.slug
        for key in ("view_cold", "view_warm"):
            with common.timed(timings, key):
                response = client.get(f"/pages/{slug}")
            assert response.status_code == 200, response.status_code
    db.session.remove()
    return timings


def history_facts(session, page_id: int) -> dict:
    head = pages.head_revision(session, session.get(Page, page_id))
    total = session.scalar(select(func.count()).select_from(Revision).where(Revision.page_id == page_id))
    authors = session.scalar(
        select(func.count()).select_from(PageContributor).where(PageContributor.page_id == page_id)
    )
    return {
        "revisions": total,
        "blame_runs": len(unpack_blame(head.blame)),
        "head_chars": len(head.body),
        "authors": authors,
    }


def run(*, database_url: str | None = None, checkpoints=CHECKPOINTS, label: str = "SQLite") -> dict:
    """Grow the history checkpoint by checkpoint and measure at each; return rows and verdict."""
    rng = random.Random(20261101)
    rows = []
    with common.workspace("history") as folder:
        app = common.build_app(folder, database_url)
        with app.app_context():
            session = db.session
            people = make_people(session)
            official = session.get(User, people[0])
            consultation = common.make_consultation(session, official)
            body = common.markdown_body(rng, PAGE_CHARS)
            page = pages.create_page(session, official, consultation, title="Long regulation", body=body)
            page_id = page.id
            for number in range(2, checkpoints[0] + 1):  # the first revisions through the service
                head = pages.head_revision(session, page)
                edited = common.apply_edit(head.body, common.small_edit(rng, head.body, PAGE_CHARS))
                author = session.get(User, author_of(people, number))
                pages.save_page(session, author, page, body=edited, base_revision=head.number)
            for checkpoint in checkpoints:
                grown = grow(db.session, page_id, people, checkpoint, rng)
                before = history_facts(db.session, page_id)
                timings = measure(app, page_id, people, rng)
                after = history_facts(db.session, page_id)
                rows.append(
                    {
                        "checkpoint": checkpoint,
                        "grow_seconds": grown,
                        "before": before,
                        "after": after,
                        "timings": timings,
                    }
                )
                print(
                    f"  [{label}] history {before['revisions']:,} (grown in {grown:.0f} s): save p50 "
                    f"{common.ms(common.percentile(timings['save'], 0.5))} ms",
                    file=sys.stderr,
                )
            db.session.remove()
            db.engine.dispose()
    return {
        "label": label,
        "rows": rows,
        "verdict": _verdict(rows),
        "page_chars": len(body),
        "load": common.load_average(),
    }


def _flat(rows, key: str) -> bool:
    first = common.percentile(rows[0]["timings"][key], 0.5)
    last = common.percentile(rows[-1]["timings"][key], 0.5)
    return last <= first * FLAT_FACTOR + FLAT_SLACK


def _verdict(rows) -> dict[str, bool]:
    return {key: _flat(rows, key) for key in ("save", "view_cold", "view_warm")}


def _cell(timings: dict, key: str) -> str:
    wall, cpu = timings[key], timings[f"{key}_cpu"]
    return (
        f"{common.ms(common.percentile(wall, 0.5))} / {common.ms(common.percentile(wall, 0.99))} "
        f"({common.ms(common.percentile(cpu, 0.5))})"
    )


def report(result: dict) -> str:
    """The Markdown table of one run."""
    headers = [
        "history (revisions)",
        "authors",
        "blame runs at head",
        "save p50 / p99 (CPU p50), ms",
        "view, first render: p50 / p99 (CPU p50), ms",
        "view, cached HTML: p50 / p99 (CPU p50), ms",
    ]
    rows = [
        [
            f"{row['before']['revisions']:,} → {row['after']['revisions']:,}",
            f"{row['before']['authors']:,}",
            f"{row['before']['blame_runs']:,}",
            *(_cell(row["timings"], key) for key in ("save", "view_cold", "view_warm")),
        ]
        for row in result["rows"]
    ]
    verdict = result["verdict"]
    lines = [
        f"{result['label']}, one page of {result['page_chars']:,} characters; {SAVES} saves per checkpoint, "
        f"each followed by two views (`GET /pages/<slug>`, full layout, signed out); "
        f"load average at the end {result['load']}.",
        "",
        common.markdown_table(headers, rows),
        "",
        f"Flat (p50 at the longest history ≤ {FLAT_FACTOR}× p50 at the shortest "
        f"+ {FLAT_SLACK * 1000:.0f} ms): save **{common.verdict(verdict['save'])}**, "
        f"view with rendering **{common.verdict(verdict['view_cold'])}**, "
        f"cached view **{common.verdict(verdict['view_warm'])}**.",
    ]
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="also run on a throwaway PostgreSQL database")
    args = parser.parse_args(argv)
    for result in common.on_each_database(run, postgres=args.postgres):
        print(report(result), end="\n\n")


if __name__ == "__main__":
    main()

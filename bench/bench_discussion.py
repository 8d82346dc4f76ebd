"""A page under discussion: a 20 KB page with 1,000 anchored comments across 60 paragraphs.

Targets (issue 10): the page's signed-out and signed-in views each serve at least 5 % of the
requests per second of a hello-world Flask app under the same gunicorn (two sync workers), and
a save on that page has a p50 within +10 ms of a save on the same page without comments. A save
leaves the comments where they were and the first read of the new head re-anchors them
(services.discussion_anchors), so each save is followed by that read, timed on its own. The data is made through the services (`comments.post_comment`
with a quote chosen from the page's reading text), in a fresh instance folder whose schema comes
from the migrations; the views are loaded with wrk (bench/serving.py).

Run it alone: ``python bench/bench_discussion.py`` (``--saves-only``: the saves without the
views, a minute less and no wrk or gunicorn).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import load_generator  # noqa: E402
import serving  # noqa: E402

PARAGRAPHS = 60
PAGE_CHARS = 20_000
COMMENTS = 1_000
SAVES = 60
VIEW_TARGET = 0.05
SAVE_SLACK = 0.010  #: seconds a save on the discussed page may add at p50


def page_body(rng: random.Random) -> str:
    """Sixty paragraphs of prose, about 20 KB in all."""
    paragraphs = []
    for _ in range(PARAGRAPHS):
        text = ""
        while len(text) < PAGE_CHARS // PARAGRAPHS:
            text += common.sentence(rng) + " "
        paragraphs.append(text.strip())
    return "\n\n".join(paragraphs) + "\n"


def quote_in(rng: random.Random, paragraph: str) -> tuple[str, int]:
    """Three to eight consecutive words of the paragraph, and where they start."""
    words = paragraph.split(" ")
    first = rng.randrange(max(1, len(words) - 8))
    quote = " ".join(words[first : first + rng.randint(3, 8)])
    return quote, len(" ".join(words[:first])) + (1 if first else 0)


def prepare(instance: Path) -> dict:
    """Two pages with the same text, one with 1,000 anchored comments; a resident to sign in."""
    from govwiki.core.markdown import render_cached
    from govwiki.extensions import db
    from govwiki.services import accounts, comments, notifications, pages

    app = serving.migrated_app(instance)
    rng = random.Random(10)
    with app.app_context():
        session = db.session
        official = common.make_official(session)
        consultation = common.make_consultation(session, official, "Street trading")
        body = page_body(rng)
        quiet = pages.create_page(session, official, consultation, title="Quiet page", body=body)
        busy = pages.create_page(session, official, consultation, title="Discussed page", body=body)
        residents = [
            accounts.register_user(session, f"resident-{n}", f"resident-{n}@example.org", "password123")
            for n in range(20)
        ]
        # Commenting watches the page for its author: the quiet page gets the same watchers, so that
        # the two saves differ by what comments cost a save (re-anchoring), not by notifications.
        for resident in residents:
            notifications.watch(session, resident, page=quiet)
        head = pages.head_revision(session, busy)
        paragraphs = render_cached(head.sha256, head.body).paragraphs
        for n in range(COMMENTS):
            index = rng.randrange(len(paragraphs))
            quote, near = quote_in(rng, paragraphs[index])
            target = comments.Target(paragraph=index, quote=quote, near=near)
            comments.post_comment(session, residents[n % 20], busy, body=common.sentence(rng), target=target)
        result = {"quiet": quiet.id, "busy": busy.id, "app": app}
        result.update(busy_path=f"/pages/{busy.slug}", quiet_path=f"/pages/{quiet.slug}")
        result["resident"] = residents[0].username
    serving.release(app)
    return result


def measure_saves(app, page_id: int, rng: random.Random) -> dict[str, list[float]]:
    """SAVES small edits on the page through the service, each in a fresh session and followed
    by the first read's re-anchoring (which renders the new head, as its view would anyway)."""
    from govwiki.extensions import db
    from govwiki.models import Page, User
    from govwiki.services import discussion_anchors, pages

    timings: dict[str, list[float]] = {}
    with app.app_context():
        for _ in range(SAVES):
            db.session.remove()
            session = db.session
            page = session.get(Page, page_id)
            actor = session.get(User, page.consultation.created_by_id)
            head = pages.head_revision(session, page)
            body = common.apply_edit(head.body, common.small_edit(rng, head.body, PAGE_CHARS))
            with common.timed(timings, "save"):
                pages.save_page(
                    session, actor, page, body=body, summary="Small edit", base_revision=head.number
                )
            with common.timed(timings, "first read"):
                discussion_anchors.bring_to_head(session, page)
        db.session.remove()
        db.engine.dispose()
    return timings


def run_saves() -> dict:
    """Only the saves: the discussed page against the same page without comments."""
    with common.workspace("discussion") as folder:
        data = prepare(folder / "instance")
        result = _saves(data)
    return {**result, "load": common.load_average()}


def _saves(data: dict) -> dict:
    rng = random.Random(11)
    quiet = measure_saves(data["app"], data["quiet"], rng)
    busy = measure_saves(data["app"], data["busy"], rng)
    return {
        "saves": {"without comments": quiet["save"], f"with {COMMENTS:,} comments": busy["save"]},
        "first reads": {"without comments": quiet["first read"], f"with {COMMENTS:,} comments": busy["first read"]},
    }  # fmt: skip


def run() -> dict:
    wrk = load_generator.ensure_wrk()
    with common.workspace("discussion") as folder:
        instance = folder / "instance"
        data = prepare(instance)
        env = {**serving.TWO_SYNC_WORKERS, **serving.instance_env(instance)}
        hello = serving.measure_hello(folder, wrk, env)
        path = data["busy_path"]
        with serving.govwiki(folder, env, path) as port:
            signed_out = load_generator.warm_and_load(wrk, port, path)
            cookie = [serving.sign_in(port, data["resident"], "password123")]
            signed_in = load_generator.warm_and_load(wrk, port, path, cookie)
            # the same text without comments, signed in: what the discussion adds to a signed-in view
            quiet_in = load_generator.warm_and_load(wrk, port, data["quiet_path"], cookie)
        saves = _saves(data)
    return {
        "hello": hello,
        "views": {"signed out": signed_out, "signed in": signed_in},
        "context": {"signed in, same page without comments": quiet_in},
        **saves,
        "tool": "wrk" if wrk else "python",
        "load": common.load_average(),
    }


def _view_passes(result: dict, row: dict) -> bool:
    return row["rps"] / result["hello"]["rps"] >= VIEW_TARGET and not row["errors"]


def _save_passes(result: dict) -> bool:
    quiet, busy = result["saves"].values()
    return common.percentile(busy, 0.5) - common.percentile(quiet, 0.5) <= SAVE_SLACK


def summary_rows(result: dict) -> list[list[str]]:
    """The targets' lines for the summary table of docs/PERFORMANCE.md."""
    hello = result["hello"]["rps"]
    quiet, busy = result["saves"].values()
    added = common.percentile(busy, 0.5) - common.percentile(quiet, 0.5)
    return [
        [
            f"5. View a page with {COMMENTS:,} comments ≥ {VIEW_TARGET:.0%} of hello world, signed out and in",
            "; ".join(f"{name}: {row['rps'] / hello:.1%}" for name, row in result["views"].items()),
            common.verdict(all(_view_passes(result, row) for row in result["views"].values())),
        ],
        [
            f"5. Save on that page ≤ +{SAVE_SLACK * 1000:.0f} ms p50 over no comments (re-anchoring at the first read)",
            f"+{common.ms(added)} ms",
            common.verdict(_save_passes(result)),
        ],
    ]


def saves_report(result: dict) -> str:
    """The table of saves and its verdict."""
    rows = [
        [
            f"{what}, {name}",
            common.ms(common.percentile(t, 0.5)),
            common.ms(common.percentile(t, 0.99)),
            len(t),
        ]
        for what, key in (
            ("save (small edit)", "saves"),
            ("first read of the new head (re-anchoring)", "first reads"),
        )
        for name, t in result[key].items()
    ]
    quiet, busy = result["saves"].values()
    added = common.percentile(busy, 0.5) - common.percentile(quiet, 0.5)
    return "\n".join(
        [
            common.markdown_table(["ms", "p50", "p99", "runs"], rows),
            "",
            f"A save on the discussed page adds {common.ms(added)} at p50 (target ≤ +{SAVE_SLACK * 1000:.0f} ms): "
            f"**{common.verdict(_save_passes(result))}**. The re-anchoring it no longer does is paid once by "
            "the first read of each new head, which renders that head for its own view anyway.",
        ]
    )  # fmt: skip


def report(result: dict) -> str:
    hello = result["hello"]
    view_rows = [
        [name, f"{row['rps']:,.0f} ({row['p50']} / {row['p99']})", f"{row['rps'] / hello['rps']:.1%}",
         f"{row['errors']} non-2xx", common.verdict(_view_passes(result, row))]
        for name, row in result["views"].items()
    ]  # fmt: skip
    return "\n".join(
        [
            f"A {PAGE_CHARS // 1000} KB page of {PARAGRAPHS} paragraphs with {COMMENTS:,} anchored comments. "
            f"Views: two sync gunicorn workers, {load_generator.DURATION} s of load from {result['tool']} after "
            f"{load_generator.WARMUP} s of warm-up; hello world under the same gunicorn: {hello['rps']:,.0f} req/s. "
            f"Load average at the end {result['load']}.",
            "",
            common.markdown_table(
                ["view of the discussed page", "req/s (p50 / p99 latency)", "of hello world",
                 "errors", f"≥ {VIEW_TARGET:.0%}"],
                view_rows,
            ),
            "",
            "For comparison, the same page without comments, signed in: "
            + "; ".join(
                f"{row['rps']:,.0f} req/s ({row['rps'] / hello['rps']:.1%} of hello world)"
                for row in result["context"].values()
            )
            + ".",
            "",
            saves_report(result),
        ]
    )  # fmt: skip


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves-only", action="store_true", help="measure the saves, not the views")
    if parser.parse_args(argv).saves_only:
        result = run_saves()
        print(f"Load average at the end {result['load']}.\n\n{saves_report(result)}")
    else:
        print(report(run()))


if __name__ == "__main__":
    main()

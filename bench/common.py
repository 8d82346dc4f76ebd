"""What the benchmarks share: an app on a throwaway database, people and a consultation to work
in, realistic Markdown bodies and small edits, percentiles and Markdown tables.

Every benchmark builds its own app in a temporary instance folder (SQLite, as a fresh checkout
runs) or on a throwaway PostgreSQL database that it drops afterwards, so running the benchmarks
never touches the developer's instance or the test database.
"""

from __future__ import annotations

import contextlib
import os
import platform
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from govwiki import create_app  # noqa: E402
from govwiki.config import Defaults, normalise_database_url  # noqa: E402
from govwiki.core.diff import DELETE, EQUAL, INSERT, DiffOp  # noqa: E402
from govwiki.core.diff_views import count_words, diff_stats, word_delta  # noqa: E402
from govwiki.database import throwaway_postgres_database  # noqa: E402
from govwiki.extensions import db  # noqa: E402
from govwiki.models import Base  # noqa: E402
from govwiki.services import accounts, consultations  # noqa: E402

#: the PostgreSQL server a benchmark may use; each run creates and drops its own database
POSTGRES_SERVER = os.environ.get("GOVWIKI_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")

WORDS = (
    "the council shall may must not within days of receipt application permit licence holder "
    "resident notice public consultation period fee payable pursuant to section article "
    "paragraph provided that unless otherwise specified in writing any person who operates a "
    "business premises registered under this regulation inspection record annual report "
    "submitted before deadline appeal decision review committee member meeting minutes "
    "published district planning zoning building height noise waste water road traffic parking "
    "vehicle penalty fine offence breach compliance order suspension exemption transitional"
).split()
HANZI = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经居民委员会公告期限"


# --- apps and databases ---------------------------------------------------------------------


def cheap_passwords() -> None:
    """Hash passwords cheaply: the benchmarks create accounts, they do not measure Argon2."""
    Defaults.PASSWORD_COST = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


def build_app(workdir: Path, database_url: str | None = None):
    """Return an app on a fresh instance folder inside `workdir` with its schema created."""
    cheap_passwords()
    config = {"SECRET_KEY": "bench-secret", "RATELIMIT_ENABLED": False, "SERVER_NAME": "localhost"}
    if database_url:
        config["SQLALCHEMY_DATABASE_URI"] = database_url
    app = create_app(config, instance=str(workdir / "instance"))
    with app.app_context():
        Base.metadata.create_all(db.engine)
    return app


@contextlib.contextmanager
def workspace(prefix: str):
    """A temporary folder, removed afterwards (SQLite files of several hundred MB live here)."""
    folder = Path(tempfile.mkdtemp(prefix=f"govwiki-{prefix}-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def postgres_database():
    """A throwaway PostgreSQL database on the benchmark server (its URL), dropped afterwards."""
    return throwaway_postgres_database(POSTGRES_SERVER, "govwiki_bench_")


def postgres_available() -> bool:
    """Whether the benchmark PostgreSQL server answers."""
    try:
        engine = create_engine(normalise_database_url(POSTGRES_SERVER), connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "skip PostgreSQL"
        return False


def on_each_database(run, *, postgres: bool) -> list[dict]:
    """`run()` on SQLite, then on a throwaway PostgreSQL database when asked for and reachable."""
    results = [run()]
    if postgres and postgres_available():
        with postgres_database() as url:
            results.append(run(database_url=url, label="PostgreSQL"))
    return results


def analyze(database_url: str | None) -> None:
    """On PostgreSQL, after a bulk load, do what autovacuum does within a minute of one on a
    running server (refresh the planner's statistics, mark the pages all-visible): otherwise a
    run measures plans made for the empty tables of a database created seconds before, or
    autovacuum's work on the load in the middle of a measurement. (SQLite keeps no statistics
    unless asked, in production as here.)"""
    if not database_url or not database_url.startswith("postgresql"):
        return
    engine = create_engine(normalise_database_url(database_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def postgres_version() -> str | None:
    """The PostgreSQL server's version string, or None when it does not answer."""
    if not postgres_available():
        return None
    engine = create_engine(normalise_database_url(POSTGRES_SERVER))
    with engine.connect() as connection:
        version = connection.execute(text("SHOW server_version")).scalar()
    engine.dispose()
    return version


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres_version() or "not available",
    }


# --- people and places ----------------------------------------------------------------------


def make_official(session, name: str = "bench-official"):
    """An official who may open consultations and edit their pages."""
    return accounts.register_user(session, name, f"{name}@example.org", "password123", role="official")


def make_consultation(session, official, title: str = "Benchmark consultation"):
    """An open consultation whose pages anyone signed in may edit."""
    consultation = consultations.create_consultation(session, official, title=title, edit_policy="edit")
    consultations.update_consultation(session, official, consultation, {"status": "open"})
    return consultation


# --- text -----------------------------------------------------------------------------------


def sentence(rng: random.Random) -> str:
    """One sentence of regulation English, now and then Chinese."""
    if rng.random() < 0.2:
        return "".join(rng.choice(HANZI) for _ in range(rng.randint(12, 40))) + "。"
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 22)))
    return words[0].upper() + words[1:] + "."


def markdown_body(rng: random.Random, size: int) -> str:
    """A Markdown policy text of about `size` characters: headings, paragraphs, lists."""
    blocks, length, article = ["# Draft regulation"], 0, 0
    while length < size:
        article += 1
        blocks.append(f"## Article {article}")
        if rng.random() < 0.25:
            blocks.append("\n".join(f"{i}. {sentence(rng)}" for i in range(1, rng.randint(3, 6))))
        else:
            blocks.append(" ".join(sentence(rng) for _ in range(rng.randint(2, 6))))
        length += len(blocks[-2]) + len(blocks[-1]) + 4
    return "\n\n".join(blocks) + "\n"


def small_edit(rng: random.Random, body: str, size: int | None = None) -> tuple[int, int, str]:
    """A small edit as (start, end, replacement): mostly a word changed, else a sentence added
    or removed; with `size`, sentences are added below that many characters and removed above,
    so a long history of edits keeps the page about the same size."""
    position = rng.randrange(len(body))
    if rng.random() < 0.4:
        grow = len(body) < size if size else rng.random() < 0.5
        stop = body.find(". ", position)
        if grow:  # add a sentence after the next full stop
            stop = len(body) - 1 if stop < 0 else stop + 1
            return stop, stop, " " + sentence(rng)
        following = body.find(". ", stop + 2) if stop >= 0 else -1
        if 0 < following - stop < 400 and "\n" not in body[stop:following]:
            return stop + 1, following + 1, ""  # remove the sentence after the next full stop
    start, end = _word_at(body, position)
    while not body[start:end].isalpha():  # keep headings, list markers and numbers intact
        start, end = _word_at(body, rng.randrange(len(body)))
    word = rng.choice(WORDS)
    if body[start:end] == word:
        word = word + "s"
    return start, end, word


def _word_at(body: str, position: int) -> tuple[int, int]:
    """The bounds of the run of characters between spaces or line breaks around `position`."""
    start = max(body.rfind(" ", 0, position), body.rfind("\n", 0, position)) + 1
    ends = [i for i in (body.find(" ", start), body.find("\n", start)) if i >= 0]
    return start, min(ends, default=len(body))


def apply_edit(body: str, edit: tuple[int, int, str]) -> str:
    start, end, replacement = edit
    return body[:start] + replacement + body[end:]


def first_counts(body: str) -> dict[str, int]:
    """The text counts a save stores with a page's first revision (for bulk inserts)."""
    words = count_words(body)
    return {"chars": len(body), "words": words, "words_added": words, "words_removed": 0}


def edit_counts(body: str, words: int, edit: tuple[int, int, str]) -> dict[str, int]:
    """The text counts a save stores for `edit` on `body` (which has `words` words), counted
    from the edit as a diff, as a save counts them from its own diff."""
    start, end, replacement = edit
    ops = [
        DiffOp(EQUAL, body[:start]),
        DiffOp(DELETE, body[start:end]),
        DiffOp(INSERT, replacement),
        DiffOp(EQUAL, body[end:]),
    ]
    stats = diff_stats(ops)
    return {
        "chars": len(body) - (end - start) + len(replacement),
        "words": words + word_delta(ops),
        "words_added": stats["inserted"],
        "words_removed": stats["deleted"],
    }


# --- statistics and tables ------------------------------------------------------------------


@contextlib.contextmanager
def timed(timings: dict[str, list[float]], key: str):
    """Append the block's wall seconds to timings[key] and its CPU seconds to timings[key_cpu].

    CPU time tells work the code does from time spent waiting for a busy machine's cores."""
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    timings.setdefault(f"{key}_cpu", []).append(time.process_time() - cpu)
    timings.setdefault(key, []).append(time.perf_counter() - wall)


def load_average() -> str:
    """The 1-minute load average (other work on the machine makes wall times noisy)."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "unknown"


def percentile(values: list[float], share: float) -> float:
    """The `share` (0–1) percentile by linear interpolation between the closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = share * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def markdown_table(headers: list[str], rows: list[list]) -> str:
    """A GitHub Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def between(text: str, start: str, end: str) -> str | None:
    """The part of `text` from the marker `start` to the marker `end`, both included, or None."""
    if start not in text or end not in text[text.index(start) :]:
        return None
    first = text.index(start)
    return text[first : text.index(end, first) + len(end)]

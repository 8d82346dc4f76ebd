"""Re-anchoring once per revision, at the first read: a save leaves the comments where they were,
the first read of the new head moves them (as if each save had), later reads write nothing, and
two readers never both do the work."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from threading import Barrier

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select

from govwiki.extensions import db
from govwiki.models import Comment, Page, User
from govwiki.services import comments, discussion, pages
from govwiki.services.comments import Target

BODY = "Vendors apply for a permit.\n\nThe notice period is 30 days.\n\nStalls close at 23:00.\n"
MOVED = "A new first paragraph.\n\n" + BODY  # every paragraph one further down


@pytest.fixture
def page(make_page, make_consultation):
    return make_page(make_consultation(edit_policy="edit"), body=BODY)


@pytest.fixture
def resident(make_user):
    return make_user("resident", "rosa")


@contextmanager
def recorded(session):
    """The SQL statements run inside the block, on any connection of the app's engine."""
    statements: list[str] = []
    engine = session.get_bind()
    listener = lambda conn, cursor, statement, *args: statements.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def _writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]


def _save(session, page, body: str) -> None:
    head = pages.head_revision(session, page)
    pages.save_page(session, page.consultation.created_by, page, body=body, base_revision=head.number)


def _quote(session, author, page, quote: str, paragraph: int | None = None) -> Comment:
    return comments.post_comment(
        session, author, page, body="Why?", target=Target(paragraph=paragraph, quote=quote)
    )


def _placed(session, comment_id: int) -> tuple:
    """Where the comment points, read from the database as it is now."""
    session.expire_all()
    c = session.get(Comment, comment_id)
    return c.placed_paragraph, c.placed_start, c.placed_end, c.outdated


def _anchored_number(session, page) -> int:
    return session.scalar(select(Page.anchored_number).where(Page.id == page.id))


def test_a_save_leaves_the_comments_and_the_first_read_moves_them(session, page, resident):
    comment = _quote(session, resident, page, "30 days")
    _save(session, page, MOVED)
    assert _placed(session, comment.id) == (1, 21, 28, False) and _anchored_number(session, page) == 1
    discussion.outline(session, session.get(Page, page.id))
    assert _placed(session, comment.id) == (2, 21, 28, False) and _anchored_number(session, page) == 2


def test_a_save_costs_the_same_statements_with_comments_as_without(session, make_page, page, resident):
    quiet = make_page(page.consultation, body=BODY, title="Quiet")
    for n in range(5):
        _quote(session, resident, page, "30 days")
    runs = []
    for target in (quiet, page):
        with recorded(session) as statements:
            _save(session, target, MOVED + f"\n\nEdit {len(runs)}.\n")
        runs.append(statements)
    assert len(runs[0]) == len(runs[1])
    assert not any("comments SET" in s or s.lstrip().startswith("SELECT comments.") for s in runs[1])


def test_the_second_read_of_a_head_writes_nothing(session, page, resident):
    _quote(session, resident, page, "30 days")
    _save(session, page, MOVED)
    with recorded(session) as first:
        discussion.outline(session, session.get(Page, page.id))
    with recorded(session) as second:
        discussion.outline(session, session.get(Page, page.id))
    assert any(s.startswith("UPDATE comments") for s in first)
    assert _writes(second) == []


def test_a_page_without_anchored_comments_follows_its_head_on_the_save(session, page, resident):
    comments.post_comment(session, resident, page, body="About the whole page.")
    _save(session, page, MOVED)
    assert _anchored_number(session, page) == 2
    with recorded(session) as statements:
        discussion.outline(session, session.get(Page, page.id))
    assert _writes(statements) == []


def test_unread_saves_are_carried_one_revision_at_a_time(session, page, resident):
    """A paragraph that goes and comes back does not take its comment back (it stays outdated,
    as when each save re-anchored), though its text is the same as before."""
    comment = comments.post_comment(session, resident, page, body="Late.", target=Target(paragraph=2))
    _save(session, page, BODY.replace("\n\nStalls close at 23:00.\n", "\n"))
    _save(session, page, BODY)
    discussion.outline(session, session.get(Page, page.id))
    assert _placed(session, comment.id) == (None, None, None, True)


def test_a_comment_posted_after_unread_saves_is_placed_with_the_others(session, page, resident):
    earlier = _quote(session, resident, page, "30 days")
    _save(session, page, MOVED)
    _save(session, page, "Intro.\n\n" + MOVED)
    later = _quote(session, resident, page, "a permit")
    assert _anchored_number(session, page) == 3
    assert _placed(session, earlier.id) == (3, 21, 28, False)
    assert _placed(session, later.id) == (2, 18, 26, False)


def test_a_reply_after_unread_saves_leaves_the_work_to_the_first_read(session, page, resident):
    first = _quote(session, resident, page, "30 days")
    _save(session, page, MOVED)
    comments.post_comment(session, resident, page, body="Indeed.", parent_id=first.id)
    assert _anchored_number(session, page) == 1
    assert [c.placed_paragraph for c in comments.page_comments(session, session.get(Page, page.id))] == [
        2,
        None,
    ]


def test_two_readers_at_once_move_the_comments_once(app, session, page, resident):
    ids = [_quote(session, resident, page, quote).id for quote in ("30 days", "a permit", "23:00")]
    _save(session, page, MOVED)
    page_id, start = page.id, Barrier(2)

    def read(_):
        with app.app_context():
            start.wait()
            plan = discussion.outline(db.session, db.session.get(Page, page_id))
            db.session.remove()
            return sorted(plan.marks.items())

    with recorded(session) as statements, ThreadPoolExecutor(2) as pool:
        seen = list(pool.map(read, range(2)))
    assert seen[0] == seen[1] == [(1, [(18, 26)]), (2, [(21, 28)]), (3, [(16, 21)])]
    assert sum(s.startswith("UPDATE comments") for s in statements) == 1
    assert [_placed(session, i)[0] for i in ids] == [2, 1, 3]


def test_a_read_and_a_comment_at_once_after_a_save_both_land_on_the_head(app, session, page, resident):
    earlier = _quote(session, resident, page, "30 days")
    _save(session, page, MOVED)
    page_id, resident_id, start = page.id, resident.id, Barrier(2)

    def read():
        with app.app_context():
            start.wait()
            discussion.outline(db.session, db.session.get(Page, page_id))
            db.session.remove()

    def post():
        with app.app_context():
            start.wait()
            target, author = db.session.get(Page, page_id), db.session.get(User, resident_id)
            made = _quote(db.session, author, target, "a permit").id
            db.session.remove()
            return made

    with ThreadPoolExecutor(2) as pool:
        reading, posting = pool.submit(read), pool.submit(post)
        reading.result()
        later = posting.result()
    assert _placed(session, earlier.id) == (2, 21, 28, False)
    assert _placed(session, later) == (1, 18, 26, False)
    assert _anchored_number(session, page) == 2


# --- the same placements as re-anchoring on every save -----------------------------------------

SENTENCES = [
    "Vendors apply for a permit.",
    "The notice period is 30 days.",
    "Stalls close at 23:00.",
    "Permits cost ten yuan a month.",
    "The notice period is 60 days.",
    "Vendors apply for a licence.",
]
revisions = st.lists(
    st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=4).map(lambda ps: "\n\n".join(ps) + "\n"),
    min_size=1,
    max_size=4,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(later=revisions)
def test_placements_after_unread_saves_are_those_of_a_read_after_every_save(
    session, make_page, make_consultation, make_user, later
):
    consultation, author = make_consultation(edit_policy="edit"), make_user()
    eager, lazy = (make_page(consultation, body=BODY, title=title) for title in ("Eager", "Lazy"))
    placed = {}
    for target in (eager, lazy):
        made = [_quote(session, author, target, quote) for quote in ("apply for", "30 days", "23:00")]
        made.append(comments.post_comment(session, author, target, body="On it.", target=Target(paragraph=1)))
        placed[target.id] = [c.id for c in made]
    for body in later:
        for target in (eager, lazy):
            _save(session, target, body)
        discussion.outline(session, session.get(Page, eager.id))  # read after every save
    discussion.outline(session, session.get(Page, lazy.id))  # read once, after them all
    assert [_placed(session, i) for i in placed[lazy.id]] == [_placed(session, i) for i in placed[eager.id]]

"""Two `send-digests` runs at once (PostgreSQL: each person's waiting entries are taken by one
DELETE, and the other run's DELETE finds them gone) queue each person's digest once, and the
outbox workers then send each once."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from govwiki.models import DigestItem, OutgoingMail
from govwiki.services import clock, comments, notification_mail, notifications, outbox

PEOPLE = 30
#: the watchers, and the page's author, who watches what they wrote (accounts start verified)
READERS = PEOPLE + 1


@pytest.fixture
def watched(session, make_user, make_page):
    """A page watched by PEOPLE verified residents and its author, each with a digest entry
    waiting."""
    page = make_page(title="Market rules")
    for n in range(PEOPLE):
        user = make_user("resident", f"watcher-{n}")
        user.email_verified_at = clock.now()
        session.commit()
        notifications.watch(session, user, page=page)
    comments.post_comment(session, make_user("resident", "speaker"), page, body="A comment for all.")
    assert len(session.scalars(select(DigestItem)).all()) == READERS
    return page


def _together(engine, job) -> list:
    results, errors = [], []
    start = threading.Barrier(2)

    def run(name: str) -> None:
        try:
            with Session(engine) as own:
                start.wait()
                results.append(job(own, name))
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(f"worker-{k}",)) for k in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


def test_two_digest_runs_at_once_queue_and_send_each_digest_once(db, session, watched):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL (SQLite serialises its writers)")
    queued = _together(db.engine, lambda own, name: notification_mail.queue_digests(own))
    assert sum(queued) == READERS
    digests = session.scalars(select(OutgoingMail).where(OutgoingMail.kind == "digest")).all()
    assert Counter(mail.user_id for mail in digests).most_common(1)[0][1] == 1
    assert len(digests) == READERS and session.scalars(select(DigestItem)).all() == []

    sent: list[int] = []

    def deliver(own, name):
        def send(mail):
            sent.append(mail.user_id)
            return "subject", "body"

        while outbox.deliver_due(own, name, send, limit=3).sent:
            pass

    _together(db.engine, deliver)
    assert len(sent) == READERS and set(Counter(sent).values()) == {1}


def test_a_second_run_finds_nothing_new(db, session, watched):
    assert notification_mail.queue_digests(session) == READERS
    assert notification_mail.queue_digests(session) == 0

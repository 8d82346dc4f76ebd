"""Several mail workers at once never send one mail twice (PostgreSQL: FOR UPDATE SKIP LOCKED
and the lease; SQLite: the lease alone), and every mail is sent."""

from __future__ import annotations

import threading
import time
from collections import Counter

from sqlalchemy.orm import Session

from govwiki.services import outbox

MAILS = 60


def test_two_workers_share_the_outbox_and_send_each_mail_once(db, session):
    engine = db.engine
    for n in range(MAILS):
        outbox.enqueue(session, "invitation", f"person{n}@example.org", locale="en", params={"n": n})
    session.commit()
    sent: list[tuple[str, int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def work(name: str) -> None:
        def send(mail):
            time.sleep(0.002)  # a mail server takes a moment: the other worker claims meanwhile
            sent.append((name, mail.id))
            return "subject", "body"

        try:
            with Session(engine) as own:
                start.wait()
                while outbox.deliver_due(own, name, send, limit=5).sent:
                    pass
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    workers = [threading.Thread(target=work, args=(f"worker-{k}",)) for k in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert not errors, errors
    times = Counter(mail_id for _, mail_id in sent)
    assert len(times) == MAILS and set(times.values()) == {1}
    assert len({name for name, _ in sent}) == 2, "both workers took part"

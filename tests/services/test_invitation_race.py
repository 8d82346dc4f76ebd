"""One invitation link accepted several times at the same moment (the invited person's
double click, two tabs): one acceptance wins, the others are told the link is gone; never two
(one conditional UPDATE decides). Only the owner of the invited address may accept at all."""

from __future__ import annotations

import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govwiki.models import Membership, User
from govwiki.services import invitations
from govwiki.services.errors import Gone


def test_one_link_makes_one_expert_however_many_race_for_it(
    db, session, official, make_consultation, make_user
):
    consultation = make_consultation()
    _, url = invitations.invite(
        session, official, consultation, email="eve@example.org", link=lambda token: token
    )
    invited = make_user(username="eve")  # eve@example.org, verified
    racers = [invited.id] * 4
    engine = db.engine
    start = threading.Barrier(len(racers))
    outcomes: list[str] = []

    def race(user_id: int) -> None:
        with Session(engine) as own:
            user = own.get(User, user_id)
            start.wait()
            try:
                invitations.accept(own, user, url)
                outcomes.append("accepted")
            except Gone:
                outcomes.append("gone")
            except Exception as error:  # a lock timeout would be a finding too
                outcomes.append(repr(error))

    threads = [threading.Thread(target=race, args=(user_id,)) for user_id in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["accepted"] + ["gone"] * (len(racers) - 1), outcomes
    session.expire_all()
    experts = session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.consultation_id == consultation.id, Membership.role == "expert")
    )
    assert experts == 1

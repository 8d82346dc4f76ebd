"""Who people are in a consultation, and the public profile of one person.

A person's role in a consultation (a Membership: official or expert) is shown beside everything
they wrote there, on every page and in the API's author objects, with their affiliation. It is
the app that says so: the badge comes from the membership, never from what someone calls
themselves. A page shows many names, so the roles are looked up once for the page (`roles_in`,
every member of one consultation in one query, kept for the transaction; `roles_among` for a
list that spans consultations) and each name is then answered from that lookup (`Roles.of`).

The profile lists a person's roles only in consultations the reader may read (the policy's
read rule as SQL, `access.readable_filter`): a private consultation's role is as invisible as
the consultation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session, aliased

from govwiki.models import Consultation, Membership, User
from govwiki.services import accounts
from govwiki.services.access import readable_filter
from govwiki.services.session_memo import remembered


@dataclass(frozen=True)
class Badge:
    """What is shown beside a name: the role in the consultation and the person's affiliation."""

    role: str  # "official" or "expert"
    affiliation: str


class Roles:
    """The roles held in some consultations, by (consultation id, user id); bound to one
    consultation (`within`), it answers for each name shown there."""

    def __init__(self, held: Mapping[tuple[int, int], str], consultation_id: int | None = None) -> None:
        self._held = held
        self._consultation_id = consultation_id

    def within(self, consultation) -> Roles:
        """These roles as they stand in `consultation` (a Consultation or its id)."""
        cid = getattr(consultation, "id", consultation)
        return self if cid == self._consultation_id else Roles(self._held, cid)

    def role(self, user: User | None) -> str | None:
        """'official', 'expert' or None (no role here, or no one)."""
        if user is None or self._consultation_id is None:
            return None
        return self._held.get((self._consultation_id, user.id))

    def of(self, user: User | None) -> Badge | None:
        """The badge to show beside `user`'s name here, or None."""
        role = self.role(user)
        return Badge(role, user.affiliation) if role else None


#: for views of no consultation: nobody holds a role
NO_ROLES = Roles({})


def roles_in(session: Session, consultation: Consultation) -> Roles:
    """Every role held in the consultation (one query, kept for the transaction)."""
    key = ("roles", consultation.id)

    def load() -> dict:
        rows = session.execute(
            select(Membership.user_id, Membership.role).where(Membership.consultation_id == consultation.id)
        )
        return {(consultation.id, user_id): role for user_id, role in rows}

    return Roles(remembered(session, key, load), consultation.id)


def roles_among(session: Session, pairs: Iterable[tuple[int | None, int | None]]) -> Roles:
    """The roles of given people in given consultations ((consultation id, user id) pairs, as
    a list spanning consultations shows them), in one query; bind with `within`."""
    wanted = {(cid, uid) for cid, uid in pairs if cid is not None and uid is not None}
    if not wanted:
        return NO_ROLES
    rows = session.execute(
        select(Membership.consultation_id, Membership.user_id, Membership.role).where(
            tuple_(Membership.consultation_id, Membership.user_id).in_(sorted(wanted))
        )
    )
    return Roles({(cid, uid): role for cid, uid, role in rows})


@dataclass(frozen=True)
class Standing:
    """One of a person's roles, in a consultation the reader may read."""

    consultation: Consultation
    role: str


@dataclass(frozen=True)
class Profile:
    user: User
    roles: list[Standing]


def profile(session: Session, reader: User | None, username: str) -> Profile:
    """A person's public profile as `reader` may see it (NotFound for an unknown name)."""
    user = accounts.get_user(session, username)
    held = aliased(Membership)  # the read rule asks the reader's own memberships apart
    rows = session.execute(
        select(Consultation, held.role)
        .join(held, held.consultation_id == Consultation.id)
        .where(held.user_id == user.id, readable_filter(reader))
        .order_by(Consultation.created_at.desc(), Consultation.id.desc())
    )
    return Profile(user, [Standing(consultation, role) for consultation, role in rows])


def roles_on_timeline(session: Session, items) -> Roles:
    """The roles of everyone a list of timeline items names (services.timeline.TimelineItem:
    who acted, who a decision or a new member was about) in the item's consultation, in one
    query; bind each with `within(item.consultation)`."""
    pairs = []
    for item in items:
        if item.consultation is None:
            continue
        named = [item.actor, item.subject, *item.details.values()]
        pairs += [(item.consultation.id, person.id) for person in named if isinstance(person, User)]
    return roles_among(session, pairs)

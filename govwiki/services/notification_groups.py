"""Grouped notification entries, written by the database for everyone at once.

An event (a save, a comment) reaches many people, and each may already hold the entry it
belongs to (edits of this page today, comments on it today…) as they saw it: joined later,
skipped their own event. So an event costs the same few statements however many people it
reaches: one SELECT of the held entries and one UPDATE that bumps them all (count, details, and
unread again), each database merging the new facts into each entry's JSON itself; then one
INSERT … SELECT gives the others a new entry.

Who watches what lives here too, because every kind of event asks it.
"""

from __future__ import annotations

from sqlalchemy import insert, literal, or_, select, text, update
from sqlalchemy.orm import Session

from govwiki.models import Consultation, Notification, Page, User, Watch, WatchOptOut
from govwiki.services import clock
from govwiki.services.notification_mail import mail_group
from govwiki.services.upsert import insert_unless


def watchers(consultation: Consultation, page: Page | None, *, skip=frozenset()):
    """Who watches the page or its consultation (without a page: the consultation or any of its
    pages), less the people in `skip`, as a query of user ids."""
    targets = [Watch.consultation_id == consultation.id]
    if page is not None:
        targets.append(Watch.page_id == page.id)
    else:
        targets.append(Watch.page_id.in_(select(Page.id).where(Page.consultation_id == consultation.id)))
    query = select(Watch.user_id).where(or_(*targets)).distinct()
    return query.where(Watch.user_id.not_in(skip)) if skip else query


def one_person(user_id: int):
    """A query of user ids holding only `user_id` (for events that concern one person)."""
    return select(User.id.label("user_id")).where(User.id == user_id)


def watch_by_default(session: Session, user: User, page: Page) -> None:
    """Start watching a page the user edits, suggests on or comments on, in the caller's
    transaction, unless they watch its consultation already or once stopped watching this page."""
    covered = or_(
        select(Watch.id)
        .where(Watch.user_id == user.id, Watch.consultation_id == page.consultation_id)
        .exists(),
        select(WatchOptOut.id).where(WatchOptOut.user_id == user.id, WatchOptOut.page_id == page.id).exists(),
    )
    # One statement on every save: most editors already watch, and then it inserts nothing.
    insert_unless(
        session, Watch.__table__, {"user_id": user.id, "page_id": page.id, "created_at": clock.now()}, covered
    )


def bump_held(session: Session, user_ids, group_key: str, details, at) -> None:
    """Bump every entry with `group_key` held by someone in the query `user_ids`: one more event,
    `details` (SQL over the stored details, see `merged_details`), unread again."""
    held = (Notification.group_key == group_key) & Notification.user_id.in_(user_ids)
    ids = session.scalars(select(Notification.id).where(held)).all()
    if not ids:
        return
    session.execute(
        update(Notification)
        .where(Notification.id.in_(ids))
        .values(count=Notification.count + 1, details=details, updated_at=at, read_at=None)
        .execution_options(synchronize_session=False)
    )


def add_entries(session: Session, user_ids, group_key: str, values: dict, at) -> None:
    """Give everyone in the query `user_ids` who lacks an entry with `group_key` a new one."""
    columns = Notification.__table__.c
    row = {**values, "group_key": group_key, "count": 1, "created_at": at, "updated_at": at}
    user_ids = user_ids.subquery()
    session.execute(
        insert(Notification).from_select(
            ["user_id", *row],
            select(
                user_ids.c.user_id, *(literal(value, columns[name].type) for name, value in row.items())
            ).where(
                ~select(Notification.id)
                .where(Notification.user_id == user_ids.c.user_id, Notification.group_key == group_key)
                .exists()
            ),
        )
    )


def notify_group(session: Session, user_ids, group_key: str, values: dict, details) -> None:
    """Bump the held entries with `group_key` (to `details`, SQL) and add one for everyone else
    in `user_ids` (with `values`, whose details are what a first event writes); then queue their
    mail (services.notification_mail)."""
    at = clock.now()
    bump_held(session, user_ids, group_key, details, at)
    add_entries(session, user_ids, group_key, values, at)
    mail_group(session, user_ids, group_key, values["kind"])


def person(user: User) -> dict:
    """How an entry names someone."""
    return {"username": user.username, "display_name": user.display_name}


#: the named people of an entry after one more event by someone (they join the list unless
#: they are on it, or set more_<list> once it is full), in each database's JSON functions;
#: {people} is the list's key, a name from the code
_PEOPLE_SQL = {
    "postgresql": """
        CASE WHEN COALESCE(details::jsonb -> '{people}', '[]') @> jsonb_build_array(jsonb_build_object('username', :u))
                  THEN details::jsonb
             WHEN jsonb_array_length(COALESCE(details::jsonb -> '{people}', '[]')) < :most
                  THEN jsonb_set(details::jsonb, '{{{people}}}', COALESCE(details::jsonb -> '{people}', '[]')
                                 || jsonb_build_array(jsonb_build_object('username', :u, 'display_name', :name)))
             ELSE jsonb_set(details::jsonb, '{{more_{people}}}', 'true') END""",
    "sqlite": """
        CASE WHEN EXISTS (SELECT 1 FROM json_each(details, '$.{people}') WHERE json_extract(value, '$.username') = :u)
                  THEN details
             WHEN COALESCE(json_array_length(details, '$.{people}'), 0) < :most
                  THEN json_insert(details, '$.{people}[#]', json_object('username', :u, 'display_name', :name))
             ELSE json_set(details, '$.more_{people}', json('true')) END""",
}


def merged_details(session: Session, latest: dict, *, people: str, who: User, most: int):
    """SQL for a held entry's details after one more event by `who`: named in the list `people`
    (at most `most` names), and the keys of `latest` set to its values."""
    dialect = session.get_bind().dialect.name
    assert people.isidentifier(), people  # a key of ours, never input: it is written into the SQL
    base = _PEOPLE_SQL[dialect].format(people=people)
    binds = {"u": who.username, "name": who.display_name, "most": most}
    pairs = []
    for number, (key, value) in enumerate(latest.items()):
        assert key.isidentifier(), key
        binds[f"v{number}"] = ("true" if value else "false") if isinstance(value, bool) else value
        pairs.append((key, _slot(dialect, f"v{number}", value)))
    if dialect == "postgresql":
        merged = ", ".join(f"'{key}', {slot}" for key, slot in pairs)
        return text(f"(({base}) || jsonb_build_object({merged}))::json").bindparams(**binds)
    merged = ", ".join(f"'$.{key}', {slot}" for key, slot in pairs)
    return text(f"json_set({base}, {merged})").bindparams(**binds)


def _slot(dialect: str, name: str, value) -> str:
    """A bound value in the JSON: booleans are text made JSON (SQLite has no JSON booleans)."""
    if not isinstance(value, bool):
        return f":{name}"
    return f"CAST(:{name} AS jsonb)" if dialect == "postgresql" else f"json(:{name})"

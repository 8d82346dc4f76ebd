"""Pages and revisions: create, save with a three-way merge over newer revisions, revert.

Every save names the revision it was based on. The new revision is appended by moving the
page's head with a guarded update (`WHERE head_number = <expected>`) in the same transaction as
the insert; `(page, number)` is unique besides. A writer that loses the race rolls back and
merges its change over the new head, so concurrent saves end as a save, a merge or a 409 —
never an overwrite. Nothing on this path reads more than the base and head revisions, so saves
cost the same at revision 10 and at revision 5,000.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, joinedload, selectinload, undefer
from sqlalchemy.orm.attributes import set_committed_value

from govwiki.core.blame import carry_packed, initial_blame, pack_blame, repack_blame
from govwiki.core.diff import diff_texts
from govwiki.core.merge import merge3
from govwiki.core.policy import Action
from govwiki.core.resolution import has_conflict_markers, marked_merge
from govwiki.models import Consultation, Page, PageContributor, Revision, User
from govwiki.services import audit, clock, notifications
from govwiki.services.addresses import claim_slug
from govwiki.services.access import require
from govwiki.services.errors import EditConflict, Invalid, NotFound
from govwiki.services.upsert import insert_or_update
from govwiki.services.validation import (
    check_body, check_display, check_slug, check_text, raise_if,
)

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
SUMMARY_MAX = 500
#: how many times a save merges over a head that moved under it before giving up with a 409
SAVE_ATTEMPTS = 25


class HeadMoved(Exception):
    """Another save moved the page's head between our read and our write."""


@dataclass(frozen=True)
class SaveResult:
    page: Page
    revision: Revision
    merged: bool = False
    unchanged: bool = False


@dataclass(frozen=True)
class NewRevision:
    """What a use case wants appended; `blame` None means: derive it from the head by diff."""

    body: str
    author: User
    summary: str = ""
    blame: list | None = None
    merged_by: User | None = None
    reverted_to: int | None = None
    merged_from_base: int | None = None
    proposal_id: int | None = None
    #: a privileged change names its audit action; it is recorded in the same transaction
    audit_action: str | None = None
    audit_details: dict = field(default_factory=dict)


def create_page(
    session: Session, actor: User | None, consultation: Consultation, *, title, body,
    slug=None, summary="", max_bytes: int = DEFAULT_MAX_BYTES,
) -> Page:
    """Create a page in the consultation with its first revision."""
    require(session, actor, consultation, Action.CREATE_PAGE, your_body=body if isinstance(body, str) else None)
    fields: dict[str, str] = {}
    title = check_display(fields, "title", title, max_length=200)
    slug = check_slug(fields, "slug", slug)
    summary = check_text(fields, "summary", summary, max_length=SUMMARY_MAX)
    raise_if(fields, your_body=body if isinstance(body, str) else None)
    body = check_body(body, max_bytes=max_bytes)
    page = Page(
        consultation_id=consultation.id, title=title, slug=_claim_slug(session, slug, title),
        position=len(consultation.pages), head_number=0,
    )
    session.add(page)
    session.flush()
    _append(session, page, 0, None, NewRevision(body, actor, summary or "Created the page"))
    session.commit()
    return page


def _claim_slug(session: Session, wanted: str | None, title: str) -> str:
    return claim_slug(session, Page.slug, wanted, title, fallback="page")


def save_page(
    session: Session, actor: User | None, page: Page, *, body, summary="", base_revision,
    max_bytes: int = DEFAULT_MAX_BYTES, action: Action = Action.EDIT,
) -> SaveResult:
    """Save an edit made on `base_revision`, merging it over newer revisions when it can."""
    mine = body if isinstance(body, str) else None
    require(session, actor, page.consultation, action, your_body=mine)
    fields: dict[str, str] = {}
    summary = check_text(fields, "summary", summary, max_length=SUMMARY_MAX)
    if not isinstance(base_revision, int) or isinstance(base_revision, bool):
        fields["base_revision"] = "required: the revision number the edit started from"
    raise_if(fields, your_body=mine)
    body = check_body(body, max_bytes=max_bytes, your_body=mine)
    _refuse_unresolved(session, page, body)
    return _save_with_retries(session, page, base_revision, NewRevision(body, actor, summary))


def _refuse_unresolved(session: Session, page: Page, body: str) -> None:
    """Refuse a text that still holds the conflict blocks a conflict screen wrote into it."""
    # Scanning the submitted text is cheap; the head is read only when markers are there, and
    # markers the page already had (a page about merging, say) are its own text.
    if has_conflict_markers(body) and not has_conflict_markers(head_revision(session, page).body):
        raise Invalid({"body": "still holds conflict markers (<<<<<<< and >>>>>>> lines): "
                               "resolve every marked passage"})


def append_revision(
    session: Session, page: Page, base_number: int, new: NewRevision,
    *, on_append: Callable[[Revision], None] | None = None,
) -> SaveResult:
    """Append `new`, made on `base_number`, for another use case (merging a proposal): merged
    over newer revisions like a save; `on_append(revision)` runs in the same transaction just
    before the commit, and whatever it raises undoes the revision (the caller rolls back)."""
    return _save_with_retries(session, page, base_number, new, on_append)


def _save_with_retries(
    session: Session, page: Page, base_number: int, new: NewRevision, on_append=None,
) -> SaveResult:
    for _ in range(SAVE_ATTEMPTS):
        head = head_revision(session, page, with_blame=True)
        text, merged = _merge_over_head(session, page, head, base_number, new.body)
        if text == head.body:
            session.rollback()
            return SaveResult(page, head, merged=False, unchanged=True)
        try:
            revision = _append(session, page, head.number, head, _with_body(new, text, merged, base_number))
            if on_append is not None:
                on_append(revision)
            session.commit()
            return SaveResult(page, revision, merged=merged)
        except (HeadMoved, IntegrityError, OperationalError) as error:
            session.rollback()
            if isinstance(error, OperationalError) and "locked" not in str(error):
                raise
    raise EditConflict(
        "The page is changing too fast to save your edit now; your text is below.",
        your_body=new.body, base_revision=base_number, head_revision=page_head_number(session, page),
        conflicts=[],
    )


def _with_body(new: NewRevision, text: str, merged: bool, base_number: int) -> NewRevision:
    # Stored blame (a revert's) describes the unmerged text only; a merged text derives its own.
    return replace(
        new, body=text, blame=None if merged else new.blame,
        merged_from_base=base_number if merged else None,
    )


def _merge_over_head(session: Session, page: Page, head: Revision, base_number: int, mine: str) -> tuple[str, bool]:
    """Return the text to save and whether it was merged over newer revisions."""
    if base_number == head.number:
        return mine, False
    if base_number < 1 or base_number > head.number:
        raise Invalid(
            {"base_revision": f"must be a revision of this page (1–{head.number})"}, your_body=mine
        )
    base = get_revision(session, page, base_number)
    result = merge3(base.body, mine, head.body)
    if not result.clean:
        session.rollback()
        raise EditConflict(
            "Someone changed the same passage since you started editing. Nothing was saved; "
            "your text is below.",
            base_revision=base_number, head_revision=head.number, your_body=mine,
            head_body=head.body, conflicts=[c.to_dict() for c in result.conflicts],
            # Everything that merged, with both versions of each overlap: resubmitting it on the
            # head can never undo someone else's change elsewhere, as resubmitting mine would.
            marked_body=marked_merge(base.body, mine, head.body, mine_label="your version",
                                     theirs_label=f"current text (revision {head.number})"),
        )
    return result.text, True


def _append(session: Session, page: Page, expected_head: int, head: Revision | None, new: NewRevision) -> Revision:
    """Move the head from `expected_head` and insert the revision, or raise HeadMoved."""
    number = expected_head + 1
    at = clock.now()
    moved = session.execute(
        update(Page)
        .where(Page.id == page.id, Page.head_number == expected_head)
        .values(head_number=number, updated_at=at)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise HeadMoved()
    set_committed_value(page, "head_number", number)
    set_committed_value(page, "updated_at", at)
    revision = Revision(
        page_id=page.id, number=number, parent_number=expected_head or None, author_id=new.author.id,
        merged_by_id=new.merged_by.id if new.merged_by else None, reverted_to=new.reverted_to,
        merged_from_base=new.merged_from_base, proposal_id=new.proposal_id, summary=new.summary,
        body=new.body,
        sha256=hashlib.sha256(new.body.encode("utf-8")).hexdigest(),
        size=len(new.body.encode("utf-8")), blame=_blame_for(head, new, number), created_at=at,
    )
    session.add(revision)
    _count_contribution(session, page, new.author, at)
    session.flush()
    actor = new.merged_by or new.author
    notifications.revision_saved(session, page, revision, actor)
    if new.audit_action:
        audit.record(session, actor, new.audit_action, subject_type="page", subject_id=page.slug,
                     consultation=page.consultation, details={**new.audit_details, "revision": number})
    return revision


def _blame_for(head: Revision | None, new: NewRevision, number: int) -> str:
    if new.blame is not None:  # a revert restores its target's attribution as it was
        return repack_blame(new.blame)
    if head is None:
        return pack_blame(initial_blame(new.body, number))
    ops = diff_texts(head.body, new.body)
    return carry_packed(head.blame, ops, number)


def _count_contribution(session: Session, page: Page, author: User, at) -> None:
    insert_or_update(
        session, PageContributor.__table__,
        {"page_id": page.id, "user_id": author.id, "revisions": 1, "last_at": at}, ["page_id", "user_id"],
        lambda new: {"revisions": PageContributor.__table__.c.revisions + 1, "last_at": new.last_at},
    )


def revert_page(
    session: Session, actor: User | None, page: Page, *, to_revision, summary="",
) -> SaveResult:
    """Restore an old revision's text as a new revision; its spans keep their original authors."""
    require(session, actor, page.consultation, Action.REVERT)
    fields: dict[str, str] = {}
    summary = check_text(fields, "summary", summary, max_length=SUMMARY_MAX)
    if not isinstance(to_revision, int) or isinstance(to_revision, bool):
        fields["to_revision"] = "required: a revision number"
    raise_if(fields)
    target = get_revision(session, page, to_revision)
    head = head_revision(session, page)
    new = NewRevision(
        target.body, actor, summary or f"Reverted to revision {target.number}",
        blame=target.blame, reverted_to=target.number, audit_action="revision_reverted",
        audit_details={"to_revision": target.number},
    )
    # A revert is an edit based on the head the reverter saw; a moved head merges or conflicts.
    return _save_with_retries(session, page, head.number, new)


def head_revision(session: Session, page: Page, *, with_blame: bool = False) -> Revision:
    """Return the page's current revision, read fresh from the database in one query."""
    query = (
        select(Revision)
        .join(Page, (Page.id == Revision.page_id) & (Page.head_number == Revision.number))
        .where(Page.id == page.id)
    )
    if with_blame:  # saves carry the head's blame forward: load it with the row
        query = query.options(undefer(Revision.blame))
    revision = session.scalar(query)
    if revision is None:
        raise NotFound("This page has no revisions.")
    return revision


def page_head_number(session: Session, page: Page) -> int:
    # A column query bypasses the identity map, so a head moved by another session is seen.
    return session.scalar(select(Page.head_number).where(Page.id == page.id))


def get_revision(session: Session, page: Page, number) -> Revision:
    """Return revision `number` of the page, or raise NotFound."""
    if not isinstance(number, int) or isinstance(number, bool):
        raise NotFound("No such revision.")
    revision = session.scalar(
        select(Revision).where(Revision.page_id == page.id, Revision.number == number)
    )
    if revision is None:
        raise NotFound(f"This page has no revision {number}.")
    return revision


def list_revisions(session: Session, page: Page, *, page_no: int = 1, per_page: int = 50) -> tuple[list[Revision], int]:
    """Return one page of the history, newest first, and the total; cost does not grow with it."""
    total = page_head_number(session, page)
    top = total - (page_no - 1) * per_page
    items = session.scalars(
        select(Revision)
        .options(selectinload(Revision.author), selectinload(Revision.merged_by))
        .where(Revision.page_id == page.id, Revision.number <= top, Revision.number > top - per_page)
        .order_by(Revision.number.desc())
    )
    return list(items), total


def contributors(session: Session, page: Page, *, limit: int | None = None) -> list[PageContributor]:
    """People who wrote revisions of the page, most revisions first (the first `limit`)."""
    return list(
        session.scalars(
            select(PageContributor)
            .options(joinedload(PageContributor.user))
            .where(PageContributor.page_id == page.id)
            .order_by(PageContributor.revisions.desc(), PageContributor.id)
            .limit(limit)
        )
    )


def contributor_count(session: Session, page: Page) -> int:
    return session.scalar(select(func.count()).where(PageContributor.page_id == page.id))

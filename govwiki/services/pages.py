"""Pages and revisions: create, save with a three-way merge over newer revisions, revert.

Every save names the revision it was based on. The new revision is appended by moving the
page's head with a guarded update (`WHERE head_number = <expected>`) in the same transaction as
the insert; `(page, number)` is unique besides. A writer that loses the race rolls back and
merges its change over the new head, so concurrent saves end as a save, a merge or a 409 —
never an overwrite. Once the head is moved, the writer's right to write is decided again on
the consultation as the transaction commits, so nothing lands after a close was acknowledged.
`append_revision` does not commit: each use case (save, revert, merging a proposal) appends,
does the rest of its work and commits, as one attempt that `transactions.retrying` runs again
when the head moved. Nothing on this path reads more than the base and head revisions, so saves
cost the same at revision 10 and at revision 5,000.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, defer, joinedload, undefer
from sqlalchemy.orm.attributes import set_committed_value

from govwiki.core.blame import carry_packed, initial_blame, pack_blame, repack_blame
from govwiki.core.diff_cache import Diff, diff_once, shape_of
from govwiki.core.diff_views import count_words, word_delta
from govwiki.core.merge import merge3
from govwiki.core.policy import Action
from govwiki.core.resolution import has_conflict_markers, marked_merge
from govwiki.core.messages import Message
from govwiki.models import Consultation, Page, PageContributor, Revision, User
from govwiki.services import audit, clock, discussion_anchors, notifications
from govwiki.services.addresses import claim_slug
from govwiki.services.access import require, require_at_commit
from govwiki.services.errors import EditConflict, Invalid, NotFound
from govwiki.services.transactions import LostRace, retrying
from govwiki.services.upsert import insert_or_update
from govwiki.services.validation import check_body, check_display, check_slug, check_text, raise_if

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
SUMMARY_MAX = 500


class HeadMoved(LostRace):
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
    #: the permission its writer needs, decided again on the consultation as the revision lands
    action: Action = Action.EDIT
    #: the writer's own text, handed back if that decision refuses
    your_body: str | None = None

    @property
    def writer(self) -> User:
        """Who makes the change: the official merging it, else its author."""
        return self.merged_by or self.author


def create_page(
    session: Session,
    actor: User | None,
    consultation: Consultation,
    *,
    title,
    body,
    slug=None,
    summary="",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Page:
    """Create a page in the consultation with its first revision."""
    require(
        session, actor, consultation, Action.CREATE_PAGE, your_body=body if isinstance(body, str) else None
    )
    fields: dict[str, str] = {}
    title = check_display(fields, "title", title, max_length=200)
    slug = check_slug(fields, "slug", slug)
    summary = check_text(fields, "summary", summary, max_length=SUMMARY_MAX)
    raise_if(fields, your_body=body if isinstance(body, str) else None)
    body = check_body(body, max_bytes=max_bytes)
    page = Page(
        consultation_id=consultation.id,
        title=title,
        slug=_claim_slug(session, slug, title),
        position=len(consultation.pages),
        head_number=0,
    )
    session.add(page)
    session.flush()
    first = NewRevision(body, actor, summary or "Created the page", action=Action.CREATE_PAGE, your_body=body)
    _append(session, page, 0, None, first)
    session.commit()
    return page


def _claim_slug(session: Session, wanted: str | None, title: str) -> str:
    return claim_slug(session, Page.slug, wanted, title, fallback="page")


def save_page(
    session: Session,
    actor: User | None,
    page: Page,
    *,
    body,
    summary="",
    base_revision,
    max_bytes: int = DEFAULT_MAX_BYTES,
    action: Action = Action.EDIT,
) -> SaveResult:
    """Save an edit made on `base_revision`, merging it over newer revisions when it can."""
    mine = body if isinstance(body, str) else None
    require(session, actor, page.consultation, action, your_body=mine)
    fields: dict[str, str] = {}
    summary = check_text(fields, "summary", summary, max_length=SUMMARY_MAX)
    if not isinstance(base_revision, int) or isinstance(base_revision, bool):
        fields["base_revision"] = Message("required: the revision number the edit started from")
    raise_if(fields, your_body=mine)
    body = check_body(body, max_bytes=max_bytes, your_body=mine)
    _refuse_unresolved(session, page, body)
    new = NewRevision(body, actor, summary, action=action, your_body=mine)
    return retrying(
        session,
        lambda: _save(session, page, base_revision, new),
        gave_up=lambda: head_kept_moving(session, page, base_revision, new.body),
    )


def _refuse_unresolved(session: Session, page: Page, body: str) -> None:
    """Refuse a text that still holds the conflict blocks a conflict screen wrote into it."""
    # Scanning the submitted text is cheap; the head is read only when markers are there, and
    # markers the page already had (a page about merging, say) are its own text.
    if has_conflict_markers(body) and not has_conflict_markers(head_revision(session, page).body):
        raise Invalid(
            {
                "body": Message(
                    "still holds conflict markers (<<<<<<< and >>>>>>> lines): resolve every marked passage"
                )
            }
        )


def _save(session: Session, page: Page, base_number: int, new: NewRevision) -> SaveResult:
    result = append_revision(session, page, base_number, new)
    session.commit()
    return result


def append_revision(session: Session, page: Page, base_number: int, new: NewRevision) -> SaveResult:
    """Append `new`, written on revision `base_number`, in the caller's transaction (the caller
    commits): merged over newer revisions, or `unchanged` if the head already has its text.

    Raises HeadMoved when another save moved the head first (run the use case again, see
    `transactions.retrying`), EditConflict when the edits overlap, and the policy's refusal
    when the writer may no longer do `new.action` as this transaction commits.
    """
    head = head_revision(session, page, with_blame=True)
    text, merged = _merge_over_head(session, page, head, base_number, new.body)
    if text == head.body:
        return SaveResult(page, head, merged=False, unchanged=True)
    revision = _append(session, page, head.number, head, _with_body(new, text, merged, base_number))
    return SaveResult(page, revision, merged=merged)


def head_kept_moving(session: Session, page: Page, base_number: int, body: str) -> EditConflict:
    """The 409 of a save that lost the race to the head every time it tried."""
    return EditConflict(
        Message("The page is changing too fast to save your edit now; your text is below."),
        your_body=body,
        base_revision=base_number,
        head_revision=page_head_number(session, page),
        conflicts=[],
    )


def _with_body(new: NewRevision, text: str, merged: bool, base_number: int) -> NewRevision:
    # Stored blame (a revert's) describes the unmerged text only; a merged text derives its own.
    return replace(
        new, body=text, blame=None if merged else new.blame, merged_from_base=base_number if merged else None
    )


def _merge_over_head(
    session: Session, page: Page, head: Revision, base_number: int, mine: str
) -> tuple[str, bool]:
    """Return the text to save and whether it was merged over newer revisions."""
    if base_number == head.number:
        return mine, False
    if base_number < 1 or base_number > head.number:
        raise Invalid(
            {"base_revision": Message("must be a revision of this page (1–%(head)d)", head=head.number)},
            your_body=mine,
        )
    base = get_revision(session, page, base_number)
    result = merge3(base.body, mine, head.body)
    if not result.clean:
        raise EditConflict(
            Message(
                "Someone changed the same passage since you started editing. Nothing was saved; "
                "your text is below."
            ),
            base_revision=base_number,
            head_revision=head.number,
            your_body=mine,
            head_body=head.body,
            conflicts=[c.to_dict() for c in result.conflicts],
            # Everything that merged, with both versions of each overlap: resubmitting it on the
            # head can never undo someone else's change elsewhere, as resubmitting mine would.
            marked_body=marked_merge(
                base.body,
                mine,
                head.body,
                mine_label="your version",
                theirs_label=Message("current text (revision %(number)d)", number=head.number),
            ),
        )
    return result.text, True


def _append(
    session: Session, page: Page, expected_head: int, head: Revision | None, new: NewRevision
) -> Revision:
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
    # The head row is ours until the commit: now decide, on the consultation as it commits,
    # whether the writer may still write (a close in flight either waits for us or refuses us).
    require_at_commit(session, new.writer, page.consultation, new.action, your_body=new.your_body)
    set_committed_value(page, "head_number", number)
    set_committed_value(page, "updated_at", at)
    sha256 = hashlib.sha256(new.body.encode("utf-8")).hexdigest()
    change = _change_from(head, new.body, sha256)
    revision = Revision(
        page_id=page.id,
        number=number,
        parent_number=expected_head or None,
        author_id=new.author.id,
        merged_by_id=new.merged_by.id if new.merged_by else None,
        reverted_to=new.reverted_to,
        merged_from_base=new.merged_from_base,
        proposal_id=new.proposal_id,
        summary=new.summary,
        body=new.body,
        sha256=sha256,
        blame=_blame_for(head, new, number, change),
        diff_shape=shape_of(change, head.sha256) if change else None,
        created_at=at,
        **_text_counts(head, new.body, change),
    )
    session.add(revision)
    _count_contribution(session, page, new.author, at)
    session.flush()
    # The comments stay where they are until the first read of this revision moves them.
    discussion_anchors.follow_head(session, page, number)
    notifications.revision_saved(session, page, revision, new.writer)
    return revision


def _change_from(head: Revision | None, body: str, sha256: str) -> Diff | None:
    """The diff from the head to the new text: blame and the stored counts come from it, and
    it goes into the diff cache, where the first look at this change will find it."""
    if head is None:
        return None
    return diff_once(head.sha256, sha256, lambda: (head.body, body))


def _text_counts(head: Revision | None, body: str, change: Diff | None) -> dict[str, int]:
    """Sizes and word counts stored with a revision; only the changed lines are counted."""
    words = count_words(body) if change is None else head.words + word_delta(change.ops)
    added = words if change is None else change.stats["inserted"]
    removed = 0 if change is None else change.stats["deleted"]
    return {
        "size": len(body.encode("utf-8")),
        "chars": len(body),
        "words": words,
        "words_added": added,
        "words_removed": removed,
    }


def _blame_for(head: Revision | None, new: NewRevision, number: int, change: Diff | None) -> str:
    if new.blame is not None:  # a revert restores its target's attribution as it was
        return repack_blame(new.blame)
    if head is None:
        return pack_blame(initial_blame(new.body, number))
    return carry_packed(head.blame, change.ops, number)


def _count_contribution(session: Session, page: Page, author: User, at) -> None:
    insert_or_update(
        session,
        PageContributor.__table__,
        {"page_id": page.id, "user_id": author.id, "revisions": 1, "last_at": at},
        ["page_id", "user_id"],
        lambda new: {"revisions": PageContributor.__table__.c.revisions + 1, "last_at": new.last_at},
    )


def revert_page(session: Session, actor: User | None, page: Page, *, to_revision, summary="") -> SaveResult:
    """Restore an old revision's text as a new revision; its spans keep their original authors."""
    require(session, actor, page.consultation, Action.REVERT)
    fields: dict[str, str] = {}
    summary = check_text(fields, "summary", summary, max_length=SUMMARY_MAX)
    if not isinstance(to_revision, int) or isinstance(to_revision, bool):
        fields["to_revision"] = Message("required: a revision number")
    raise_if(fields)
    target = get_revision(session, page, to_revision)
    head = head_revision(session, page)
    new = NewRevision(
        target.body,
        actor,
        summary or f"Reverted to revision {target.number}",
        blame=target.blame,
        reverted_to=target.number,
        action=Action.REVERT,
    )
    # A revert is an edit based on the head the reverter saw; a moved head merges or conflicts.
    return retrying(
        session,
        lambda: _revert(session, actor, page, head.number, new),
        gave_up=lambda: head_kept_moving(session, page, head.number, new.body),
    )


def _revert(session: Session, actor: User, page: Page, base_number: int, new: NewRevision) -> SaveResult:
    result = append_revision(session, page, base_number, new)
    if not result.unchanged:
        audit.record(
            session,
            actor,
            "revision_reverted",
            subject_type="page",
            subject_id=page.slug,
            consultation=page.consultation,
            details={"to_revision": new.reverted_to, "revision": result.revision.number},
        )
    session.commit()
    return result


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
        raise NotFound(Message("This page has no revisions."))
    return revision


def page_head_number(session: Session, page: Page) -> int:
    # A column query bypasses the identity map, so a head moved by another session is seen.
    return session.scalar(select(Page.head_number).where(Page.id == page.id))


def require_revision_number(number) -> None:
    """NotFound unless `number` could name a revision (an int; a bool is no number here)."""
    if not isinstance(number, int) or isinstance(number, bool):
        raise NotFound(Message("No such revision."))


def no_such_revision(number: int) -> NotFound:
    return NotFound(Message("This page has no revision %(number)d.", number=number))


def get_revision(session: Session, page: Page, number, *, with_body: bool = True) -> Revision:
    """Return revision `number` of the page, or raise NotFound; without its body (read on first
    use, one query) when `with_body` is false."""
    require_revision_number(number)
    query = select(Revision).where(Revision.page_id == page.id, Revision.number == number)
    if not with_body:
        query = query.options(defer(Revision.body))
    revision = session.scalar(query)
    if revision is None:
        raise no_such_revision(number)
    return revision


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

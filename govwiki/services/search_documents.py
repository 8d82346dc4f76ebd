"""What the search index holds, read from the database (its source of truth).

Bodies are indexed as the plain text a reader sees (Markdown reduced, as snippets show it).
A document's key names its row ("page:12"); `documents(session, keys)` reads the current state
of those rows and says which are to be indexed and which are to go (deleted, or a comment that
is hidden or deleted). Who may see a document is not stored in it beyond its consultation: the
reader's readable consultations come from the policy's SQL rule at query time, so a change of
status, visibility or membership needs no reindexing to take effect.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from govwiki.core.markdown import plain_text
from govwiki.models import Comment, Consultation, Page, Proposal, Revision, User
from govwiki.search.index import Document
from govwiki.services.access import readable_filter

#: kinds in the order a rebuild indexes them
KINDS = ("consultation", "page", "proposal", "comment")


def key(kind: str, id: int) -> str:
    return f"{kind}:{id}"


def readable_consultations(session: Session, actor: User | None) -> frozenset[int]:
    """Ids of the consultations `actor` may read: the permission filter of every search."""
    return frozenset(session.scalars(select(Consultation.id).where(readable_filter(actor))))


def documents(session: Session, keys: Iterable[str]) -> tuple[list[Document], list[str]]:
    """(documents to put in, keys to take out) for `keys`, as the database has them now."""
    wanted: dict[str, set[int]] = {kind: set() for kind in KINDS}
    for one in set(keys):
        kind, _, id = one.partition(":")
        if kind in wanted and id.isdigit():
            wanted[kind].add(int(id))
    found = [document for kind in KINDS if wanted[kind] for document in _READERS[kind](session, wanted[kind])]
    present = {document.key for document in found}
    gone = [key(kind, id) for kind in KINDS for id in wanted[kind] if key(kind, id) not in present]
    return found, gone


def every_key(session: Session) -> Iterator[str]:
    """The key of every row that may be indexed (for a rebuild)."""
    for kind, model in (
        ("consultation", Consultation),
        ("page", Page),
        ("proposal", Proposal),
        ("comment", Comment),
    ):
        for id in session.scalars(select(model.id).order_by(model.id)):
            yield key(kind, id)


def _consultations(session, ids):
    for row in session.scalars(
        select(Consultation).options(joinedload(Consultation.created_by)).where(Consultation.id.in_(ids))
    ):
        yield Document(
            key=key("consultation", row.id),
            kind="consultation",
            title=row.title,
            body=plain_text(row.summary or ""),
            consultation=row.id,
            status=row.status,
            author=row.created_by.username,
            updated=row.updated_at,
            slug=row.slug,
        )


def _pages(session, ids):
    rows = session.execute(
        select(Page, Revision.body, User.username, Consultation.status)
        .join(Revision, (Revision.page_id == Page.id) & (Revision.number == Page.head_number))
        .join(User, User.id == Revision.author_id)
        .join(Consultation, Consultation.id == Page.consultation_id)
        .where(Page.id.in_(ids))
    )
    for page, body, author, status in rows:
        yield Document(
            key=key("page", page.id),
            kind="page",
            title=page.title,
            body=plain_text(body),
            consultation=page.consultation_id,
            status=status,
            author=author,
            updated=page.updated_at,
            slug=page.slug,
        )


def _proposals(session, ids):
    rows = session.execute(
        select(Proposal, Page, User.username)
        .join(Page, Page.id == Proposal.page_id)
        .join(User, User.id == Proposal.author_id)
        .where(Proposal.id.in_(ids))
    )
    for proposal, page, author in rows:
        yield Document(
            key=key("proposal", proposal.id),
            kind="proposal",
            title=proposal.summary or page.title,
            body=plain_text(proposal.body),
            consultation=page.consultation_id,
            status=proposal.status,
            author=author,
            updated=proposal.updated_at,
            slug=page.slug,
        )


def _comments(session, ids):
    rows = session.execute(
        select(Comment, Page, User.username)
        .join(Page, Page.id == Comment.page_id)
        .join(User, User.id == Comment.author_id)
        .where(Comment.id.in_(ids), Comment.status == "visible")
    )
    for comment, page, author in rows:
        yield Document(
            key=key("comment", comment.id),
            kind="comment",
            title=page.title,
            body=plain_text(comment.body),
            consultation=page.consultation_id,
            status=comment.status,
            author=author,
            updated=comment.edited_at or comment.created_at,
            slug=page.slug,
        )


_READERS = {"consultation": _consultations, "page": _pages, "proposal": _proposals, "comment": _comments}

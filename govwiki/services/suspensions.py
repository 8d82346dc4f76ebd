"""Suspending accounts: an admin (or the command line) stops someone from signing in, writing
and using API tokens, with a reason; lifting the suspension gives everything back.

Nothing the person wrote is removed: their revisions, suggestions and comments stay, and their
name is shown marked as suspended wherever it appears. Suspending ends every signed-in session
and remembered device of the account (services/sign_in_sessions.py), so none comes back when the
suspension is lifted; its API tokens pause and come back. Enforcement lives where people are
recognised (User.is_active, read by the session loader's one query, the token check and
sign-in), so no write path has to remember it. Both changes go into the audit log.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from govwiki.core.messages import Message
from govwiki.core.policy import may_suspend
from govwiki.models import Comment, Page, PageContributor, User
from govwiki.services import audit, clock, sign_in_sessions
from govwiki.services.accounts import get_user
from govwiki.services.errors import Conflict, Forbidden, Invalid
from govwiki.services.validation import check_text, raise_if

REASON_MAX = 1000


def suspend_user(session: Session, actor: User | None, username, *, reason) -> User:
    """Suspend an account with a reason; `actor` None means the command line."""
    _require_admin(actor)
    reason = _reason(reason, required=True)
    user = get_user(session, username if isinstance(username, str) else "")
    if actor is not None and actor.id == user.id:
        raise Invalid({"username": Message("you cannot suspend your own account")})
    if user.suspended_at is not None:
        raise Conflict("already_suspended", Message("This account is already suspended."))
    user.suspended_at, user.suspended_reason = clock.now(), reason
    # every browser signed in as them is signed out for good; API tokens only pause (is_active)
    sign_in_sessions.end_everything(session, user, "suspended", revoke_tokens=False)
    _names_changed(session, user)
    _record(session, actor, "user_suspended", user, reason=reason)
    session.commit()
    return user


def unsuspend_user(session: Session, actor: User | None, username, *, reason="") -> User:
    """Lift a suspension (the reason is optional); `actor` None means the command line."""
    _require_admin(actor)
    reason = _reason(reason, required=False)
    user = get_user(session, username if isinstance(username, str) else "")
    if user.suspended_at is None:
        raise Conflict("not_suspended", Message("This account is not suspended."))
    user.suspended_at, user.suspended_reason = None, ""
    _names_changed(session, user)
    _record(session, actor, "user_unsuspended", user, reason=reason)
    session.commit()
    return user


def list_users(
    session: Session,
    actor: User | None,
    *,
    query: str = "",
    suspended: bool = False,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[User], int]:
    """People for the admins' list, by username; `query` matches username or display name."""
    _require_admin(actor)
    select_users = select(User)
    if query:
        pattern = "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        select_users = select_users.where(
            or_(
                User.username.like(pattern, escape="\\"),
                func.lower(User.display_name).like(pattern, escape="\\"),
            )
        )
    if suspended:
        select_users = select_users.where(User.suspended_at.is_not(None))
    total = session.scalar(select(func.count()).select_from(select_users.subquery()))
    users = session.scalars(
        select_users.order_by(User.username).offset((page - 1) * per_page).limit(per_page)
    )
    return list(users), total


def _require_admin(actor: User | None) -> None:
    if actor is not None and not may_suspend(actor.role):
        raise Forbidden(Message("Only administrators suspend accounts."))


def _reason(reason, *, required: bool) -> str:
    fields: dict = {}
    reason = check_text(
        fields, "reason", "" if reason is None else reason, max_length=REASON_MAX, required=required
    )
    raise_if(fields)
    return reason


def _names_changed(session: Session, user: User) -> None:
    """The person's name reads differently now: every page that shows it (as a contributor or a
    comment's author) gets a new discussion_version, so no cached copy keeps the old one."""
    shown = or_(
        Page.id.in_(select(PageContributor.page_id).where(PageContributor.user_id == user.id)),
        Page.id.in_(select(Comment.page_id).where(Comment.author_id == user.id)),
    )
    bump = update(Page).where(shown).values(discussion_version=Page.discussion_version + 1)
    session.execute(bump.execution_options(synchronize_session=False))


def _record(session: Session, actor: User | None, action: str, user: User, **details) -> None:
    audit.record(session, actor, action, subject_type="user", subject_id=user.username, details=details)

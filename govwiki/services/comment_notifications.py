"""Notifications about comments: a reply to mine, the consultation's response to mine, and new
comments on the pages I watch, grouped like edits so that a lively discussion buries nobody.

- New comments on a page reach the watchers of the page and of its consultation as one entry per
  page per day ("5 new comments on …"), never their author, nor the person a reply is for (they
  hear of it more precisely, below).
- Replies to a comment reach its author as one entry per comment per day; the comment replied
  to is `in_reply_to` when the thread's nesting was capped, else the parent.
- The consultation's responses to a comment (replies written as an official, and marking the
  comment answered) reach its author as one entry per comment, whoever responds and how often.

Every kind is written by the database for all its readers at once (services.notification_groups),
in the caller's transaction. No entry holds a comment's text, so a comment hidden later never
shows in a notification; entries name people and link to the comment. Like every notification,
an entry is listed only while its reader may read the consultation (services.notifications).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from govwiki.models import Comment, Page, User
from govwiki.services import clock
from govwiki.services.notification_groups import (
    merged_details,
    notify_group,
    one_person,
    person,
    watch_by_default,
    watchers,
)

#: new comments on a watched page, one entry per page per day
COMMENTED = "page_commented"
#: replies to my comment, one entry per comment per day
REPLIED = "comment_replied"
#: the consultation responded to my comment (an official reply, or marked answered)
RESPONDED = "official_response"
#: people named on an entry; later newcomers only set `more_authors`
NAMED_AUTHORS = 20


def comment_posted(session: Session, comment: Comment, author: User) -> None:
    """Tell the people a new comment concerns; its author starts watching the page by default."""
    if comment.id is None:
        session.flush()  # entries link to the comment by its id
    page = comment.page
    watch_by_default(session, author, page)
    answered = _answered(session, comment)
    if answered is not None and answered.author_id != author.id:
        if comment.official:
            _responded(session, answered, author, {"reply": comment.id})
        else:
            _replied(session, answered, comment, author)
    skip = {author.id} | ({answered.author_id} if answered is not None else set())
    _commented(session, page, comment, author, skip)


def comment_answered(session: Session, comment: Comment, official: User) -> None:
    """Tell a comment's author that an official marked it answered (the caller commits)."""
    if official.id != comment.author_id:
        _responded(session, comment, official, {"answered": True})


def _answered(session: Session, comment: Comment) -> Comment | None:
    """The comment this one replies to, if any."""
    answered_id = comment.in_reply_to_id or comment.parent_id
    return session.get(Comment, answered_id) if answered_id is not None else None


def _day() -> str:
    return clock.now().date().isoformat()


def _about(page: Page, details: dict) -> dict:
    return {"consultation_id": page.consultation_id, "page_id": page.id, "details": details}


def _commented(session: Session, page: Page, comment: Comment, author: User, skip: set[int]) -> None:
    day = _day()
    first = {
        "day": day,
        "page_title": page.title,
        "comment": comment.id,
        "last_comment": comment.id,
        "by": author.display_name,
        "authors": [person(author)],
        "more_authors": False,
    }
    notify_group(
        session,
        watchers(page.consultation, page, skip=skip),
        f"{COMMENTED}:{page.id}:{day}",
        {"kind": COMMENTED, **_about(page, first)},
        _bumped(session, author, {"last_comment": comment.id, "by": author.display_name, "page_title": page.title}),
    )  # fmt: skip


def _replied(session: Session, answered: Comment, reply: Comment, author: User) -> None:
    page, day = answered.page, _day()
    first = {
        "day": day,
        "page_title": page.title,
        "comment": reply.id,
        "answered_comment": answered.id,
        "last_comment": reply.id,
        "by": author.display_name,
        "authors": [person(author)],
        "more_authors": False,
    }
    notify_group(
        session,
        one_person(answered.author_id),
        f"{REPLIED}:{answered.id}:{day}",
        {"kind": REPLIED, **_about(page, first)},
        _bumped(session, author, {"last_comment": reply.id, "by": author.display_name, "page_title": page.title}),
    )  # fmt: skip


def _responded(session: Session, answered: Comment, official: User, facts: dict) -> None:
    """One entry per comment for all of the consultation's responses to it; `facts` is
    {"reply": id} for an official reply or {"answered": True} for marking it answered."""
    page = answered.page
    first = {
        "page_title": page.title,
        "answered_comment": answered.id,
        "reply": None,
        "answered": False,
        **facts,
        "comment": facts.get("reply") or answered.id,
        "by": official.display_name,
        "authors": [person(official)],
        "more_authors": False,
    }
    latest = {**facts, "by": official.display_name, "page_title": page.title}
    if "reply" in facts:  # the link leads to the latest official reply
        latest["comment"] = facts["reply"]
    notify_group(
        session,
        one_person(answered.author_id),
        f"{RESPONDED}:{answered.id}",
        {"kind": RESPONDED, **_about(page, first)},
        _bumped(session, official, latest),
    )


def _bumped(session: Session, who: User, latest: dict):
    return merged_details(session, latest, people="authors", who=who, most=NAMED_AUTHORS)

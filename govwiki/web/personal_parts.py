"""The personal parts of a shared page, drawn for the person the page is served to.

A page view is cached as a skeleton (web/skeleton.py) for every reader of one kind; these
functions draw its holes for the current request: the signed-in header, the watch button, and
the actions of the comments this reader wrote, supports or reported (the others keep the
stranger's actions the skeleton holds). One query finds those comments; the header's count and
the watch state are one query each.
"""

from __future__ import annotations

from flask import current_app

from govwiki.core.policy import Action
from govwiki.security import actor
from govwiki.services import comment_views
from govwiki.services import discussion as discussion_service
from govwiki.services.access import Verdicts
from govwiki.web import discussion, skeleton
from govwiki.web.views import session


def page_filler(page, verdicts: Verdicts):
    """A function that makes the filler of a page view's skeleton (it needs the comment ids)."""

    def make(shared: skeleton.Skeleton) -> skeleton.Filler:
        context: dict = {}
        current_app.update_template_context(context)  # what every template sees (current_actor…)
        who = actor()
        own = discussion_service.own_marks(session(), who, [int(k) for k in shared.holes("comment")])
        moderator = bool(verdicts(Action.MODERATE))
        state = discussion.comment_state(page, verdicts) if own else None

        def render(name: str, **values) -> str:
            return current_app.jinja_env.get_template(name).render({**context, **values})

        def comment_actions(key: str) -> str | None:
            mark = own.get(int(key))
            if mark is None:
                return None  # the stranger's actions fit this reader
            view = comment_views.view_of(mark.comment, moderator, mark.supported)
            flagged = {mark.comment.id} if mark.reported else set()
            actions = discussion.actions_context(verdicts, state, who, [mark.comment.id], flagged=flagged)
            return render(
                "comments/_actions_alone.html",
                view=view, c=mark.comment, comment=mark.comment, page=page, discussion=actions,
            )  # fmt: skip

        def fill(name: str, key: str) -> str | None:
            if name == "header":
                return render("_header_user.html")
            if name == "watch":
                return render("notifications/_watch_button.html", watch_target=page)
            if name == "comment":
                return comment_actions(key)
            return None

        return fill

    return make

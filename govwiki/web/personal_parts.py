"""The personal parts of a shared page, drawn for the person the page is served to.

A page view is cached as a skeleton (web/skeleton.py) for every reader of one kind; these
functions draw its holes for the current request: the signed-in header, the watch button, and
the actions of the comments this reader wrote, supports or reported (the others keep the
stranger's actions the skeleton holds). One query tells the header's unread count and the watch
state, one more finds the reader's own comments among those on the screen (when there are
any). The header and the watch button themselves are kept, rendered, per what they show (the
button is the same for everyone who watches the page), so a view renders no template at all
unless a comment of the reader's is on the screen.
"""

from __future__ import annotations

from flask import current_app, g
from flask_babel import get_locale

from govwiki.core.bounded_cache import BoundedCache
from govwiki.core.policy import Action
from govwiki.security import actor
from govwiki.services import comment_views
from govwiki.services import discussion as discussion_service
from govwiki.services import notifications as notification_service
from govwiki.services.access import Verdicts
from govwiki.web import discussion, skeleton
from govwiki.web.notifications import unread_notifications, watch_state
from govwiki.web.views import session

#: rendered headers and watch buttons kept per worker (each a few hundred bytes)
FRAGMENT_ENTRIES, FRAGMENT_BYTES = 4096, 4 * 1024 * 1024


def _fragments() -> BoundedCache[str]:
    found = current_app.extensions.get("govwiki_personal_fragments")
    if found is None:
        found = BoundedCache(FRAGMENT_ENTRIES, FRAGMENT_BYTES, len)
        current_app.extensions["govwiki_personal_fragments"] = found
    return found


def page_filler(page, verdicts: Verdicts | None):
    """A function that makes the filler of a view's skeleton (it needs the comment ids); `page`
    None for views of no page (the front page), which have only the header to fill, and for a
    stranger's view of a page (nothing on it is theirs: every part is the stranger's)."""

    def make(shared: skeleton.Skeleton) -> skeleton.Filler:
        who = actor()
        context: dict | None = None
        watching = False
        if who is not None and page is None:
            unread_notifications()  # one count per request (the build, if any, has asked already)
        elif who is not None:
            g.unread_notifications, watching = notification_service.header_facts(session(), who, page)
        comment_ids = [int(key) for key in shared.holes("comment")]
        own = discussion_service.own_marks(session(), who, comment_ids)
        locale = str(get_locale())
        moderator = verdicts is not None and bool(verdicts(Action.MODERATE))
        once: dict = {}

        def render(name: str, **values) -> str:
            nonlocal context
            if context is None:
                context = {}
                current_app.update_template_context(context)  # what every template sees
            return current_app.jinja_env.get_template(name).render({**context, **values})

        def kept(key: tuple, name: str, **values) -> str:
            """A fragment that depends only on `key`, rendered the first time it is asked for."""
            found = _fragments().get(key)
            if found is None:
                found = _fragments().put(key, skeleton.shareable(render(name, **values)))
            return found

        def header() -> str:
            facts = (who.id, who.display_name, who.role, g.unread_notifications)
            return kept(("header", locale, *facts), "_header_user.html")

        def watch_button() -> str:
            if who is None or page is None:
                return ""
            state = watch_state(page, watching)
            return kept(("watch", locale, state), "notifications/_watch_button.html", watch=state)

        def comment_actions(key: str) -> str | None:
            mark = own.get(int(key))
            if mark is None:
                return None  # the stranger's actions fit this reader
            c, mine = mark.comment, mark.comment.author_id == who.id
            context = actions()
            facts = (page.discussion_version, c.id, mine, mark.supported, mark.reported, verdicts.kind)
            return kept(
                ("comment", locale, context["next"], context["state"], *facts), "comments/_actions_alone.html",
                view=comment_views.view_of(c, moderator, mark.supported), c=c, comment=c, page=page,
                discussion={**context, "flagged": {c.id} if mark.reported else set()},
            )  # fmt: skip

        def actions() -> dict:
            """What every comment's actions need, asked once per request."""
            if "actions" not in once:
                state = discussion.comment_state(page, verdicts)
                once["actions"] = discussion.actions_context(verdicts, state, who, list(own), flagged=set())
            return once["actions"]

        def fill(name: str, key: str) -> str | None:
            if name == "header":
                return header()
            if name == "watch":
                return watch_button()
            if name == "comment":
                return comment_actions(key)
            return None

        return fill

    return make

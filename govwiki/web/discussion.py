"""The discussion under a page's text, and the page text marked up for it.

Both are built from the discussion's outline (services.discussion), kept per app for each
(page, head, discussion version): every change to a discussion bumps its version, so an entry
that no longer matches is simply never asked for again. The page text with its quoted
passages marked and, beside each paragraph, its comment count and a plain "comment on this
paragraph" link, is kept the same way, per language and per whether comments are accepted.
The personal parts (support state, one's own buttons) are rendered per request.
"""

from __future__ import annotations

import sys
from bisect import bisect_right
from dataclasses import dataclass

from flask import current_app, get_template_attribute, request
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from govwiki.core import anchors
from govwiki.core.markdown import render_cached
from govwiki.core.passages import decorate
from govwiki.core.policy import Action
from govwiki.security import actor
from govwiki.services import clock
from govwiki.services import discussion as service
from govwiki.services import moderation
from govwiki.services import pages as page_service
from govwiki.services import access
from govwiki.services.errors import Conflict, ServiceError
from govwiki.web import skeleton
from govwiki.web.comment_forms import CommentForm
from govwiki.core.bounded_cache import BoundedCache
from govwiki.web.views import MAX_PAGE_NUMBER, bounded_int, here, session, whole_number

#: threads on one screen of the discussion (`?comments=2` is the second) …
PER_SCREEN = 20
#: … unless they hold this many comments before that: long threads make short screens
COMMENTS_PER_SCREEN = 100


@dataclass(frozen=True)
class Screens:
    """The screens of a discussion, each a run of whole threads, for the pagination links."""

    page: int
    #: the index in the thread list where each screen starts
    starts: tuple[int, ...]

    @property
    def pages(self) -> int:
        return len(self.starts)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def screen_starts(plan: service.Outline, roots) -> tuple[int, ...]:
    """Cut the threads into screens of PER_SCREEN threads or COMMENTS_PER_SCREEN comments."""
    starts, threads, count = [0], 0, 0
    for index, root in enumerate(roots):
        size = len(plan.members.get(root, ()))
        if threads and (threads == PER_SCREEN or count + size > COMMENTS_PER_SCREEN):
            starts.append(index)
            threads, count = 0, 0
        threads, count = threads + 1, count + size
    return tuple(starts)


#: bytes each of the discussion's caches (outlines, marked-up texts) may hold per worker
CACHE_BYTES = 16 * 1024 * 1024


def _cache(name: str) -> BoundedCache:
    found = current_app.extensions.get(f"govwiki_discussion_{name}")
    if found is None:
        found = BoundedCache(512, CACHE_BYTES, _weight)
        current_app.extensions[f"govwiki_discussion_{name}"] = found
    return found


def _weight(value) -> int:
    """Bytes an entry holds, roughly: text by its size, an outline by the comments it maps."""
    if isinstance(value, str):
        return sys.getsizeof(value)
    if isinstance(value, service.Outline):
        return 200 * (len(value.paragraph_of) + sum(map(len, value.members.values())) + len(value.counts))
    return sys.getsizeof(value) + 8 * len(value)


def outline(page) -> service.Outline:
    """The outline of the page's discussion as it is now."""
    key = (page.id, page.head_number, page.discussion_version)
    found = _cache("outlines").get(key)
    if found is None:
        found = service.outline(session(), page)
        _cache("outlines").put(key, found)
    return found


def visitor_verdicts(consultation) -> access.Verdicts:
    """The visitor's verdicts on the consultation (one membership look-up for them all)."""
    return access.Verdicts(session(), actor(), consultation)


def comment_state(page, verdicts: access.Verdicts | None = None) -> str:
    """Whether the visitor can comment: "open", "sign_in" (signed out, comments welcome),
    "closed" (the consultation is not accepting comments) or "forbidden"."""
    verdict = (verdicts or visitor_verdicts(page.consultation))(Action.COMMENT)
    if verdict:
        return "open"
    if verdict.reason == "unauthenticated":
        return "sign_in" if page.consultation.situation(clock.now()).accepting else "closed"
    return "closed" if verdict.reason == "consultation_closed" else "forbidden"


def prose(page, revision, rendered, plan: service.Outline, state: str) -> Markup:
    """The revision's HTML; for the head, with quoted passages marked and paragraph tools."""
    if revision.number != page.head_number:
        # an old revision: its paragraphs can be linked to, and the passages quoted on it are marked
        key = ("revision", page.id, revision.number, page.discussion_version)
        html = _cache("prose").get(key)
        if html is None:
            marks = service.marks_written_on(session(), page, revision.number)
            html = decorate(rendered.html, marks, wrapper=_wrapper)
            _cache("prose").put(key, html)
        return Markup(html)
    key = (page.id, page.head_number, page.discussion_version, str(get_locale()), state)
    html = _cache("prose").get(key)
    if html is None:
        tools = get_template_attribute("comments/_paragraph.html", "tools")
        paragraphs = rendered.paragraphs if hasattr(rendered, "paragraphs") else ()

        def after(number: int, tag: str) -> str:
            count = plan.counts.get(number, 0)
            if number >= len(paragraphs) or not paragraphs[number].strip():
                return ""  # nothing to say about a rule or an empty block
            # a heading names what follows: it shows its comments, but invites none of its own
            return str(tools(page, number, count, state if tag not in HEADINGS else "closed"))

        html = decorate(rendered.html, plan.marks, after=after, wrapper=_wrapper)
        _cache("prose").put(key, html)
    return Markup(html)


HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def _wrapper(number: int) -> str:
    return f'<div class="para" id="para-{number}">'


def paragraph_arg(rendered) -> int | None:
    """The `?paragraph=N` filter, when N is a paragraph of the head; anything else shows all."""
    raw = request.args.get("paragraph")
    count = len(getattr(rendered, "paragraphs", ()))
    number = bounded_int(raw, -1, -1, count) if raw is not None else -1
    return number if 0 <= number < count else None


def context(page, revision, rendered) -> dict:
    """What the page view needs for its discussion section and its marked-up text."""
    plan = outline(page)
    verdicts = visitor_verdicts(page.consultation)
    state = comment_state(page, verdicts)
    filtered = paragraph_arg(rendered) if revision.number == page.head_number else None
    roots = plan.roots_on(filtered)
    starts = _screens(page, plan, roots, filtered)
    screen = bounded_int(request.args.get("comments"), 1, 1, MAX_PAGE_NUMBER)
    pager = Screens(screen, starts)
    shown = (
        roots[starts[screen - 1] : starts[screen] if screen < len(starts) else None]
        if screen <= len(starts)
        else ()
    )
    # building a page shared by every reader of this kind: the comments as a stranger sees them
    reader = skeleton.viewer()
    threads = service.threads(session(), reader, page, plan, shown, moderator=bool(verdicts(Action.MODERATE)))
    by_id = _by_id(threads)
    return {
        "prose_html": prose(page, revision, rendered, plan, state),
        "discussion": {
            **actions_context(verdicts, state, reader, list(by_id)),
            "threads": threads,
            "by_id": by_id,
            "pager": pager,
            "paragraph": filtered,
            "paragraph_text": rendered.paragraphs[filtered] if filtered is not None else None,
            "total": page.comment_count,
            "thread_count": len(roots),
        },
        "comment_form": _form(page, paragraph=filtered) if state == "open" else None,
        "blank_comment_form": _form(page) if state == "open" else None,
    }


def actions_context(
    verdicts: access.Verdicts, state: str, reader, comment_ids: list[int], *, flagged: set[int] | None = None
) -> dict:
    """What the actions under the comments `comment_ids` need to know (comments/_actions.html);
    `flagged`: those of them the reader reported, when the caller knows already."""
    moderator = bool(verdicts(Action.MODERATE))
    if flagged is None:
        flagged = moderation.flagged_by(session(), reader, comment_ids)
    return {
        "state": state,
        "can_support": bool(verdicts(Action.SUPPORT)),
        "can_answer": bool(verdicts(Action.ANSWER)),
        # for the moderation controls of each comment (comments/_moderate.html)
        "moderator": moderator,
        "flagged": flagged,
        "open_flags": moderation.open_flag_counts(session(), comment_ids) if moderator else {},
        "next": here(),
    }


def _form(page, **fields) -> CommentForm:
    return CommentForm(formdata=None, revision=page.head_number, **fields)


def follow_paragraph(page, form: CommentForm) -> None:
    """Renumber the form's paragraph for the head, if the page changed since the form was shown;
    a paragraph that is gone takes the form's paragraph and quote away (409, the text kept)."""
    number, since = form.paragraph_number(), form.revision_number()
    form.revision.data = page.head_number
    if number is None or since is None or since == page.head_number:
        return
    try:
        old = page_service.get_revision(session(), page, since)
    except ServiceError:
        return  # no such revision: the number is taken as one of the head
    head = page_service.head_revision(session(), page)
    moved = anchors.reparagraph(paragraphs_of(old), paragraphs_of(head), [number])[0]
    if moved is not None:
        form.paragraph.data = moved
        return
    form.paragraph.data = form.quote.data = form.near.data = None
    raise Conflict(
        "paragraph_changed",
        _(
            "The paragraph you commented on has changed since you opened the form, so your comment was not "
            "posted. Your text is below: send it as a comment on the whole page, or go back to the page "
            "and choose the paragraph again."
        ),
        your_body=form.body.data,
    )


def _by_id(threads) -> dict:
    """Every comment view on the screen by id (a reply names the comment it answers)."""
    found, stack = {}, list(threads)
    while stack:
        view = stack.pop()
        found[view.comment.id] = view
        stack.extend(view.replies)
    return found


def _screens(page, plan: service.Outline, roots, paragraph) -> tuple[int, ...]:
    """Where each screen starts, kept with the outline (the same for every reader)."""
    key = (page.id, page.head_number, page.discussion_version, "screens", paragraph)
    found = _cache("outlines").get(key)
    if found is None:
        found = screen_starts(plan, roots)
        _cache("outlines").put(key, found)
    return found


def screen_of(plan: service.Outline, root: int) -> int:
    """The screen of the whole discussion that shows thread `root`."""
    if root not in plan.paragraph_of:
        return 1
    index = plan.roots.index(root)
    return bisect_right(screen_starts(plan, plan.roots), index)


def paragraphs_of(revision) -> tuple[str, ...]:
    """The reading text of each paragraph of a revision (as comment anchors count it)."""
    return getattr(render_cached(revision.sha256, revision.body), "paragraphs", ())


def passage(text: str, quote: str | None, near) -> tuple[str, str, str] | None:
    """The paragraph split around the quoted words (the occurrence nearest `near`), or None."""
    if not quote:
        return None
    starts, at = [], text.find(quote)
    while at != -1 and len(starts) < 1000:
        starts.append(at)
        at = text.find(quote, at + 1)
    if not starts:
        return None
    target = whole_number(near) or 0
    start = min(starts, key=lambda s: abs(s - target))
    return text[:start], quote, text[start + len(quote) :]

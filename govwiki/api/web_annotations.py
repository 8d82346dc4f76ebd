"""API: a page's comments as W3C Web Annotations (JSON-LD), for annotation tools.

Each comment is an Annotation whose target is the page as it was when the comment was written:
`source` is the page, `state` a TimeState pointing at that revision, and the selectors are a
TextQuoteSelector (exact, prefix, suffix) and a TextPositionSelector over the revision's reading
text, or a CssSelector for a comment on a whole paragraph. Replies target the annotation they
answer (motivation `replying`). Text hidden by a moderator or deleted by its author is absent.
"""

from __future__ import annotations

import json

from flask import Response, url_for

from govwiki.api.helpers import actor, db
from govwiki.models import Comment, Page
from govwiki.routing import Routes
from govwiki.services import comment_views as views
from govwiki.services.access import load_page

routes = Routes()

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
MEDIA_TYPE = f'application/ld+json; profile="{CONTEXT}"'


@routes.get("/pages/<slug>/annotations")
def page_annotations(slug: str):
    page = load_page(db.session, actor(), slug)
    items = [annotation(page, v) for v in _flatten(views.page_threads(db.session, actor(), page))]
    document = {
        "@context": CONTEXT,
        "id": url_for("api.page_annotations", slug=page.slug, _external=True),
        "type": "AnnotationPage",
        "startIndex": 0,
        "items": items,
    }
    return Response(json.dumps(document, ensure_ascii=False), mimetype=None, content_type=MEDIA_TYPE)


def annotation(page: Page, view: views.CommentView) -> dict:
    """One comment as a W3C Annotation."""
    c = view.comment
    data = {
        "id": url_for("api.get_comment", comment_id=c.id, _external=True),
        "type": "Annotation",
        "motivation": "replying" if c.parent_id else "commenting",
        "created": c.created_at.isoformat(),
        "target": _reply_target(c) if c.parent_id else _page_target(page, c),
    }
    if c.edited_at:
        data["modified"] = c.edited_at.isoformat()
    if c.status != "deleted":
        data["creator"] = {"type": "Person", "name": c.author.display_name, "nickname": c.author.username}
    if view.body is not None and not view.hidden:  # the model has no "hidden" mark: leave it out for all
        data["body"] = {"type": "TextualBody", "value": view.body, "format": "text/markdown"}
    return data


def _page_target(page: Page, c: Comment) -> dict:
    target = {
        "source": url_for("pages.show", slug=page.slug, _external=True),
        "state": {
            "type": "TimeState",
            "cached": url_for("pages.show", slug=page.slug, revision=c.revision_number, _external=True),
        },
    }
    if c.anchor_quote is not None:
        target["selector"] = [
            {"type": "TextQuoteSelector", "exact": c.anchor_quote, "prefix": c.anchor_prefix, "suffix": c.anchor_suffix},
            {"type": "TextPositionSelector", "start": c.anchor_position, "end": c.anchor_position + len(c.anchor_quote)},
        ]  # fmt: skip
    elif c.anchor_paragraph is not None:
        target["selector"] = {"type": "CssSelector", "value": f'[data-para="{c.anchor_paragraph}"]'}
    return target


def _reply_target(c: Comment) -> str:
    return url_for("api.get_comment", comment_id=c.in_reply_to_id or c.parent_id, _external=True)


def _flatten(threads: list[views.CommentView]):
    for view in threads:
        yield view
        yield from _flatten(view.replies)

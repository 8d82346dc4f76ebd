"""The one address of a comment: `comments.show`, which opens its page's discussion on the
screen that holds it (a link to `/pages/<slug>#comment-<id>` misses comments past the first)."""

from __future__ import annotations

from flask import url_for


def comment_url(comment, **options) -> str:
    """Where a comment (or a comment id) is read."""
    comment_id = comment if isinstance(comment, int) else comment.id
    return url_for("comments.show", comment_id=comment_id, **options)

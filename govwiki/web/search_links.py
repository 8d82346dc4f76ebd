"""Where a search hit is read on the web (for the results page and the API alike)."""

from __future__ import annotations

from flask import url_for

from govwiki.search.index import Hit


def hit_url(hit: Hit) -> str:
    """Where the hit is read on the web."""
    kind, _, id = hit.key.partition(":")
    if kind == "consultation":
        return url_for("consultations.show", slug=hit.slug)
    if kind == "proposal":
        return url_for("proposals.show", proposal_id=int(id))
    if kind == "comment":
        return url_for("comments.show", comment_id=int(id))
    return url_for("pages.show", slug=hit.slug)

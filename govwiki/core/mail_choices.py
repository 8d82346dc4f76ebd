"""What people may choose to hear by mail: kinds of notification grouped into a few choices,
each mailed at once, gathered into a daily digest, or not at all.

Plain data, shared by the services (which fan mail out), the settings page and the API.
"""

from __future__ import annotations

IMMEDIATE = "immediate"
DIGEST = "digest"
NONE = "none"
MODES = (IMMEDIATE, DIGEST, NONE)

#: choice → the notification kinds it covers
CATEGORIES: dict[str, tuple[str, ...]] = {
    "replies": ("comment_replied", "official_response"),
    "decisions": ("proposal_merged", "proposal_partly_merged", "proposal_rejected"),
    "watched": ("page_edited", "page_commented", "proposal_submitted"),
    "status": ("status_changed",),
}
#: what someone who never chose gets: news about their own words at once, the rest in a digest
DEFAULTS = {"replies": IMMEDIATE, "decisions": IMMEDIATE, "watched": DIGEST, "status": IMMEDIATE}
#: an unsubscribe link for a digest switches every choice that was on the digest off
ALL_DIGESTS = "digest"

_CATEGORY_OF = {kind: category for category, kinds in CATEGORIES.items() for kind in kinds}


def category_of(kind: str) -> str | None:
    """The choice a kind of notification belongs to (None: a kind nobody is mailed about)."""
    return _CATEGORY_OF.get(kind)

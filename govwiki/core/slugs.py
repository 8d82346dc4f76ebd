"""URL slugs: lowercase ASCII letters, digits and single hyphens.

Titles in other scripts (an all-Chinese title) give an empty slug; the caller numbers those
pages instead, through ``unique_slug``'s fallback.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable

SLUG_MAX = 80
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: words the site's own addresses put where a slug goes (`/consultations/new` beside
#: `/consultations/<slug>`): no consultation or page may take them, or it would have no page.
#: tests/test_slug_routes.py walks the URL map so that a new route word cannot be forgotten.
RESERVED_SLUGS = frozenset({"new"})
MAX_ATTEMPTS = 10_000  #: unique_slug gives up rather than loop forever on a broken `taken`

# Latin letters that NFKD does not decompose into ASCII plus a combining mark.
_LATIN_EXTRA = str.maketrans({
    "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
    "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH", "ı": "i",
})  # fmt: skip
_APOSTROPHES = re.compile(r"['’]")  # "Don't" → "dont", not "don-t"
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(title: str, *, max_length: int = 60) -> str:
    """Make a slug from a title; "" when nothing ASCII remains (the caller then numbers it)."""
    latin = unicodedata.normalize("NFKD", title.translate(_LATIN_EXTRA))
    ascii_text = latin.encode("ascii", "ignore").decode("ascii").lower()
    slug = _NOT_SLUG.sub("-", _APOSTROPHES.sub("", ascii_text)).strip("-")
    return slug[:max_length].rstrip("-")


def is_valid_slug(value: object) -> bool:
    """Tell whether ``value`` is a well-formed slug of at most SLUG_MAX characters."""
    # fullmatch: with match, "$" would also accept a trailing newline.
    if not isinstance(value, str) or len(value) > SLUG_MAX:
        return False
    return SLUG_RE.fullmatch(value) is not None


def unique_slug(base: str, taken: Callable[[str], bool], *, fallback: str = "page") -> str:
    """Return ``base`` (or ``fallback`` when empty), suffixed -2, -3, … until not ``taken``."""
    stem = base or fallback
    if not is_valid_slug(stem):
        raise ValueError(f"not a slug: {stem!r}")
    for number in range(1, MAX_ATTEMPTS + 1):
        suffix = f"-{number}" if number > 1 else ""
        candidate = stem[: SLUG_MAX - len(suffix)].rstrip("-") + suffix
        if not taken(candidate):
            return candidate
    raise RuntimeError(f"no free slug for {stem!r} after {MAX_ATTEMPTS} attempts")

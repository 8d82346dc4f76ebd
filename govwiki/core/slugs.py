"""URL slugs: lowercase ASCII letters, digits and single hyphens."""
from __future__ import annotations

import re
import unicodedata
from typing import Callable

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 80


def slugify(title: str, *, max_length: int = 60) -> str:
    """Make a slug from a title; "" when nothing ASCII remains (the caller then numbers it)."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def is_valid_slug(value: str) -> bool:
    return isinstance(value, str) and len(value) <= SLUG_MAX and SLUG_RE.match(value) is not None


def unique_slug(base: str, taken: Callable[[str], bool], *, fallback: str = "page") -> str:
    """Return `base` (or `fallback` when empty), suffixed -2, -3, … until `taken` says it is free."""
    stem = base or fallback
    candidate, number = stem, 1
    while taken(candidate):
        number += 1
        candidate = f"{stem}-{number}"
    return candidate

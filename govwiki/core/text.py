"""Checks and normalisation of user text before it is stored."""
from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Bidirectional overrides and isolates, and zero-width characters: they can disguise a name.
_DISGUISE = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2060\ufeff]")


def clean_text(text: str) -> str:
    """Normalise line endings to \\n so that diffs are stable."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_problems(text: str) -> str | None:
    """Return why a text cannot be stored (NUL, control characters, lone surrogates), or None."""
    if "\x00" in text:
        return "contains a NUL character"
    if _CONTROL.search(text):
        return "contains control characters"
    if _SURROGATE.search(text):
        return "contains invalid Unicode (lone surrogates)"
    return None


def display_problems(text: str) -> str | None:
    """Return why a short display field (name, title) is refused, or None."""
    if _DISGUISE.search(text):
        return "contains invisible or direction-changing characters"
    return None

"""Checks and normalisation of user text before it is stored.

Bodies may hold anything a script needs, bidi overrides and zero-width joiners included; only
what a database or a diff cannot keep is refused. Short display fields (names, titles) are
stricter, because there an invisible or direction-changing character disguises who or what
is shown (SECURITY.md item 12).
"""

from __future__ import annotations

import re

from govwiki.core.messages import Message

# C0 controls except \t, \n and \r (clean_text turns \r into \n), DEL, and lone surrogates:
# a str holding U+D800–U+DFFF cannot be encoded as UTF-8 at all.
_BAD_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# In a display field: every control, bidi embeddings/overrides/isolates and marks, invisible
# and zero-width characters, and line/paragraph separators.
_BAD_IN_DISPLAY = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff\ud800-\udfff]"
)


def clean_text(text: str) -> str:
    """Normalise line endings (CRLF and lone CR) to \\n so that diffs are stable."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_problems(text: str) -> str | None:
    """Return why a text cannot be stored (NUL, control characters, lone surrogates), or None."""
    return _describe(text, _BAD_IN_TEXT)


def display_problems(text: str) -> str | None:
    """Return why a short display field (name, title) is refused, or None."""
    return _describe(text, _BAD_IN_DISPLAY)


def _describe(text: str, pattern: re.Pattern) -> str | None:
    found = pattern.search(text)
    if found is None:
        return None
    char, index = found.group(), found.start()
    line = text.count("\n", 0, index) + 1
    column = index - text.rfind("\n", 0, index)
    return Message(
        "contains %(what)s (U+%(code)04X) at line %(line)d, column %(column)d",
        what=_name(char),
        code=ord(char),
        line=line,
        column=column,
    )


def _name(char: str) -> str:
    code = ord(char)
    if code == 0:
        return Message("a NUL character, which cannot be stored")
    if 0xD800 <= code <= 0xDFFF:
        return Message("a lone surrogate, which is not valid Unicode")
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return Message("a control character")
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069 or code in (0x200E, 0x200F, 0x061C):
        return Message("a direction-changing character")
    if code in (0x2028, 0x2029):
        return Message("a line break")
    return Message("an invisible character")

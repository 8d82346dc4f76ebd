"""Which revision introduced a phrase, answered from one revision's stored blame.

Blame says, for every character of a revision, which revision wrote it (core/blame.py). A phrase
found in the text stood whole from the newest of the revisions that wrote its pieces: that one
introduced it, and `oldest` says since when its first words have been there. So the answer costs
one revision's text and blame, never a walk through the history. A phrase no longer in the text
is looked for in an older revision's text and blame in the same way.

Matching ignores case, and any run of white space in the phrase matches any run in the text, so
a phrase copied from the rendered page finds its Markdown source across line breaks.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

#: the longest phrase looked for (longer ones are refused by the service)
MAX_PHRASE_CHARS = 500


@dataclass(frozen=True)
class Occurrence:
    """One place the phrase stands in the text, [start, end) in code points."""

    start: int
    end: int
    #: the revision after which the phrase stood whole (the newest that wrote a piece of it)
    introduced: int
    #: the oldest revision that wrote a piece of it
    oldest: int


def phrase_pattern(phrase: str) -> re.Pattern | None:
    """The pattern that finds `phrase` (None when it has no characters but white space)."""
    words = phrase.split()
    if not words:
        return None
    return re.compile(r"\s+".join(map(re.escape, words)), re.IGNORECASE)


def occurrences(text: str, spans: Sequence[tuple[int, int]], phrase: str) -> list[Occurrence]:
    """Every place `phrase` stands in `text`, in order, with the revisions that wrote it;
    `spans` is the text's blame, (length, revision) runs covering it exactly."""
    pattern = phrase_pattern(phrase)
    if pattern is None:
        return []
    ends = list(accumulate(length for length, _ in spans))
    if (ends[-1] if ends else 0) != len(text):
        raise ValueError("blame spans do not cover the text exactly")
    found = []
    for match in pattern.finditer(text):
        start, end = match.span()
        # the runs that hold characters of [start, end): from the one holding `start` on
        first, last = bisect_right(ends, start), bisect_right(ends, end - 1)
        writers = [revision for _, revision in spans[first : last + 1]]
        found.append(Occurrence(start, end, introduced=max(writers), oldest=min(writers)))
    return found


def context(text: str, found: Occurrence, chars: int = 80) -> tuple[str, str, str]:
    """(before, the phrase as written, after), with up to `chars` characters on each side."""
    return (
        text[max(0, found.start - chars) : found.start],
        text[found.start : found.end],
        text[found.end : found.end + chars],
    )

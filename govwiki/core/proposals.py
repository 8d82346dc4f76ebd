"""Reviewing proposals: their changes as numbered hunks, partial acceptance, rebasing onto the
current text, and overlaps between proposals (texts to resolve by hand: `core.resolution`).

A proposal is a whole text written against a base revision. Its changes are the hunks
base → proposal (`core.merge.hunks`), numbered in order so that an official can accept some of
them: the accepted hunks are spliced into the base exactly where they were made, and the result
is merged three-way over the current head like any other edit.

Two open proposals of one page may have been written against different bases. To compare them
each is rebased onto the head: a proposal that merges cleanly becomes the hunks head → merged
text; one that conflicts is mapped onto the head conservatively (a change inside a passage the
head rewrote covers that whole passage). Proposals whose head-coordinate hunks collide by the
merge's own rules (`core.merge.overlapping_pairs`) overlap, and should be decided together.
"""
from __future__ import annotations

import hashlib
import json
from bisect import bisect_right
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from govwiki.core.diff import DEFAULT_TIMEOUT, DELETE, EQUAL, INSERT, diff_texts
from govwiki.core.merge import Hunk, MergeResult, apply_hunks, hunks, merge3, overlapping_pairs



@dataclass(frozen=True)
class NumberedHunk:
    """One change of a proposal: replace base[start:end] (the text `base`) with `text`."""

    index: int
    start: int
    end: int
    base: str
    text: str

    def to_dict(self) -> dict:
        return {"index": self.index, "start": self.start, "end": self.end, "base": self.base,
                "text": self.text}


def numbered_hunks(base: str, proposed: str, *, timeout: float = DEFAULT_TIMEOUT) -> list[NumberedHunk]:
    """Return the proposal's changes against its base, numbered from 0 in text order."""
    return [
        NumberedHunk(i, h.start, h.end, base[h.start:h.end], h.text)
        for i, h in enumerate(hunks(base, proposed, timeout=timeout))
    ]


def version(base_number: int, proposed: str, changes: Sequence[NumberedHunk]) -> str:
    """A short fingerprint of what a reviewer saw: the base, the text and its numbered hunks.

    A merge that names the version it reviewed is refused if the proposal (or the way its
    changes are cut into hunks) differs by then, so hunk numbers always mean what was shown.
    """
    content = json.dumps(
        [base_number, proposed, [(h.start, h.end, h.text) for h in changes]], ensure_ascii=False
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]


def accepted_text(base: str, changes: Sequence[NumberedHunk], accept: Iterable[int]) -> str:
    """The base with only the accepted hunks applied; unknown indexes raise ValueError."""
    chosen = set(accept)
    unknown = chosen - {h.index for h in changes}
    if unknown:
        raise ValueError(f"no such change: {sorted(unknown)}")
    return apply_hunks(base, [Hunk(h.start, h.end, h.text) for h in changes if h.index in chosen])


def declined(changes: Sequence[NumberedHunk], accept: Iterable[int]) -> list[dict]:
    """The hunks not accepted, with their base and proposed texts, for the public record."""
    chosen = set(accept)
    return [h.to_dict() for h in changes if h.index not in chosen]


def rebased_hunks(base: str, proposed: str, head: str, merged: MergeResult | None = None) -> list[Hunk]:
    """The proposal's changes in head coordinates (see the module docstring)."""
    merged = merged or merge3(base, proposed, head)
    if merged.clean:
        return hunks(head, merged.text)
    mapping = _PositionMap(base, head)
    return [Hunk(mapping.low(h.start), mapping.high(h.end), h.text) for h in hunks(base, proposed)]


def overlap_groups(footprints: Mapping[Hashable, Sequence[Hunk]], head: str) -> dict:
    """For each key, the other keys whose changes collide with its own (all in head coordinates)."""
    keys = list(footprints)
    result: dict = {key: [] for key in keys}
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            if overlapping_pairs(footprints[a], footprints[b], base=head):
                result[a].append(b)
                result[b].append(a)
    return result


class _PositionMap:
    """Map positions in `old` to positions in `new` through their diff, widening into changes."""

    def __init__(self, old: str, new: str) -> None:
        # (old start, new start, length) of each unchanged block, in order
        self.blocks: list[tuple[int, int, int]] = []
        old_at = new_at = 0
        for piece in diff_texts(old, new):
            size = len(piece.text)
            if piece.op == EQUAL:
                self.blocks.append((old_at, new_at, size))
            old_at += size if piece.op in (EQUAL, DELETE) else 0
            new_at += size if piece.op in (EQUAL, INSERT) else 0
        self.new_length = new_at
        self.starts = [old for old, _, _ in self.blocks]

    def low(self, position: int) -> int:
        """The earliest new position `position` can stand for."""
        exact, before, _ = self._locate(position)
        return exact if exact is not None else before

    def high(self, position: int) -> int:
        """The latest new position `position` can stand for."""
        exact, _, after = self._locate(position)
        return exact if exact is not None else after

    def _locate(self, position: int) -> tuple[int | None, int, int]:
        i = bisect_right(self.starts, position) - 1
        before, after = 0, self.new_length
        if i >= 0:
            old, new, size = self.blocks[i]
            if position <= old + size:
                return new + position - old, 0, 0
            before = new + size
        if i + 1 < len(self.blocks):
            after = self.blocks[i + 1][1]
        return None, before, after

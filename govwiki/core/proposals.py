"""Reviewing proposals: their changes numbered for partial acceptance, rebasing onto the current
text, and overlaps between proposals (texts to resolve by hand: `core.resolution`).

A proposal is a whole text written against a base revision. Its hunks are base → proposal
(`core.merge.hunks`), but a hunk is the diff's unit, not a reader's: "one" → "up to two" and
"market" → "markets" in one sentence are two hunks, and taking only one leaves broken grammar.
So the choices offered to an official are *changes*: runs of consecutive hunks that lie in one
sentence (the diff's own sentence ends: . ! ? ; before a space, 。！？；, a line break) or touch
adjacent words across a sentence end on one line ("days. Stalls" → "days, and stalls").
However finely the diff cuts, a change stays what a person means by one. The changes are
numbered in text order; the accepted ones have all their hunks spliced into the base exactly
where they were made, and the result is merged three-way over the current head like any other
edit.

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

from govwiki.core.diff import DEFAULT_TIMEOUT, DELETE, EQUAL, INSERT, DiffOp, diff_texts

# the diff's own sentence ends, so that a change is cut where the diff cuts text into sentences
from govwiki.core.diff import _SENTENCE_END
from govwiki.core.merge import Hunk, MergeResult, apply_hunks, hunks, merge3, overlapping_pairs


@dataclass(frozen=True)
class NumberedChange:
    """One choice for an official: `hunks` (base coordinates) that replace base[start:end] (the
    text `base`) with `text`."""

    index: int
    start: int
    end: int
    base: str
    text: str
    hunks: tuple[Hunk, ...]

    def to_dict(self) -> dict:
        """The change as it is shown and recorded (a declined change keeps this shape)."""
        return {
            "index": self.index,
            "start": self.start,
            "end": self.end,
            "base": self.base,
            "text": self.text,
        }

    def parts(self) -> list[dict]:
        """Its hunks, each with the base text it replaces, in base coordinates."""
        return [
            {"start": h.start, "end": h.end, "base": self._base(h.start, h.end), "text": h.text}
            for h in self.hunks
        ]

    def pieces(self) -> list[DiffOp]:
        """The change as a diff of its span: unchanged words between deletions and insertions."""
        result: list[DiffOp] = []
        position = self.start
        for h in self.hunks:
            for op, text in (
                (EQUAL, self._base(position, h.start)),
                (DELETE, self._base(h.start, h.end)),
                (INSERT, h.text),
            ):
                if text:
                    result.append(DiffOp(op, text))
            position = h.end
        return result

    def _base(self, start: int, end: int) -> str:
        return self.base[start - self.start : end - self.start]


def numbered_changes(base: str, proposed: str, *, timeout: float = DEFAULT_TIMEOUT) -> list[NumberedChange]:
    """Return the proposal's changes against its base, numbered from 0 in text order."""
    groups = group_hunks(base, hunks(base, proposed, timeout=timeout))
    return [_change(i, base, group) for i, group in enumerate(groups)]


def group_hunks(base: str, sorted_hunks: Sequence[Hunk]) -> list[list[Hunk]]:
    """Cut sorted hunks into the runs that read as one change (see the module docstring)."""
    groups: list[list[Hunk]] = []
    for hunk in sorted_hunks:
        if groups and _together(base, groups[-1][-1], hunk):
            groups[-1].append(hunk)
        else:
            groups.append([hunk])
    return groups


def _together(base: str, a: Hunk, b: Hunk) -> bool:
    """Tell whether hunk b (after a) belongs to a's change: one sentence, or adjacent words."""
    last_of_a = a.end - 1 if a.end > a.start else a.end  # an insertion: with the text after it
    return not _sentence_ends_in(base, last_of_a, b.start) or _adjacent(base[a.end : b.start])


def _sentence_ends_in(base: str, after: int, upto: int) -> bool:
    """Tell whether a sentence of base ends at a position in (after, upto].

    Only the stretch between two hunks is searched, not the whole text (a 1 MB text has tens of
    thousands of sentences). The search starts where no sentence end can be under way: after a
    letter, a digit or a line break, found by stepping back over punctuation and spaces, so it
    sees the same sentence ends as a search of the whole text.
    """
    start = max(after, 0)
    while start > 0 and not base[start - 1].isalnum() and base[start - 1] != "\n":
        start -= 1
    return any(after < match.end() <= upto for match in _SENTENCE_END.finditer(base, start, upto + 1))


def _adjacent(gap: str) -> bool:
    """Tell whether two edits with `gap` between them touch adjacent words: one line, no words.

    Words between edits of two sentences make them two thoughts ("30 days. Stalls" → "60 days.
    Markets"); an edit across the sentence end itself ("days. Stalls" → "days, and stalls") is one.
    """
    return "\n" not in gap and not any(ch.isalnum() for ch in gap)


def _change(index: int, base: str, group: list[Hunk]) -> NumberedChange:
    start, end = group[0].start, group[-1].end
    shifted = [Hunk(h.start - start, h.end - start, h.text) for h in group]
    return NumberedChange(
        index, start, end, base[start:end], apply_hunks(base[start:end], shifted), tuple(group)
    )


def version(base_number: int, proposed: str, changes: Sequence[NumberedChange]) -> str:
    """A short fingerprint of what a reviewer saw: the base, the text and its numbered changes.

    A merge that names the version it reviewed is refused if the proposal (or the way its
    hunks are cut and grouped into changes) differs by then, so change numbers always mean what
    was shown.
    """
    content = json.dumps(
        [base_number, proposed, [[(h.start, h.end, h.text) for h in c.hunks] for c in changes]],
        ensure_ascii=False,
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]


def accepted_text(base: str, changes: Sequence[NumberedChange], accept: Iterable[int]) -> str:
    """The base with all hunks of the accepted changes applied; unknown numbers raise ValueError."""
    chosen = set(accept)
    unknown = chosen - {c.index for c in changes}
    if unknown:
        raise ValueError(f"no such change: {sorted(unknown)}")
    return apply_hunks(base, [h for c in changes if c.index in chosen for h in c.hunks])


def declined(changes: Sequence[NumberedChange], accept: Iterable[int]) -> list[dict]:
    """The changes not accepted, with their base and proposed texts, for the public record."""
    chosen = set(accept)
    return [c.to_dict() for c in changes if c.index not in chosen]


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
        for b in keys[i + 1 :]:
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

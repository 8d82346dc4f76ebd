"""Who wrote which words: attribution carried from revision to revision.

Blame is stored run-length encoded beside each revision, as a list of (length, revision) runs
that covers the text exactly (lengths in code points, as Python counts str). Each new revision's
blame is computed from its parent's and the diff between them, so showing blame never replays
the whole history: kept text keeps its author's revision, inserted text gets the new revision,
deleted text drops out. Because the diff is word-level (CJK: per character), attribution moves
by whole words. A coarser diff (after a timeout) may credit re-typed text to the newer revision,
never the reverse.
"""
from __future__ import annotations

import base64
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate, chain
from operator import itemgetter

from govwiki.core.diff import DELETE, INSERT, DiffOp

Spans = list[tuple[int, int]]  # (length in code points, revision number)


def initial_blame(text: str, revision: int) -> Spans:
    """Attribute all of a first revision's text to it."""
    return [(len(text), revision)] if text else []


def carry_blame(
    old_spans: Sequence[tuple[int, int]], ops: Iterable[DiffOp], revision: int
) -> Spans:
    """Return the blame of the new text of `ops`, given the blame of its old text."""
    runs = _Runs(old_spans)
    spans: Spans = []
    for piece in ops:
        if piece.op == INSERT:
            _extend(spans, len(piece.text), revision)
        elif piece.op == DELETE:
            runs.skip(len(piece.text))
        else:
            taken = runs.take(len(piece.text))
            _extend(spans, *taken[0])
            spans.extend(taken[1:])  # old runs are already coalesced; copy them whole
    runs.finish()
    return spans


def blame_spans(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[str, int]]:
    """Cut text into (piece, revision) pairs following the spans."""
    if sum(length for length, _ in spans) != len(text):
        raise ValueError("blame spans do not cover the text exactly")
    pieces, position = [], 0
    for length, revision in spans:
        pieces.append((text[position : position + length], revision))
        position += length
    return pieces


def _extend(spans: Spans, length: int, revision: int) -> None:
    """Append a run, merging it into the last one when the revision is the same."""
    if length <= 0:
        return
    if spans and spans[-1][1] == revision:
        spans[-1] = (spans[-1][0] + length, revision)
    else:
        spans.append((length, revision))


class _Runs:
    """Reads the old blame from the front, a given number of code points at a time.

    Runs are found by bisecting their end offsets and copied by slicing, so unchanged text
    costs a slice copy, not a Python step per run: long histories fragment blame into
    thousands of runs, and a save must not walk them one by one."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self.spans = [tuple(span) for span in spans] if spans and not isinstance(spans[0], tuple) else list(spans)
        self.ends = list(accumulate(map(itemgetter(0), self.spans)))
        self.total = self.ends[-1] if self.ends else 0
        self.position = 0

    def skip(self, count: int) -> None:
        self._advance(count)

    def take(self, count: int) -> Spans:
        """Return the runs covering the next `count` code points (at least one run)."""
        start, end = self.position, self._advance(count)
        first = bisect_right(self.ends, start)
        last = bisect_left(self.ends, end)
        if first == last:
            return [(count, self.spans[first][1])]
        head = (self.ends[first] - start, self.spans[first][1])
        tail = (end - self.ends[last - 1], self.spans[last][1])
        return [head, *self.spans[first + 1 : last], tail]

    def _advance(self, count: int) -> int:
        if self.position + count > self.total:
            raise ValueError("the diff covers more text than the old blame")
        self.position += count
        return self.position

    def finish(self) -> None:
        """Check that the diff consumed the whole old text."""
        if self.position != self.total:
            raise ValueError("the diff covers less text than the old blame")


_PACKED = "i32:"


def pack_blame(spans: Sequence[tuple[int, int]]) -> str:
    """Store spans compactly: base64 of little-endian 32-bit (length, revision) pairs.

    Fragmented blame of a long-edited page has thousands of runs; as a JSON list of lists it
    costs milliseconds to encode and decode on every save, as one string microseconds."""
    flat = array("i", chain.from_iterable(spans))
    if sys.byteorder != "little":
        flat.byteswap()
    return _PACKED + base64.b64encode(flat.tobytes()).decode("ascii")


def unpack_blame(stored) -> Spans:
    """Read spans stored by `pack_blame` (or, from older rows, a JSON list of pairs)."""
    if not isinstance(stored, str):
        return [(length, revision) for length, revision in stored]
    flat = array("i")
    flat.frombytes(base64.b64decode(stored[len(_PACKED):]))
    if sys.byteorder != "little":
        flat.byteswap()
    return list(zip(flat[0::2], flat[1::2]))

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

from collections.abc import Iterable, Sequence

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
            runs.take(len(piece.text))
        else:
            for length, author in runs.take(len(piece.text)):
                _extend(spans, length, author)
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
    """Reads the old blame from the front, a given number of code points at a time."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self.spans = spans
        self.index = 0
        self.used = 0  # code points of spans[index] already taken

    def take(self, count: int) -> Spans:
        """Return the runs covering the next `count` code points."""
        taken: Spans = []
        while count > 0:
            if self.index >= len(self.spans):
                raise ValueError("the diff covers more text than the old blame")
            length, revision = self.spans[self.index]
            step = min(count, length - self.used)
            taken.append((step, revision))
            count -= step
            self.used += step
            if self.used >= length:
                self.index, self.used = self.index + 1, 0
        return taken

    def finish(self) -> None:
        """Check that the diff consumed the whole old text."""
        if sum(length for length, _ in self.spans[self.index :]) > self.used:
            raise ValueError("the diff covers less text than the old blame")

"""Who wrote which words: attribution carried from revision to revision.

Blame is stored run-length encoded beside each revision, as a list of (length, revision) runs
that covers the text exactly (lengths in code points, as Python counts str). Each new revision's
blame is computed from its parent's and the diff between them, so showing blame never replays
the whole history: kept text keeps its author's revision, inserted text gets the new revision,
deleted text drops out, leaving a zero-length run of the deleting revision where it stood: the
text on either side was joined then (a phrase across that point is that revision's, see
core/phrase_origins.py); views show no such run. Because the diff is word-level (CJK: per character), attribution moves
by whole words; and since its cleanup never folds an unchanged word (a Latin word, two CJK
letters in a row) into a change, kept words keep their revision however long the text added
around them. Only spaces, punctuation and lone CJK characters between changes are credited to
the new revision. A coarser diff (after a timeout) may credit re-typed text to the newer
revision, never the reverse.
"""

from __future__ import annotations

import base64
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate, chain

from govwiki.core.diff import DELETE, INSERT, DiffOp

Spans = list[tuple[int, int]]  # (length in code points, revision number)


def initial_blame(text: str, revision: int) -> Spans:
    """Attribute all of a first revision's text to it."""
    return [(len(text), revision)] if text else []


def carry_blame(old_spans: Sequence[tuple[int, int]], ops: Iterable[DiffOp], revision: int) -> Spans:
    """Return the blame of the new text of `ops`, given the blame of its old text."""
    return _pairs(_carry(_flat(old_spans), ops, revision))


def carry_packed(stored, ops: Iterable[DiffOp], revision: int) -> str:
    """`carry_blame` from and to the stored form, never making a Python pair per run.

    Long histories fragment blame into thousands of runs; a save carries them as one array."""
    return _pack_flat(_carry(_unpack_flat(stored), ops, revision))


def blame_spans(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[str, int]]:
    """Cut text into (piece, revision) pairs following the spans (deletion marks left out)."""
    if sum(length for length, _ in spans) != len(text):
        raise ValueError("blame spans do not cover the text exactly")
    pieces, position = [], 0
    for length, revision in spans:
        if length:
            pieces.append((text[position : position + length], revision))
        position += length
    return pieces


def _carry(old: array, ops: Iterable[DiffOp], revision: int) -> array:
    """Carry flat blame (length, revision, length, revision, …) across the diff `ops`.

    Runs are found by bisecting their end offsets and kept runs are copied as one array slice,
    so a save costs the same whether the old blame has ten runs or ten thousand."""
    ends = list(accumulate(old[0::2]))
    total = ends[-1] if ends else 0
    new, position = array("i"), 0
    for piece in ops:
        count = len(piece.text)
        if piece.op == INSERT:
            _extend(new, count, revision)
            continue
        start, position = position, position + count
        if position > total:
            raise ValueError("the diff covers more text than the old blame")
        if piece.op == DELETE and count:
            _mark(new, revision)
        if piece.op == DELETE or count == 0:
            continue
        first, last = bisect_right(ends, start), bisect_left(ends, position)
        if first == last:
            _extend(new, count, old[2 * first + 1])
            continue
        _extend(new, ends[first] - start, old[2 * first + 1])
        new.extend(old[2 * first + 2 : 2 * last])  # whole runs, already coalesced
        _extend(new, position - ends[last - 1], old[2 * last + 1])
    if position != total:
        raise ValueError("the diff covers less text than the old blame")
    if new and new[-2] == 0:  # text deleted at the end joined nothing
        del new[-2:]
    return new


def _extend(flat: array, length: int, revision: int) -> None:
    """Append a run, merging it into the last one when the revision is the same."""
    if length <= 0:
        return
    if flat and flat[-1] == revision:
        flat[-2] += length
    else:
        flat.extend((length, revision))


def _mark(flat: array, revision: int) -> None:
    """Note that `revision` deleted text here: a zero-length run, unless the run before is its
    own (then any phrase across this point holds some of its text anyway) or there is nothing
    before (a phrase cannot start before the text)."""
    if flat and flat[-1] != revision:
        flat.extend((0, revision))


def _flat(spans: Iterable[Sequence[int]]) -> array:
    return array("i", chain.from_iterable(spans))


def _pairs(flat: array) -> Spans:
    return list(zip(flat[0::2], flat[1::2]))


_PACKED = "i32:"


def pack_blame(spans: Sequence[tuple[int, int]]) -> str:
    """Store spans compactly: base64 of little-endian 32-bit (length, revision) pairs.

    Fragmented blame of a long-edited page has thousands of runs; as a JSON list of lists it
    costs milliseconds to encode and decode on every save, as one string microseconds."""
    return _pack_flat(_flat(spans))


def unpack_blame(stored) -> Spans:
    """Read spans stored by `pack_blame` (or, from older rows, a JSON list of pairs)."""
    return _pairs(_unpack_flat(stored))


def repack_blame(stored) -> str:
    """Stored blame (of either form) in the form `pack_blame` writes."""
    return _pack_flat(_unpack_flat(stored))


def _pack_flat(flat: array) -> str:
    if sys.byteorder != "little":
        flat = array("i", flat)
        flat.byteswap()
    return _PACKED + base64.b64encode(flat.tobytes()).decode("ascii")


def _unpack_flat(stored) -> array:
    if not isinstance(stored, str):
        return _flat(stored)
    flat = array("i")
    flat.frombytes(base64.b64decode(stored[len(_PACKED) :]))
    if sys.byteorder != "little":
        flat.byteswap()
    return flat

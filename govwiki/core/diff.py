"""Readable diffs of wiki revisions: word by word for Latin text, character by character for CJK.

A character diff of two 1 MB revisions takes minutes, and a word diff with a timeout degenerates
into "delete everything, insert everything". So the work is narrowed in tiers. Each tier maps its
segments to single characters (as diff-match-patch's ``diff_linesToChars`` does), diffs those, and
hands only the changed blocks down:

1. lines;
2. sentences, for changed blocks over ``_LONG_BLOCK`` characters (a long paragraph, a text
   without line breaks);
3. tokens: a Latin word, a run of whitespace, a punctuation mark, or one CJK character each;
   then ``diff_cleanupSemantic`` for readability, except that an unchanged word (a Latin word,
   two CJK letters in a row) is never folded into a change (``diff_cleanup``).

Inside every tier, segments that occur exactly once on each side are pinned first (patience
diff); diff-match-patch's Myers diff, quadratic in the number of edits, only fills the gaps
between those anchors. A block that shares almost no word pairs with its old version (a
rewritten paragraph) gets no Myers diff: it keeps only the runs around its anchors, and is
otherwise reported as replaced.

One deadline (``timeout``) covers the whole call and is shared out between changed blocks, so a
pathological block cannot starve the rest. A block that runs out of time is reported coarser
(deleted and inserted whole), never wrong: the equal and deleted texts always concatenate to the
old text, and the equal and inserted texts to the new one.

The stand-in characters come from ``diff_codec``; what readers see of a diff (word counts, the
side-by-side layout) is built in ``diff_views``.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from diff_match_patch import diff_match_patch

from govwiki.core.diff_cleanup import CJK, cleanup_readable, holds_whole_word, holds_word
from govwiki.core.diff_codec import OutOfCodePoints, SegmentCodec

EQUAL, INSERT, DELETE = "equal", "insert", "delete"

_DMP = diff_match_patch()
# Any positive value turns on the half-match speedup; the real limit is the deadline passed to
# every diff_main call, so Diff_Timeout itself is never consulted for time.
_DMP.Diff_Timeout = 1.0

# Whitespace runs, Latin words (letters and digits, no CJK), else one character. Every position
# matches an alternative, so the tokens always partition the text.
_TOKEN = re.compile(rf"\s+|[^\W_{CJK}]+|.", re.S)
# A sentence ends at . ! ? ; followed by a space (so 3.5 stays whole), at a CJK full stop (no
# space follows those), or at a line break.
_SENTENCE_END = re.compile(r"[.!?;]+[^\S\n]+|[。！？；]+[^\S\n]*|\n")

# Share of the smaller block's word pairs that must also occur in the other block before a
# token diff is worth its time (1/4), for blocks of at least _SMALL_BLOCK words; see _rewritten.
_SMALL_BLOCK = 24
_MIN_SHARED = 4

# Changed blocks longer than this (old + new characters) go through the sentence tier; shorter
# ones are diffed by tokens at once, which is quicker and a little finer for a paragraph or two.
_LONG_BLOCK = 4000
# A block still longer than this after the sentence tier is one run-on sentence of 50 KB or more.
# Tokenizing it would cost seconds the deadline cannot interrupt; it is diffed by characters.
_HUGE_BLOCK = 100_000

#: seconds a diff may take before it settles for a coarser, still exact answer; below the
#: 0.5 s promise for 1 MB revisions so that the promise holds on a loaded machine too
DEFAULT_TIMEOUT = 0.4


@dataclass(frozen=True, slots=True)
class DiffOp:
    """One piece of a diff: text that is kept ("equal"), added ("insert") or removed ("delete")."""

    op: str
    text: str

    def to_dict(self) -> dict[str, str]:
        """Return the piece as JSON-ready data."""
        return {"op": self.op, "text": self.text}


def diff_texts(old: str, new: str, *, timeout: float = DEFAULT_TIMEOUT) -> list[DiffOp]:
    """Diff two revisions word by word (CJK character by character) within `timeout` seconds."""
    if timeout <= 0:
        raise ValueError("timeout must be positive: an unbounded diff can take minutes")
    if old == new:
        return [DiffOp(EQUAL, old)] if old else []
    deadline = time.time() + timeout  # diff-match-patch compares deadlines with time.time()
    return _normalize(_by_lines(old, new, deadline))


# --- tiers -------------------------------------------------------------------------------------

Ops = list[tuple[int, str]]  # diff-match-patch's (op, text) pairs, op in -1, 0, 1


def _by_tokens(old: str, new: str, deadline: float) -> Ops:
    """Diff two changed blocks token by token, then clean up for readability."""
    if len(old) + len(new) > _HUGE_BLOCK:
        return _by_chars(old, new, deadline)
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    codec = SegmentCodec()
    try:
        a, b = codec.encode(old_tokens), codec.encode(new_tokens)
    except OutOfCodePoints:
        return _by_chars(old, new, deadline)
    fill = _common_ends if _rewritten(old_tokens, new_tokens) else _myers
    ops = cleanup_readable(
        _anchored_diff(a, b, deadline, fill), lambda chars: holds_word(codec.decode(chars))
    )
    return [(op, codec.decode(chars)) for op, chars in ops]


def _rewritten(a: list[str], b: list[str]) -> bool:
    """Tell whether two blocks share under a quarter of the smaller one's pairs of words.

    Pairs of neighbouring words, not single words: a rewrite reuses common words ("the",
    "shall", 的) but rarely two in a row, while an edit leaves most pairs in place. In a rewrite
    a Myers diff costs more than it finds, so only the runs around the tokens both blocks hold
    once are kept (see _common_ends).
    """
    a_words = [token for token in a if not token.isspace()]
    b_words = [token for token in b if not token.isspace()]
    if min(len(a_words), len(b_words)) < _SMALL_BLOCK:
        return False  # cheap to diff, and a few shared pairs say little about small blocks
    a_pairs = set(zip(a_words, a_words[1:]))
    b_pairs = set(zip(b_words, b_words[1:]))
    return len(a_pairs & b_pairs) * _MIN_SHARED < min(len(a_pairs), len(b_pairs))


def _myers(a: str, b: str, deadline: float) -> Ops:
    return _DMP.diff_main(a, b, False, deadline)


def _common_ends(a: str, b: str, deadline: float) -> Ops:
    """Replace all but what two gaps start and end with: linear, for rewritten blocks."""
    head = _DMP.diff_commonPrefix(a, b)
    tail = _DMP.diff_commonSuffix(a[head:], b[head:])
    return [
        (_DMP.DIFF_EQUAL, a[:head]),
        (_DMP.DIFF_DELETE, a[head : len(a) - tail]),
        (_DMP.DIFF_INSERT, b[head : len(b) - tail]),
        (_DMP.DIFF_EQUAL, a[len(a) - tail :]),
    ]


def _by_chars(old: str, new: str, deadline: float) -> Ops:
    """Diff character by character: for huge blocks, and when stand-in characters run out."""
    return cleanup_readable(_DMP.diff_main(old, new, False, deadline), holds_whole_word)


def _tier(split: Callable[[str], list[str]], refine: Callable[[str, str, float], Ops]):
    """Build a diff over the segments `split` yields that hands changed blocks to `refine`."""

    def diff(old: str, new: str, deadline: float) -> Ops:
        codec = SegmentCodec()
        try:
            a, b = codec.encode(split(old)), codec.encode(split(new))
        except OutOfCodePoints:
            return _by_chars(old, new, deadline)
        pieces = _changed_blocks(_anchored_diff(a, b, deadline), codec.decode)
        return _refine_blocks(pieces, refine, deadline)

    return diff


def _split_after(pattern: re.Pattern[str], text: str) -> list[str]:
    """Cut text after every match of pattern; the pieces concatenate back to text."""
    pieces, start = [], 0
    for match in pattern.finditer(text):
        pieces.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _sentences(text: str) -> list[str]:
    return _split_after(_SENTENCE_END, text)


def split_lines(text: str) -> list[str]:
    """Cut text after every line break (str.split is several times faster than a regex)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def _by_sentences_if_long(old: str, new: str, deadline: float) -> Ops:
    """Narrow long blocks (a long paragraph, a text without line breaks) by sentences first."""
    if len(old) + len(new) > _LONG_BLOCK:
        return _by_sentences(old, new, deadline)
    return _by_tokens(old, new, deadline)


_by_sentences = _tier(_sentences, _by_tokens)
_by_lines = _tier(split_lines, _by_sentences_if_long)


# --- segment diff: patience anchors, diff-match-patch in the gaps ------------------------------


def _anchored_diff(a: str, b: str, deadline: float, fill=_myers) -> Ops:
    """Diff encoded segments, pinning those that occur once on each side in the same order.

    `fill` diffs the gaps between those anchors."""
    ops: Ops = []
    i = j = run = 0  # a[run:i] is equal text (anchors and the same gaps) not yet emitted
    for x, y in _unique_anchors(a, b) + [(len(a), len(b))]:
        if a[i:x] != b[j:y]:  # an equal gap (often one space) just lengthens the run
            gap = fill(a[i:x], b[j:y], deadline)
            _extend(ops, [(_DMP.DIFF_EQUAL, a[run:i])] + gap)
            run = x
        i, j = x + 1, y + 1
    _extend(ops, [(_DMP.DIFF_EQUAL, a[run:])])
    return ops


def _extend(ops: Ops, more: Ops) -> None:
    """Append ops, joining neighbouring equal texts (the semantic cleanup needs them joined)."""
    for op, text in more:
        if not text:
            continue
        if op == _DMP.DIFF_EQUAL and ops and ops[-1][0] == _DMP.DIFF_EQUAL:
            ops[-1] = (op, ops[-1][1] + text)
        else:
            ops.append((op, text))


def _unique_anchors(a: str, b: str) -> list[tuple[int, int]]:
    """Return positions (i, j) of unique common segments, longest run in the same order."""
    a_counts, b_counts = Counter(a), Counter(b)
    where = {c: i for i, c in enumerate(a) if a_counts[c] == 1 and b_counts[c] == 1}
    pairs = [(where[c], j) for j, c in enumerate(b) if c in where]
    pairs.sort()
    return _longest_increasing(pairs)


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return the longest subsequence of pairs (sorted by i) whose j also increases."""
    tails: list[int] = []  # smallest j ending an increasing run of each length
    ends: list[int] = []  # index in pairs of that run's last pair
    before: list[int] = []  # index of the previous pair in the run ending at each pair
    for index, (_, j) in enumerate(pairs):
        length = bisect_left(tails, j)
        if length == len(tails):
            tails.append(j)
            ends.append(index)
        else:
            tails[length], ends[length] = j, index
        before.append(ends[length - 1] if length else -1)
    run, index = [], ends[-1] if ends else -1
    while index >= 0:
        run.append(pairs[index])
        index = before[index]
    return run[::-1]


def _changed_blocks(ops: Ops, decode: Callable[[str], str]) -> list[str | tuple[str, str]]:
    """Decode ops into equal texts (str) and changed blocks ((old, new) tuples)."""
    pieces: list[str | tuple[str, str]] = []
    old: list[str] = []
    new: list[str] = []
    for op, chars in ops:
        if not chars:
            continue  # an empty equal must not split a block
        if op != _DMP.DIFF_EQUAL:
            (old if op == _DMP.DIFF_DELETE else new).append(decode(chars))
            continue
        if old or new:
            pieces.append(("".join(old), "".join(new)))
            old, new = [], []
        pieces.append(decode(chars))
    if old or new:
        pieces.append(("".join(old), "".join(new)))
    return pieces


def _refine_blocks(pieces: list[str | tuple[str, str]], refine, deadline: float) -> Ops:
    """Refine every changed block with its share of the time left."""
    pending = sum(len(p[0]) + len(p[1]) for p in pieces if isinstance(p, tuple))
    ops: Ops = []
    for piece in pieces:
        if isinstance(piece, str):
            ops.append((_DMP.DIFF_EQUAL, piece))
            continue
        old, new = piece
        size = len(old) + len(new)
        ops += _refine_one(old, new, refine, _share(deadline, size, pending))
        pending -= size
    return ops


def _share(deadline: float, size: int, pending: int) -> float:
    """Give a block its share of the time left, but at least half of it.

    The proportional share stops one slow block from starving the others; the half lets a
    block that needs it use time the (usually quick) blocks after it will not.
    """
    now = time.time()
    left = deadline - now
    return deadline if left <= 0 else now + left * max(0.5, size / pending)


def _refine_one(old: str, new: str, refine, deadline: float) -> Ops:
    if not old or not new or time.time() >= deadline:
        return [(_DMP.DIFF_DELETE, old), (_DMP.DIFF_INSERT, new)]
    return refine(old, new, deadline)


def _normalize(ops: Ops) -> list[DiffOp]:
    """Drop empty pieces; turn each run of changes into one delete followed by one insert."""
    result: list[DiffOp] = []
    deleted: list[str] = []
    inserted: list[str] = []
    for op, text in ops:
        if op == _DMP.DIFF_DELETE:
            deleted.append(text)
        elif op == _DMP.DIFF_INSERT:
            inserted.append(text)
        elif text:  # an empty equal separates nothing
            _flush_changes(result, deleted, inserted)
            deleted, inserted = [], []
            _append(result, EQUAL, text)
    _flush_changes(result, deleted, inserted)
    return result


def _flush_changes(result: list[DiffOp], deleted: list[str], inserted: list[str]) -> None:
    _append(result, DELETE, "".join(deleted))
    _append(result, INSERT, "".join(inserted))


def _append(result: list[DiffOp], op: str, text: str) -> None:
    if not text:
        return
    if result and result[-1].op == op:
        result[-1] = DiffOp(op, result[-1].text + text)
    else:
        result.append(DiffOp(op, text))

"""Stand-in characters for the segments of a diff (lines, sentences or tokens).

diff-match-patch diffs characters. To diff longer segments, each distinct segment is given one
character of its own (as ``diff_linesToChars`` does) and the characters are diffed instead.
"""

from __future__ import annotations

from itertools import chain, islice

# Characters that stand for segments: private use areas first (no meaning to diff-match-patch's
# cleanup heuristics), then the rest of Unicode, surrogates skipped.
_CODE_POINT_RANGES = (
    (0xE000, 0xF900),
    (0xF0000, 0x110000),
    (0x10000, 0xF0000),
    (0x100, 0xD800),
    (0xF900, 0x10000),
)
_CAPACITY = sum(stop - start for start, stop in _CODE_POINT_RANGES)


class OutOfCodePoints(Exception):
    """More distinct segments than there are characters to stand for them."""


class SegmentCodec:
    """Map segments to single characters and back, one fresh table per diff."""

    def __init__(self) -> None:
        self.chars: dict[str, str] = {}
        self.segments: dict[str, str] = {}

    def encode(self, segments: list[str]) -> str:
        """Return one character per segment; equal segments get equal characters."""
        chars = self.chars
        # dict.fromkeys keeps first-seen order, so the same texts always get the same encoding
        fresh = [s for s in dict.fromkeys(segments) if s not in chars]
        if fresh:
            stand_ins = _stand_ins(len(chars), len(fresh))
            chars.update(zip(fresh, stand_ins))
            self.segments.update(zip(stand_ins, fresh))
        return "".join(map(chars.__getitem__, segments))

    def decode(self, chars: str) -> str:
        """Return the text the characters stand for."""
        return "".join(map(self.segments.__getitem__, chars))


def _stand_ins(first: int, count: int) -> str:
    """Return stand-in characters number first .. first + count; raise when they run out."""
    if first + count > _CAPACITY:
        raise OutOfCodePoints
    if first + count <= len(_COMMON_STAND_INS):
        return _COMMON_STAND_INS[first : first + count]
    return "".join(_code_point(i) for i in range(first, first + count))


def _code_point(index: int) -> str:
    for start, stop in _CODE_POINT_RANGES:
        if index < stop - start:
            return chr(start + index)
        index -= stop - start
    raise OutOfCodePoints


# Built once: nearly every diff needs only these (a table per block, rarely 65,536 segments).
_COMMON_STAND_INS = "".join(
    map(chr, islice(chain.from_iterable(range(*r) for r in _CODE_POINT_RANGES), 0x10000))
)

"""One diff of two revisions' reading texts, read as a map of offsets and of paragraphs.

``core.anchors`` builds one ``TextMap`` per pair of revisions and asks it, for every comment,
where an old offset went and whether a span survived unchanged; and, for every paragraph, which
new paragraph holds most of its text. Each question is a bisection over the diff's pieces, so
1,000 comments cost little beside the diff itself.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence

from govwiki.core.diff import DEFAULT_TIMEOUT, DELETE, EQUAL, diff_texts

#: share of an old paragraph's characters that must reach one new paragraph for it to follow
MIN_SURVIVING = 0.5


def paragraph_starts(paragraphs: Sequence[str], separator: str) -> list[int]:
    """Return where each paragraph starts in ``separator.join(paragraphs)``."""
    starts, at = [], 0
    for text in paragraphs:
        starts.append(at)
        at += len(text) + len(separator)
    return starts


class TextMap:
    """The diff of two paragraph lists (joined with ``separator``), with offset look-ups."""

    def __init__(
        self, old: Sequence[str], new: Sequence[str], separator: str, *, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        self.old, self.new = list(old), list(new)
        self.old_text, self.new_text = separator.join(self.old), separator.join(self.new)
        self.old_starts = paragraph_starts(self.old, separator)
        self.new_starts = paragraph_starts(self.new, separator)
        # Equal and deleted pieces in old order: (old start, old end, new start, equal?).
        self._pieces: list[tuple[int, int, int, bool]] = []
        old_at = new_at = 0
        for op in diff_texts(self.old_text, self.new_text, timeout=timeout):
            size = len(op.text)
            if op.op == EQUAL:
                self._pieces.append((old_at, old_at + size, new_at, True))
                old_at, new_at = old_at + size, new_at + size
            elif op.op == DELETE:
                self._pieces.append((old_at, old_at + size, new_at, False))
                old_at += size
            else:
                new_at += size
        self._piece_starts = [piece[0] for piece in self._pieces]
        self._paragraph_map: list[int | None] | None = None

    def _piece(self, offset: int) -> tuple[int, int, int, bool] | None:
        index = bisect_right(self._piece_starts, offset) - 1
        return self._pieces[index] if index >= 0 else None

    def new_offset(self, offset: int) -> int:
        """Map an old offset to the new text; inside a change, to where the change starts."""
        piece = self._piece(offset)
        if piece is None or offset >= len(self.old_text):
            return 0 if piece is None else len(self.new_text)
        start, _, new_start, equal = piece
        return new_start + (offset - start) if equal else new_start

    def unchanged(self, start: int, end: int) -> int | None:
        """Return the new offset of old ``[start, end)`` if the diff kept all of it, else None."""
        piece = self._piece(start)
        if piece is None or not piece[3] or end > piece[1]:
            return None
        return piece[2] + (start - piece[0])

    def new_paragraph(self, offset: int) -> int:
        """Return the index of the new paragraph that holds (or starts at) a new offset."""
        return max(0, bisect_right(self.new_starts, offset) - 1)

    def paragraph_map(self) -> list[int | None]:
        """For every old paragraph, the new paragraph it became, or None (see ``core.anchors``)."""
        if self._paragraph_map is None:
            same = self.old == self.new
            self._paragraph_map = (
                list(range(len(self.old))) if same else self._with_moves(self._by_survivors())
            )
        return self._paragraph_map

    def _by_survivors(self) -> list[int | None]:
        """Map each old paragraph to the new one receiving most of its kept characters."""
        kept: list[Counter[int]] = [Counter() for _ in self.old]
        for start, end, new_start, equal in self._pieces:
            if equal:
                self._count_kept(start, end, new_start, kept)
        mapped: list[int | None] = []
        for index, text in enumerate(self.old):
            if not text:
                mapped.append(self._empty_paragraph(index))
                continue
            best = kept[index].most_common(1)
            enough = best and best[0][1] >= MIN_SURVIVING * len(text)
            mapped.append(best[0][0] if enough else None)
        return mapped

    def _count_kept(self, start: int, end: int, new_start: int, kept: list[Counter[int]]) -> None:
        """Add an equal piece's characters to (old paragraph, new paragraph) counts."""
        shift = new_start - start  # new offset minus old offset, all along the piece
        old_index = max(0, bisect_right(self.old_starts, start) - 1)
        while old_index < len(self.old) and self.old_starts[old_index] < end:
            low = max(start, self.old_starts[old_index])
            high = min(end, self.old_starts[old_index] + len(self.old[old_index]))
            while low < high:  # split the overlap where new paragraphs end
                new_index = self.new_paragraph(low + shift)
                new_end = self.new_starts[new_index] + len(self.new[new_index]) - shift
                if low < new_end:
                    kept[old_index][new_index] += min(high, new_end) - low
                    low = min(high, new_end)
                else:  # in a separator of the new text: on to the next paragraph
                    following = new_index + 1
                    low = (
                        high if following == len(self.new) else min(high, self.new_starts[following] - shift)
                    )
            old_index += 1

    def _empty_paragraph(self, index: int) -> int | None:
        """An empty paragraph (a rule) follows when the diff kept the place it stands at."""
        at = self.old_starts[index]
        piece = self._piece(at - 1 if at else at)  # the separator before it, if any
        if piece is None or not piece[3] or not piece[0] <= at - (1 if at else 0) < piece[1]:
            return None
        new_at = piece[2] + (at - piece[0])
        new_index = self.new_paragraph(new_at)
        found = self.new_starts[new_index] == new_at and not self.new[new_index]
        return new_index if found else None

    def _with_moves(self, mapped: list[int | None]) -> list[int | None]:
        """Send a lost paragraph to an unclaimed new paragraph with exactly its text (a move)."""
        claimed = set(mapped)
        unclaimed: dict[str, list[int]] = {}
        for index in range(len(self.new) - 1, -1, -1):
            if index not in claimed and self.new[index].strip():
                unclaimed.setdefault(self.new[index], []).append(index)
        moved = list(mapped)
        for index, text in enumerate(self.old):
            if moved[index] is None and unclaimed.get(text):
                moved[index] = unclaimed[text].pop()  # the first such paragraph in order
        return moved

"""Views of a diff for readers: how many words changed, and a two-column layout by line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import zip_longest

from govwiki.core.diff import CJK, DELETE, EQUAL, INSERT, DiffOp, split_lines

# What diff_stats counts: a Latin word (letters and digits), and a CJK letter (not punctuation).
_LATIN_WORD = re.compile(rf"[^\W_{CJK}]+")
_CJK_LETTER = re.compile(rf"[{CJK}](?<![\W_])")


def count_words(text: str) -> int:
    """Count words as diff_stats does: each Latin word and each CJK letter is one."""
    return len(_LATIN_WORD.findall(text)) + len(_CJK_LETTER.findall(text))


def word_delta(ops: Iterable[DiffOp]) -> int:
    """How many more words the new text has than the old, from their diff (an exact one).

    A word never spans a line break, so counts add up line by line: only the lines a change
    touches are counted, on both sides, and a 100 KB text with one word changed costs one line.
    The lines of a changed region run from the last kept line break before it to the first
    kept line break after it, where both texts are at the start of a line again.
    """
    delta, old, new, changed = 0, [], [], False
    for piece in ops:
        if piece.op != EQUAL:
            (new if piece.op == INSERT else old).append(piece.text)
            changed = True
            continue
        first_break = piece.text.find("\n")
        if first_break < 0:
            old.append(piece.text)
            new.append(piece.text)
            continue
        if changed:
            head = piece.text[: first_break + 1]
            delta += count_words("".join(new) + head) - count_words("".join(old) + head)
        tail = piece.text[piece.text.rfind("\n") + 1 :]
        old, new, changed = [tail], [tail], False
    if changed:
        delta += count_words("".join(new)) - count_words("".join(old))
    return delta


def diff_stats(ops: Iterable[DiffOp]) -> dict[str, int]:
    """Count inserted and deleted words: Latin words and CJK characters, apart and together.

    ``inserted`` and ``deleted`` are the totals (a Latin word or one CJK character each); the
    ``_words`` and ``_characters`` keys split them, so a Chinese text is counted in 字, not 词.
    """
    counts = dict.fromkeys(
        (
            "inserted",
            "deleted",
            "inserted_words",
            "deleted_words",
            "inserted_characters",
            "deleted_characters",
        ),
        0,
    )
    for piece in ops:
        if piece.op != EQUAL:
            key = "inserted" if piece.op == INSERT else "deleted"
            words, characters = len(_LATIN_WORD.findall(piece.text)), len(_CJK_LETTER.findall(piece.text))
            counts[key] += words + characters
            counts[f"{key}_words"] += words
            counts[f"{key}_characters"] += characters
    return counts


Row = dict[str, object]  # {"left": list[DiffOp] | None, "right": ..., "changed": bool}


def side_by_side(ops: Iterable[DiffOp]) -> list[Row]:
    """Lay a diff out as rows of a two-column view, one line of each side per row.

    ``left`` holds the equal and deleted pieces of one old line, ``right`` the equal and
    inserted pieces of one new line. Each line keeps its own ``"\\n"`` at the end of its last
    piece (the final line of a text has none if the text does not end with one), so joining the
    texts of all left pieces, row by row, gives back the old text exactly, and the right pieces
    the new text. Lines that end at the same kept line break share a row; lines ended by a
    deleted or inserted line break pair up in order, and a line with no partner has ``None`` on
    the other side.
    """
    layout = _Layout()
    for piece in ops:
        for part in split_lines(piece.text):
            layout.add(DiffOp(piece.op, part))
    return layout.finish()


class _Layout:
    """Accumulates line pieces for side_by_side until a kept line break closes both sides."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.left: list[DiffOp] = []  # the old line being built
        self.right: list[DiffOp] = []
        self.done_left: list[list[DiffOp]] = []  # old lines ended by a deleted line break
        self.done_right: list[list[DiffOp]] = []

    def add(self, part: DiffOp) -> None:
        ends_line = part.text.endswith("\n")
        if part.op != INSERT:
            self.left.append(part)
        if part.op != DELETE:
            self.right.append(part)
        if ends_line and part.op == DELETE:
            self.done_left.append(self.left)
            self.left = []
        elif ends_line and part.op == INSERT:
            self.done_right.append(self.right)
            self.right = []
        elif ends_line:
            self._flush(self.left, self.right)

    def _flush(self, last_left: list[DiffOp] | None, last_right: list[DiffOp] | None) -> None:
        for left, right in zip_longest(self.done_left, self.done_right):
            self.rows.append(_row(left, right))
        if last_left or last_right:
            self.rows.append(_row(last_left or None, last_right or None))
        self.left, self.right, self.done_left, self.done_right = [], [], [], []

    def finish(self) -> list[Row]:
        self._flush(self.left, self.right)
        return self.rows


def _row(left: list[DiffOp] | None, right: list[DiffOp] | None) -> Row:
    changed = left is None or right is None or any(p.op != EQUAL for p in left + right)
    return {"left": left, "right": right, "changed": changed}

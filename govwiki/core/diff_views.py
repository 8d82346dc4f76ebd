"""Views of a diff for readers: how many words changed, a two-column layout by line (with each
changed stretch also as running text, for narrow screens), and the numbering of its changes."""

from __future__ import annotations

import re
from dataclasses import dataclass
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
    return _lay_out(ops, _Layout())


def aligned_rows(ops: Iterable[DiffOp]) -> list[Row]:
    """The rows of side_by_side, each changed stretch also as one running text, for a layout
    that is side by side on wide screens and inline on narrow ones from the same rows.

    A block is what lies between two kept line breaks: one row, or several when line breaks
    were inserted or deleted in it. The first row of a changed block carries ``inline``, the
    block's pieces in order (its deleted and inserted words inside one running text, which
    rebuilds both texts as an inline diff does); its other rows carry ``joined``, as their
    text is in that ``inline``.
    """
    return _lay_out(ops, _Layout(inline=True))


def number_changes(items: list[dict], *, key: str = "changed") -> list[dict]:
    """Copies of `items` (inline pieces or rows) with ``change``: 1, 2, … on the first item of
    each run of changes, and ``last`` on the last run's, for next / previous change links.

    An item is a change when ``item[key]`` is true (rows) or, for inline pieces, when its
    ``op`` is not ``equal``; an unchanged item or a fold (``skipped``) ends a run.
    """
    numbered: list[dict] = []
    count, inside, first = 0, False, None
    for item in items:
        changed = bool(item.get(key)) if "op" not in item else item["op"] != EQUAL
        if changed and not inside:
            count += 1
            item = {**item, "change": count}
            first = len(numbered)
        inside = changed
        numbered.append(item)
    if first is not None:
        numbered[first] = {**numbered[first], "last": True}
    return numbered


def _lay_out(ops: Iterable[DiffOp], layout: "_Layout") -> list[Row]:
    for piece in ops:
        for part in split_lines(piece.text):
            layout.add(DiffOp(piece.op, part))
    return layout.finish()


class _Layout:
    """Accumulates line pieces for side_by_side until a kept line break closes both sides."""

    def __init__(self, *, inline: bool = False) -> None:
        self.inline = inline  # also keep each block's pieces in order (aligned_rows)
        self.block: list[DiffOp] = []
        self.rows: list[Row] = []
        self.left: list[DiffOp] = []  # the old line being built
        self.right: list[DiffOp] = []
        self.done_left: list[list[DiffOp]] = []  # old lines ended by a deleted line break
        self.done_right: list[list[DiffOp]] = []

    def add(self, part: DiffOp) -> None:
        if self.inline:
            self.block.append(part)
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
        start = len(self.rows)
        for left, right in zip_longest(self.done_left, self.done_right):
            self.rows.append(_row(left, right))
        if last_left or last_right:
            self.rows.append(_row(last_left or None, last_right or None))
        block = self.rows[start:]
        if self.inline and any(row["changed"] for row in block):
            block[0]["inline"] = self.block
            for row in block[1:]:
                row["joined"] = True
        self.left, self.right, self.done_left, self.done_right, self.block = [], [], [], [], []

    def finish(self) -> list[Row]:
        self._flush(self.left, self.right)
        return self.rows


def _row(left: list[DiffOp] | None, right: list[DiffOp] | None) -> Row:
    changed = left is None or right is None or any(p.op != EQUAL for p in left + right)
    return {"left": left, "right": right, "changed": changed}


@dataclass(frozen=True)
class DiffScreen:
    """One screen of a long diff: the numbered items (rows or inline pieces) of its changes."""

    items: list[dict]
    #: which screen (1, 2, …) of how many
    number: int
    screens: int
    #: the numbers of the first and last change shown here (0 and 0 when nothing changed)
    first: int
    last: int
    #: every change of the diff, on all screens
    total: int


def diff_screen(items: list[dict], number: int, per_screen: int) -> DiffScreen:
    """The items of changes (number - 1) * per_screen + 1 to number * per_screen of a diff laid
    out by `number_changes` (a screen beyond the last is the last). The unchanged lines between
    two screens' changes end the earlier screen up to a fold and start the later one after it,
    so each screen keeps its changes' context and no line is shown on two screens."""
    starts = [index for index, item in enumerate(items) if item.get("change")]
    total = len(starts)
    screens = max(1, -(-total // per_screen))
    number = min(max(1, number), screens)
    first = min((number - 1) * per_screen + 1, total)
    last = min(number * per_screen, total)
    begin = 0 if number == 1 else _boundary(items, starts, first - 1)
    end = len(items) if number == screens else _boundary(items, starts, last)
    return DiffScreen(items[begin:end], number, screens, first, last, total)


def _boundary(items: list[dict], starts: list[int], change: int) -> int:
    """Where the items after change `change` give way to change `change` + 1: just after the
    last fold between them, or else where the later change begins."""
    after = starts[change]
    for index in range(after - 1, starts[change - 1], -1):
        if "skipped" in items[index]:
            return index + 1
    return after

"""Texts for resolving a conflict by hand: a three-way merge with each conflict written out.

When two people changed the same passage, the merge cannot choose. A person can, given a text
that already holds everything that merged cleanly and, for each conflicting passage, both
versions between marker lines (as diff3 and git write them). Whoever resolves only has to pick
inside the marked blocks; saving such a text can never undo a change made elsewhere, which is
what happened when the resolving box held only one side's text.
"""

from __future__ import annotations

from govwiki.core.merge import Hunk, apply_hunks, hunks, merge3

#: the lines that open, split and close a conflict block in a hand-resolution text
MARK_MINE, MARK_SPLIT, MARK_THEIRS = "<<<<<<<", "=======", ">>>>>>>"


def marked_merge(base: str, mine: str, theirs: str, *, mine_label: str, theirs_label: str) -> str:
    """Merge like `merge3`, but write each conflict as a block of whole lines with both versions:

        <<<<<<< mine_label
        (the lines as `mine` has them)
        =======
        (the lines as `theirs` has them)
        >>>>>>> theirs_label

    Changes outside the blocks are merged as usual. This is a starting point for a person to
    resolve by hand; it is never saved as it is.
    """
    result = merge3(base, mine, theirs)
    if result.clean:
        return result.text
    a, b = hunks(base, mine), hunks(base, theirs)
    regions = _line_regions(base, [(c.start, c.end) for c in result.conflicts], a + b)
    spliced = [h for h in set(a) | set(b) if not any(_inside(h, r) for r in regions)]
    for start, end in regions:
        block = (
            _line(f"{MARK_MINE} {mine_label}")
            + _ensure_newline(_region(base, start, end, [h for h in a if _inside(h, (start, end))]))
            + _line(MARK_SPLIT)
            + _ensure_newline(_region(base, start, end, [h for h in b if _inside(h, (start, end))]))
            + _line(f"{MARK_THEIRS} {theirs_label}")
        )
        spliced.append(Hunk(start, end, block))
    return apply_hunks(base, sorted(spliced, key=lambda h: (h.start, h.end)))


def has_conflict_markers(text: str) -> bool:
    """Tell whether a text still holds the opening or closing line of a conflict block."""
    return any(line.startswith((MARK_MINE, MARK_THEIRS)) for line in text.splitlines())


def _inside(hunk: Hunk, region: tuple[int, int]) -> bool:
    return region[0] <= hunk.start and hunk.end <= region[1]


def _line_regions(base: str, spans: list[tuple[int, int]], all_hunks: list[Hunk]) -> list[tuple[int, int]]:
    """Widen conflicting spans to whole lines, and further over any hunk they cut through."""
    regions = [_whole_lines(base, start, end) for start, end in spans]
    while True:
        regions = _merged(regions)
        grown = [_grow(base, region, all_hunks) for region in regions]
        if grown == regions:
            return regions
        regions = grown


def _grow(base: str, region: tuple[int, int], all_hunks: list[Hunk]) -> tuple[int, int]:
    start, end = region
    for h in all_hunks:
        if h.start < start < h.end or h.start < end < h.end:
            start, end = _whole_lines(base, min(start, h.start), max(end, h.end))
    return start, end


def _whole_lines(base: str, start: int, end: int) -> tuple[int, int]:
    line_start = base.rfind("\n", 0, start) + 1
    if end > line_start and base[end - 1] == "\n":
        return line_start, end
    line_end = base.find("\n", end)
    return line_start, len(base) if line_end == -1 else line_end + 1


def _merged(regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    result: list[tuple[int, int]] = []
    for start, end in sorted(regions):
        if result and start <= result[-1][1]:  # touching regions too: an edge belongs to one
            result[-1] = (result[-1][0], max(end, result[-1][1]))
        else:
            result.append((start, end))
    return result


def _region(base: str, start: int, end: int, side: list[Hunk]) -> str:
    shifted = sorted(
        (Hunk(h.start - start, h.end - start, h.text) for h in side), key=lambda h: (h.start, h.end)
    )
    return apply_hunks(base[start:end], shifted)


def _line(text: str) -> str:
    return text + "\n"


def _ensure_newline(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"

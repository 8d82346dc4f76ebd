"""Safe three-way merges of wiki revisions, in the style of diff3.

Each side's changes are expressed as hunks in base coordinates ("replace base[start:end] with
text"), computed by the word-level diff. Hunks are only ever spliced at exactly those positions:
there is no fuzzy matching and no patch_apply, so an edit can never land in a duplicate clause
elsewhere or mangle a neighbouring number (diff-match-patch's patch_apply did both, reporting
success). When the diff runs out of time its hunks only grow coarser, which can add conflicts
but never loses text.

Two hunks from different sides conflict, unless they are identical (then it is taken once), when

- their replaced ranges share at least one base character;
- both insert at the same point (which goes first is a guess);
- one inserts at a point inside the other's replaced range, or at either edge of it. At the left
  edge the order of the two texts is a guess. At the right edge the order is clear, but the
  insertion may belong to the text the other side replaced: a sentence appended to a paragraph
  the other side deleted would otherwise survive without its paragraph;
- their replaced ranges touch (one ends where the other starts) inside a word: between two
  letters or digits, CJK included. The order is fixed, but the result is a word neither side
  wrote: 三十日 edited to 四十日 on one side and 三千日 on the other must not become 四千日. It also
  catches a deletion the diff placed one character off (deleting 十日告交 from 十日告交十 reads
  the same as deleting 日告交十). Ranges that touch at a space, a punctuation mark or a line
  break merge.

Conflicting hunks are grouped transitively into regions with each side's text.

What no merge can know: when the base repeats itself (two identical paragraphs), which copy a
deletion removed is a guess the diff makes. The merge then keeps the other side's edit in the
surviving copy, or reports a conflict; it never drops the edit.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from govwiki.core.diff import DEFAULT_TIMEOUT, DELETE, EQUAL, diff_texts


@dataclass(frozen=True, slots=True)
class Hunk:
    """Replace base[start:end] with text (Python str indices into the base text)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Conflict:
    """A region of the base both sides changed differently, with each side's version of it."""

    start: int
    end: int
    base: str
    mine: str
    theirs: str

    def to_dict(self) -> dict[str, int | str]:
        """Return the conflict as JSON-ready data."""
        return asdict(self)


@dataclass(frozen=True)
class MergeResult:
    """The merged text, or None and the conflicts that prevent it."""

    text: str | None
    conflicts: tuple[Conflict, ...] = ()

    @property
    def clean(self) -> bool:
        return not self.conflicts


def hunks(base: str, other: str, *, timeout: float = DEFAULT_TIMEOUT) -> list[Hunk]:
    """Return the changes base → other as sorted, non-overlapping, word-granular hunks."""
    result: list[Hunk] = []
    position = 0
    for piece in diff_texts(base, other, timeout=timeout):
        if piece.op == EQUAL:
            position += len(piece.text)
        elif piece.op == DELETE:
            result.append(Hunk(position, position + len(piece.text), ""))
            position += len(piece.text)
        elif result and result[-1].end == position:  # the insert after a delete: one hunk
            last = result[-1]
            result[-1] = Hunk(last.start, last.end, last.text + piece.text)
        else:
            result.append(Hunk(position, position, piece.text))
    return result


def apply_hunks(base: str, hunks: Sequence[Hunk]) -> str:
    """Splice hunks into base; they must be sorted and must not overlap."""
    pieces: list[str] = []
    position = 0
    for hunk in hunks:
        if not position <= hunk.start <= hunk.end <= len(base):
            raise ValueError(f"hunks overlap, are unsorted or out of range at {hunk}")
        pieces += [base[position : hunk.start], hunk.text]
        position = hunk.end
    pieces.append(base[position:])
    return "".join(pieces)


def conflicting(a: Hunk, b: Hunk, base: str | None = None) -> bool:
    """Tell whether two hunks from different sides collide (see the module docstring).

    Without the base text, ranges that touch count as touching inside a word.
    """
    if a == b:
        return False
    if a.start == a.end or b.start == b.end:
        insertion, other = (a, b) if a.start == a.end else (b, a)
        return other.start <= insertion.start <= other.end  # inside or at either edge
    if a.start < b.end and b.start < a.end:
        return True
    meeting = a.end if a.end == b.start else b.end if b.end == a.start else None
    return meeting is not None and _inside_word(base, meeting)


def _inside_word(base: str | None, position: int) -> bool:
    if base is None:
        return True  # cannot tell, so assume the worst
    return 0 < position < len(base) and base[position - 1].isalnum() and base[position].isalnum()


def overlapping_pairs(
    a: Sequence[Hunk], b: Sequence[Hunk], *, base: str | None = None
) -> list[tuple[int, int]]:
    """Return the index pairs (i, j) for which a[i] and b[j] conflict; both lists sorted."""
    starts = [hunk.start for hunk in b]
    pairs = []
    for i, hunk in enumerate(a):
        # b's hunks are disjoint and sorted, so only those starting by hunk.end can touch it;
        # walk back from there while they still reach hunk.start.
        j = bisect_left(starts, hunk.end + 1) - 1
        while j >= 0 and b[j].end >= hunk.start:
            if conflicting(hunk, b[j], base):
                pairs.append((i, j))
            j -= 1
    return sorted(pairs)


def overlaps(a: Sequence[Hunk], b: Sequence[Hunk], *, base: str | None = None) -> bool:
    """Tell whether any hunk of a conflicts with any hunk of b (two colliding proposals).

    Pass the base both were made against to let edits that touch at a space merge.
    """
    return bool(overlapping_pairs(a, b, base=base))


def merge3(base: str, mine: str, theirs: str, *, timeout: float = DEFAULT_TIMEOUT) -> MergeResult:
    """Merge two revisions of one base; report conflicting regions instead of guessing."""
    if mine == theirs or base == theirs:
        return MergeResult(mine)
    if base == mine:
        return MergeResult(theirs)
    my_hunks = hunks(base, mine, timeout=timeout)
    their_hunks = hunks(base, theirs, timeout=timeout)
    pairs = overlapping_pairs(my_hunks, their_hunks, base=base)
    if pairs:
        return MergeResult(None, _conflicts(base, my_hunks, their_hunks, pairs))
    return MergeResult(apply_hunks(base, _union(my_hunks, their_hunks)))


def _union(a: list[Hunk], b: list[Hunk]) -> list[Hunk]:
    """Sort both sides' hunks together, taking identical ones once."""
    # No conflicts, so equal starts mean identical hunks; (start, end) sorts the rest.
    return sorted(set(a) | set(b), key=lambda hunk: (hunk.start, hunk.end))


def _conflicts(base, a: list[Hunk], b: list[Hunk], pairs) -> tuple[Conflict, ...]:
    """Group transitively conflicting hunks into regions with each side's text."""
    groups = _connected(len(a), pairs)
    conflicts = []
    for mine_ids, their_ids in groups:
        mine = [a[i] for i in mine_ids]
        theirs = [b[j] for j in their_ids]
        start = min(h.start for h in mine + theirs)
        end = max(h.end for h in mine + theirs)
        conflicts.append(
            Conflict(
                start,
                end,
                base[start:end],
                _region_text(base, start, end, mine),
                _region_text(base, start, end, theirs),
            )
        )
    return tuple(sorted(conflicts, key=lambda c: (c.start, c.end)))


def _connected(a_count: int, pairs: list[tuple[int, int]]) -> list[tuple[list[int], list[int]]]:
    """Return the connected components of the conflict graph as (a indices, b indices)."""
    parent: dict[int, int] = {}

    def find(node: int) -> int:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]  # path halving keeps the trees flat
            node = parent[node]
        return node

    for i, j in pairs:  # b's indices are offset past a's so both fit in one forest
        parent[find(i)] = find(a_count + j)
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for node in sorted(parent):
        mine, theirs = groups.setdefault(find(node), ([], []))
        (mine if node < a_count else theirs).append(node if node < a_count else node - a_count)
    return list(groups.values())


def _region_text(base: str, start: int, end: int, side: list[Hunk]) -> str:
    """Return one side's version of base[start:end] (its hunks lie inside the region)."""
    shifted = [Hunk(h.start - start, h.end - start, h.text) for h in side]
    return apply_hunks(base[start:end], shifted)

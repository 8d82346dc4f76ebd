"""Diffs between saved revisions, computed once per process.

A diff of two texts never changes, so it is kept under the two texts' sha256 and DIFF_VERSION,
in the same kind of bounded cache as rendered Markdown (`bounded_cache`): a new revision has a
new hash and so a new key, and nothing ever needs invalidating. The views of a diff that cost
real work (the side-by-side rows, the folded inline pieces) are kept beside it under the same
hashes and the view's name. Everything here is language-neutral data; whoever may not read a
page is refused before anything is looked up, so a key never stands in for a permission.

A diff that ran out of time is coarser (still exact, see `diff`); it is kept like any other, so
a page does not flicker between two renderings of one change.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from govwiki.core.bounded_cache import BoundedCache, deep_size
from govwiki.core.diff import DEFAULT_TIMEOUT, DiffOp, diff_texts
from govwiki.core.diff_shape import pack_shape, unpack_shape
from govwiki.core.diff_views import diff_stats

#: part of every key: bump it whenever the diff or a view of it may change for the same texts
DIFF_VERSION = "1"
#: the key of the empty text (what a page had before its first revision)
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()

#: this process's diffs and their views; a diff of two 1 MB texts holds about 4 MB
_cache: BoundedCache = BoundedCache(max_entries=256, max_bytes=32 * 1024 * 1024)


@dataclass(frozen=True)
class Diff:
    """A diff with what readers count of it; shared through the cache, so read-only."""

    ops: tuple[DiffOp, ...]
    #: diff_views.diff_stats of the ops: words inserted and deleted, Latin and CJK apart
    stats: dict[str, int]


def diff_once(
    old_key: str, new_key: str, texts: Callable[[], tuple], *, timeout: float = DEFAULT_TIMEOUT
) -> Diff:
    """The diff of two texts named by their sha256; `texts` is called only when it is not cached.
    It gives the old and the new text and, when one was kept, the diff's shape as `shape_of`
    packed it when the new text was saved (used when it fits, else the texts are diffed)."""
    key = ("diff", DIFF_VERSION, old_key, new_key)
    return _cache.get_or_make(key, lambda: _diff(old_key, *texts(), timeout=timeout), _size_of_diff)


def shape_of(diff: Diff, old_key: str) -> bytes | None:
    """What to keep beside a revision of its diff from the text `old_key` (diff_shape.py)."""
    return pack_shape(diff.ops, old_key, DIFF_VERSION)


def view_once(old_key: str, new_key: str, view: Hashable, build: Callable[[], object]):
    """A view of the diff of two texts (a layout, say), built once: `view` names it in the key."""
    return _cache.get_or_make(("view", DIFF_VERSION, old_key, new_key, view), build)


def _diff(old_key: str, old: str, new: str, shape: bytes | None = None, *, timeout: float) -> Diff:
    ops = unpack_shape(shape, old_key, DIFF_VERSION, old, new) or tuple(diff_texts(old, new, timeout=timeout))
    return Diff(ops, diff_stats(ops))


def _size_of_diff(diff: Diff) -> int:
    """deep_size of a Diff, known from its shape (walking 10,000 pieces of a 1 MB diff is not
    free on the first view)."""
    pieces = sum(sys.getsizeof(piece.text) for piece in diff.ops)
    return pieces + _PER_PIECE * len(diff.ops) + deep_size(diff.stats) + 200


# a piece, its slot in the tuple and its op name (counted each time, as deep_size does)
_PER_PIECE = sys.getsizeof(DiffOp("equal", "")) + 8 + sys.getsizeof("insert")


def clear_diff_cache() -> None:
    """Empty the cache (tests, or after changing DIFF_VERSION at runtime)."""
    _cache.clear()

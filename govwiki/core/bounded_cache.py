"""A thread-safe least-recently-used cache bounded by entry count and by the bytes it holds.

Rendered Markdown and diffs between revisions are pure functions of texts that never change
once saved, so their results are kept under keys derived from the texts' sha256 (and the
version of the code that made them) and never need invalidating: a new revision has a new
hash, and so a new key. What remains is memory. Each gunicorn worker holds its own cache, so
the limit that matters is bytes, not entries: a diff of two 1 MB revisions weighs a thousand
times a diff of two paragraphs. Sizes are estimated with `deep_size` (CPython's object sizes,
walked through the plain shapes the cached values have), and least recently used entries leave
first.

Cached values are shared between requests and threads: treat them as read-only.
"""

from __future__ import annotations

import dataclasses
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class BoundedCache(Generic[Value]):
    """A thread-safe LRU bounded by entry count and by approximate bytes held.

    ``weigh`` tells a value's bytes (default: `deep_size`); a value larger than the whole
    budget is returned without being kept.
    """

    def __init__(self, max_entries: int, max_bytes: int, weigh: Callable[[Value], int] | None = None) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._weigh = weigh or deep_size
        self._items: OrderedDict[Hashable, tuple[Value, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Value | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: Hashable, value: Value, weigh: Callable[[Value], int] | None = None) -> Value:
        """Store ``value`` under ``key`` (replacing an older one) and return it.

        ``weigh`` tells this value's bytes when its kind has a quicker way than the cache's."""
        return self._store(key, value, (weigh or self._weigh)(value), replace=True)

    def get_or_make(
        self, key: Hashable, make: Callable[[], Value], weigh: Callable[[Value], int] | None = None
    ) -> Value:
        """The value under ``key``, made (outside the lock) and kept when missing. Of two
        threads that make it at once, the first to finish wins and both get its value, so a
        cached object is shared, never duplicated."""
        found = self.get(key)
        if found is not None:
            return found
        value = make()
        return self._store(key, value, (weigh or self._weigh)(value), replace=False)

    def _store(self, key: Hashable, value: Value, size: int, *, replace: bool) -> Value:
        with self._lock:
            old = self._items.get(key)
            if old is not None and not replace:
                return old[0]
            if old is not None:
                del self._items[key]
                self._bytes -= old[1]
            if size > self.max_bytes:
                return value
            self._items[key] = (value, size)
            self._bytes += size
            while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped
            return value

    def keys(self) -> list:
        """The keys held, least recently used first (for inspection)."""
        with self._lock:
            return list(self._items)

    @property
    def bytes_held(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


def deep_size(value: object) -> int:
    """Approximate bytes held by ``value`` and what it contains.

    Walks strings, numbers, lists, tuples, dicts and dataclasses (the shapes cached results
    have); strings and small ints that several entries share are counted in each, which errs
    on the side of holding less. The exact built-in types are told apart by one lookup and a
    dataclass's fields are read once per class: the layout of a 1 MB diff is some 100,000
    objects, weighed on its first view.
    """
    total, stack = 0, [value]
    size_of, push, push_all = sys.getsizeof, stack.append, stack.extend
    while stack:
        item = stack.pop()
        total += size_of(item)
        shape = _SHAPES.get(type(item))
        if shape is None:
            shape = _shape_of(type(item))
        if shape is _LEAF:
            continue
        if shape is _MAPPING:
            push_all(item.keys())
            push_all(item.values())
        elif shape is _SEQUENCE:
            push_all(item)
        else:
            for name in shape:
                push(getattr(item, name))
    return total


_LEAF, _MAPPING, _SEQUENCE = (), ("mapping",), ("sequence",)
#: how deep_size walks each type it has met: a leaf, a mapping, a sequence, or the names of a
#: dataclass's fields (a type of none of those shapes is a leaf: only its own size counts)
_SHAPES: dict[type, tuple] = {kind: _LEAF for kind in (str, bytes, int, float, bool, type(None))}


def _shape_of(kind: type) -> tuple:
    if issubclass(kind, (str, bytes, int, float)):
        shape = _LEAF
    elif issubclass(kind, dict):
        shape = _MAPPING
    elif issubclass(kind, (list, tuple, set, frozenset)):
        shape = _SEQUENCE
    elif dataclasses.is_dataclass(kind):
        shape = tuple(field.name for field in dataclasses.fields(kind))
    else:
        shape = _LEAF
    _SHAPES[kind] = shape
    return shape

"""A thread-safe least-recently-used cache bounded by entry count and by the bytes it holds.

Every cache of derived data in GovWiki (rendered revisions, finished page HTML) keeps values that
can be large and numerous: a count alone would let a few big pages take a worker's memory, so each
entry is weighed when it is stored and the oldest are dropped until both limits hold. A value
larger than the whole byte budget is returned without being kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class BoundedCache(Generic[V]):
    def __init__(self, max_entries: int, max_bytes: int, weigh: Callable[[V], int]) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._weigh = weigh
        self._items: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: Hashable, value: V) -> V:
        """Store ``value`` under ``key`` (replacing an older one) and return it."""
        size = self._weigh(value)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            if size > self.max_bytes:
                return value
            self._items[key] = (value, size)
            self._bytes += size
            while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped
            return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def keys(self) -> list:
        """The keys held, least recently used first (for inspection)."""
        with self._lock:
            return list(self._items)

    @property
    def bytes_held(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

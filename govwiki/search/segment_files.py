"""A segment's parts read in place from its memory map, instead of copied out of it.

whoosh writes each segment as one compound file and reads it through a memory map, but hands
every part of it that a reader opens (the terms, the postings, each column) to the reader as a
`BufferFile`, which copies the part into a `BytesIO`. Opening a segment therefore copied its
postings: each worker thread held a copy of the whole index besides the page cache's (a process
searching a 210 MB index took 528 MB, and 1,075 MB after three commits; 118 MB with views of
the map), and the first search after a commit that marked a deletion in the largest segment
reopened it by copying it again (~60 ms on 30,000 documents, ~250 ms on 110,000). Here a part is
a view of the map: a read copies the bytes it asks for and nothing else, and the map's pages are
the operating system's, shared by every process. whoosh-reloaded 2.7.5 makes the copy in
`whoosh.filedb.compound`; `install` gives that module this class in its place.
"""

from __future__ import annotations

import os

from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile


class MappedPart(BufferFile):
    """whoosh's `BufferFile` (reads at a position: `get`, `get_int`, ...) whose sequential reads
    come from the same view instead of a copy."""

    def __init__(self, buf, name=None, onclose=None):
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = ViewReader(buf)


class ViewReader:
    """The reading half of a binary file over a buffer (a memoryview), as `BytesIO` reads one:
    what pickle and whoosh's sequential reads ask of a file."""

    def __init__(self, buf):
        self._view = memoryview(buf)
        self._position = 0

    def read(self, size: int | None = -1) -> bytes:
        start = min(self._position, len(self._view))
        end = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        self._position = max(self._position, end)
        return bytes(self._view[start:end])

    def readinto(self, target) -> int:
        target = memoryview(target).cast("B")
        chunk = self.read(len(target))
        target[: len(chunk)] = chunk
        return len(chunk)

    def readline(self, size: int | None = -1) -> bytes:
        start = min(self._position, len(self._view))
        limit = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        # search a bounded window at a time, so that a long line never copies the rest of the part
        end, window = start, 4096
        while end < limit:
            found = bytes(self._view[end : min(end + window, limit)]).find(b"\n")
            if found >= 0:
                end += found + 1
                break
            end = min(end + window, limit)
        self._position = max(self._position, end)
        return bytes(self._view[start:end])

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: len(self._view)}[whence]
        if base + offset < 0:
            raise ValueError(f"negative seek position {base + offset}")
        self._position = base + offset
        return self._position

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        # the map itself is whoosh's to close, once no view of it is left
        self._view.release()


def install() -> None:
    """Make whoosh's compound segments hand out views of their map (idempotent)."""
    compound.BufferFile = MappedPart

"""Segments read from their memory map: a part of a compound segment reads as a file would, and
opening a segment copies none of it (whoosh's own BufferFile copied every part it opened)."""

from __future__ import annotations

import io
import os
import tracemalloc
from datetime import datetime, timezone

from hypothesis import given
from hypothesis import strategies as st

from govwiki.search.index import Document, SearchIndex, SearchRequest
from govwiki.search.segment_files import ViewReader

_STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("read"), st.integers(-1, 40)),
        st.tuples(st.just("readline"), st.integers(-1, 40)),
        st.tuples(st.just("readinto"), st.integers(0, 40)),
        st.tuples(st.just("seek"), st.integers(0, 80), st.sampled_from([os.SEEK_SET, os.SEEK_CUR])),
        st.tuples(st.just("seek"), st.integers(-30, 10), st.just(os.SEEK_END)),
        st.tuples(st.just("tell")),
    ),
    max_size=30,
)


def _step(file, step):
    name, *arguments = step
    if name == "readinto":
        target = bytearray(arguments[0])
        return file.readinto(target), bytes(target)
    try:
        return getattr(file, name)(*arguments)
    except ValueError as error:
        return type(error)


@given(st.binary(max_size=60).map(lambda data: data.replace(b"x", b"\n")), _STEPS)
def test_a_view_reads_as_a_bytes_file_reads(data, steps):
    expected, actual = io.BytesIO(data), ViewReader(memoryview(data))
    for step in steps:
        if step[0] == "seek" and step[2] == os.SEEK_END and len(data) + step[1] < 0:
            continue  # BytesIO and a file disagree here; whoosh never seeks before the start
        assert _step(actual, step) == _step(expected, step), step


def test_a_line_longer_than_the_search_window_is_read_whole():
    data = b"a" * 10_000 + b"\nrest"
    reader = ViewReader(memoryview(data))
    assert reader.readline() == b"a" * 10_000 + b"\n"
    assert reader.read() == b"rest"


def _page(number: int, title: str, body: str) -> Document:
    return Document(
        key=f"page:{number}",
        kind="page",
        title=title,
        body=body,
        consultation=1,
        status="open",
        author="ann",
        updated=datetime(2026, 1, 1, tzinfo=timezone.utc),
        slug=f"page-{number}",
    )


def test_opening_a_segment_copies_none_of_it(tmp_path):
    """The first search after a commit that deletes a document in the large segment opens that
    segment again: it allocates a small share of the segment's size, not a copy of it."""
    index = SearchIndex(str(tmp_path))
    index.create()
    words = [f"word{number}" for number in range(3_000)]

    def body(number: int) -> str:
        return " ".join(words[(number * 7 + step * 13) % len(words)] for step in range(300))

    index.write([_page(number, f"Page {number}", body(number)) for number in range(1_500)])
    readable = frozenset({1})
    assert index.search(SearchRequest(text="word5", readable=readable)).total > 0
    segment = max(os.path.getsize(tmp_path / name) for name in os.listdir(tmp_path) if name.endswith(".seg"))
    index.write([_page(1, "Changed", "word5 again")])
    tracemalloc.start()
    try:
        assert index.search(SearchRequest(text="Changed", readable=readable)).total == 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert segment > 1_000_000
    assert peak < segment / 10

"""The caches of derived data hold at most so many entries and so many bytes, and the bytes they
count are the bytes they hold."""

from __future__ import annotations

import collections
import dataclasses
import pickle
import sys
import tracemalloc

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from govwiki.core.bounded_cache import BoundedCache, deep_size
from govwiki.core.diff import diff_texts
from govwiki.core.markdown import Rendered, render_markdown


def test_it_evicts_the_least_recently_used_entry():
    cache = BoundedCache(max_entries=2, max_bytes=10**9)
    a, b, c = (Rendered(html=x, toc=[]) for x in "abc")
    cache.put("a", a), cache.put("b", b)
    cache.get("a")
    cache.put("c", c)
    assert cache.get("b") is None and cache.get("a") is a and cache.get("c") is c


def test_it_stays_under_its_byte_limit():
    cache = BoundedCache(max_entries=100, max_bytes=10_000)
    for i in range(20):
        cache.put(str(i), Rendered(html="x" * 3_000, toc=[]))
    assert cache.bytes_held <= 10_000 and len(cache) == 3


def test_it_does_not_keep_an_entry_larger_than_its_limit():
    cache = BoundedCache(max_entries=100, max_bytes=1_000)
    cache.put("big", Rendered(html="x" * 5_000, toc=[]))
    assert cache.get("big") is None and cache.bytes_held == 0


def test_get_or_make_makes_a_missing_value_once():
    cache, calls = BoundedCache(max_entries=10, max_bytes=10**6), []

    def make():
        calls.append(1)
        return ("value",)

    first, second = cache.get_or_make(("k", 1), make), cache.get_or_make(("k", 1), make)
    assert first is second and calls == [1]


def test_get_or_make_keeps_what_another_thread_stored_while_it_was_making():
    cache = BoundedCache(max_entries=10, max_bytes=10**6)

    def make():
        cache.put("k", ["stored meanwhile"])
        return ["made"]

    assert cache.get_or_make("k", make) == ["stored meanwhile"] and cache.get("k") == ["stored meanwhile"]


# --- with a weigh function of the caller's (as the page caches use it) ---------------------


def _cache(entries=10, size=100):
    return BoundedCache(entries, size, len)


def test_the_least_recently_used_entry_goes_first_when_the_bytes_run_out():
    cache = _cache(size=10)
    cache.put("a", "aaaa")
    cache.put("b", "bbbb")
    assert cache.get("a") == "aaaa"  # now b is the oldest
    cache.put("c", "cccc")
    assert cache.get("b") is None and cache.get("a") == "aaaa" and cache.get("c") == "cccc"
    assert cache.bytes_held == 8


def test_the_entry_count_is_bounded_too():
    cache = _cache(entries=2)
    for key in "abc":
        cache.put(key, key)
    assert cache.keys() == ["b", "c"]


def test_a_value_larger_than_the_budget_is_returned_but_not_kept():
    cache = _cache(size=3)
    assert cache.put("big", "four") == "four"
    assert cache.get("big") is None and len(cache) == 0 and cache.bytes_held == 0


def test_replacing_an_entry_counts_its_bytes_once():
    cache = _cache(size=10)
    cache.put("a", "aaaa")
    cache.put("a", "aaaaaa")
    assert cache.bytes_held == 6 and cache.get("a") == "aaaaaa"


def test_clear_empties_it():
    cache = BoundedCache(max_entries=10, max_bytes=10**6)
    cache.put("k", "v")
    cache.clear()
    assert cache.get("k") is None and cache.bytes_held == 0 and len(cache) == 0


def _allocated(value) -> tuple[object, int]:
    """A fresh copy of `value` (new strings too) and the bytes Python allocated for it."""
    dumped = pickle.dumps(value)
    tracemalloc.start()
    try:
        copied = pickle.loads(dumped)
        return copied, tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()


def test_the_size_of_a_diff_is_what_it_really_holds():
    # The byte limit is only as good as the estimate: a diff of two long texts, measured
    # against what Python actually allocated for it, within a factor of two either way.
    old = "".join(f"Article {i}: the council shall decide within {i} days.\n" for i in range(2_000))
    new = old.replace("council", "committee", 300).replace("days", "weeks", 500)
    ops = diff_texts(old, new, timeout=5)
    copied, allocated = _allocated(ops)
    assert allocated / 2 <= deep_size(copied) <= allocated * 2


def test_the_size_of_rendered_markdown_is_what_it_really_holds():
    source = "".join(
        f"## Heading {i}\n\nParagraph {i} with *emphasis* and 中文 text.\n\n" for i in range(500)
    )
    rendered, allocated = _allocated(render_markdown(source))
    assert allocated / 2 <= deep_size(rendered) <= allocated * 2


@dataclasses.dataclass(frozen=True)
class _Piece:
    op: str
    text: object


class _Mapping(collections.OrderedDict):
    pass


def _walked(value) -> int:
    """deep_size as it is defined: every object's own size, through what it contains."""
    total = sys.getsizeof(value)
    if isinstance(value, (str, bytes, int, float)) or value is None:
        return total
    if isinstance(value, dict):
        return total + sum(_walked(key) + _walked(item) for key, item in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return total + sum(_walked(item) for item in value)
    if dataclasses.is_dataclass(value):
        return total + sum(_walked(getattr(value, field.name)) for field in dataclasses.fields(value))
    return total


_SHAPES = st.recursive(
    st.one_of(st.text(max_size=20), st.integers(), st.floats(allow_nan=False), st.none(), st.booleans()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(st.text(max_size=5), inner, max_size=4),
        st.dictionaries(st.text(max_size=5), inner, max_size=4).map(_Mapping),
        st.builds(_Piece, st.sampled_from(["equal", "insert"]), inner),
        st.text(max_size=10).map(Markup),
    ),
    max_leaves=30,
)


@given(_SHAPES)
def test_the_size_of_any_cached_shape_is_every_object_it_holds(value):
    """Built-in types, their subclasses and dataclasses are each walked as the definition says
    (the fast path by exact type and the fields kept per class change nothing)."""
    assert deep_size(value) == _walked(value)

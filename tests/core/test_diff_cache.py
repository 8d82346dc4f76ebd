"""Diffs kept once per process, and the word counts a save derives from its diff."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from govwiki.core import diff_cache, diff_views
from govwiki.core.bounded_cache import deep_size
from govwiki.core.diff import DiffOp, diff_texts
from govwiki.core.diff_views import count_words, word_delta
from tests.core.test_diff import revisions


@pytest.fixture(autouse=True)
def _empty_cache():
    diff_cache.clear_diff_cache()
    yield
    diff_cache.clear_diff_cache()


def _texts(old, new, calls):
    def read():
        calls.append(1)
        return old, new

    return read


def test_a_diff_is_made_once_and_its_texts_read_once():
    calls = []
    first = diff_cache.diff_once("sha-a", "sha-b", _texts("one two", "one three", calls))
    second = diff_cache.diff_once("sha-a", "sha-b", _texts("one two", "one three", calls))
    assert first is second and calls == [1]
    assert first.stats["inserted"] == first.stats["deleted"] == 1


def test_the_two_directions_are_two_diffs():
    forward = diff_cache.diff_once("a", "b", lambda: ("x", "x y"))
    backward = diff_cache.diff_once("b", "a", lambda: ("x y", "x"))
    assert (forward.stats["inserted"], backward.stats["deleted"]) == (1, 1)
    assert forward.ops != backward.ops


def test_the_key_holds_the_diff_version(monkeypatch):
    first = diff_cache.diff_once("a", "b", lambda: ("x", "y"))
    monkeypatch.setattr(diff_cache, "DIFF_VERSION", diff_cache.DIFF_VERSION + "-next")
    assert diff_cache.diff_once("a", "b", lambda: ("x", "y")) is not first


def test_the_size_a_diff_is_counted_at_is_its_deep_size():
    old = "".join(f"Clause {i}: the fee is {i} yuan.\n" for i in range(300))
    found = diff_cache.diff_once("a", "b", lambda: (old, old.replace("fee", "charge", 40)))
    assert 0.8 <= diff_cache._size_of_diff(found) / deep_size(found) <= 1.25


def test_views_are_kept_apart_by_name_and_from_the_diff():
    made = []
    inline = diff_cache.view_once("a", "b", ("inline", False), lambda: made.append("inline") or ["i"])
    side = diff_cache.view_once("a", "b", ("side", False), lambda: made.append("side") or ["s"])
    again = diff_cache.view_once("a", "b", ("inline", False), lambda: made.append("again") or ["x"])
    assert (inline, side, again, made) == (["i"], ["s"], ["i"], ["inline", "side"])


@settings(max_examples=300, deadline=None)
@given(revisions())
def test_the_word_delta_of_a_diff_is_the_difference_of_the_counts(pair):
    old, new = pair
    assert count_words(old) + word_delta(diff_texts(old, new)) == count_words(new)


def test_the_word_delta_holds_for_a_diff_that_splits_words():
    # a character-level diff (the fallback for huge blocks) cuts inside words and lines
    ops = [DiffOp("equal", "Stall"), DiffOp("insert", "s, kiosks"), DiffOp("equal", " close.\nFees")]
    assert word_delta(ops) == count_words("Stalls, kiosks close.\nFees") - count_words("Stall close.\nFees")


def test_the_word_delta_counts_only_the_lines_a_change_touches(monkeypatch):
    counted = []
    monkeypatch.setattr(diff_views, "count_words", lambda text: counted.append(text) or count_words(text))
    old = "".join(f"Line {i} of a long text.\n" for i in range(5_000))
    new = old.replace("Line 2500 of", "Line 2500, amended, of")
    assert word_delta(diff_texts(old, new)) == 1
    assert sum(len(text) for text in counted) < 100

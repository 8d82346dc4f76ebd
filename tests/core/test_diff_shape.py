"""A diff kept as its shape beside the revision it leads to, and rebuilt only where it fits."""

from __future__ import annotations

import hashlib
import zlib

import pytest
from hypothesis import given

from govwiki.core import diff_cache
from govwiki.core.diff import diff_texts
from govwiki.core.diff_shape import pack_shape, unpack_shape
from tests.core.test_diff import examples, revisions

OLD = "Article 1. Stalls open at six.\n\nArticle 2. Fees are low.\n"
NEW = OLD.replace("six", "seven").replace("low", "fair and low")


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@examples
@given(revisions())
def test_a_shape_rebuilds_the_diff_it_was_packed_from(pair):
    old, new = pair
    ops = tuple(diff_texts(old, new))
    assert unpack_shape(pack_shape(ops, sha(old), "1"), sha(old), "1", old, new) == ops


@pytest.fixture
def packed():
    return pack_shape(diff_texts(OLD, NEW), sha(OLD), "1")


def test_a_shape_from_another_old_text_is_refused(packed):
    other = OLD.replace("six", "two")  # as long as the old text: only its hash tells them apart
    assert unpack_shape(packed, sha(other), "1", other, NEW) is None


def test_a_shape_of_another_diff_version_is_refused(packed):
    assert unpack_shape(packed, sha(OLD), "2", OLD, NEW) is None


@pytest.mark.parametrize(
    "new",
    [NEW + "more", NEW[:-3], NEW.replace("Article 2", "Article 3")],
    ids=["longer", "shorter", "same length, other unchanged text"],
)
def test_a_shape_that_does_not_fit_the_new_text_is_refused(packed, new):
    assert unpack_shape(packed, sha(OLD), "1", OLD, new) is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p[:-4],
        lambda p: p + b"\0",
        lambda p: p[:70] + zlib.compress(b"\xff\xff\xff\xff"),
        lambda p: b"",
    ],
    ids=["cut", "one byte more", "an unknown kind", "empty"],
)
def test_a_damaged_shape_is_refused(packed, damage):
    assert unpack_shape(damage(packed), sha(OLD), "1", OLD, NEW) is None


def test_a_diff_is_rebuilt_from_its_kept_shape_without_diffing(monkeypatch, packed):
    diff_cache.clear_diff_cache()
    monkeypatch.setattr(diff_cache, "diff_texts", lambda *a, **k: pytest.fail("diffed again"))
    found = diff_cache.diff_once(sha(OLD), sha(NEW), lambda: (OLD, NEW, packed))
    assert found.ops == tuple(diff_texts(OLD, NEW)) and found.stats["inserted"] == 3
    diff_cache.clear_diff_cache()


def test_a_kept_shape_that_does_not_fit_is_diffed_afresh():
    diff_cache.clear_diff_cache()
    other = OLD.replace("six", "two")
    wrong = pack_shape(diff_texts(other, NEW), sha(other), "1")
    found = diff_cache.diff_once(sha(OLD), sha(NEW), lambda: (OLD, NEW, wrong))
    assert found.ops == tuple(diff_texts(OLD, NEW))
    diff_cache.clear_diff_cache()

"""Slugs: ASCII, hyphenated, bounded, and made unique by numbering."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govwiki.core.slugs import SLUG_MAX, is_valid_slug, slugify, unique_slug


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Budget 2026", "budget-2026"),
        ("  Parks & Recreation!  ", "parks-recreation"),
        ("Crème brûlée café", "creme-brulee-cafe"),
        ("Straße", "strasse"),
        ("Øresund Bridge", "oresund-bridge"),
        ("Don't panic", "dont-panic"),
        ("a---b___c", "a-b-c"),
        ("UPPER lower", "upper-lower"),
        ("2026年预算 Budget", "2026-budget"),
    ],
)
def test_slugify_makes_lowercase_ascii_hyphenated_slugs(title, slug):
    assert slugify(title) == slug


@pytest.mark.parametrize("title", ["便民菜站", "社区意见征集", "!!!", "", "   ", "🙂"])
def test_slugify_returns_empty_when_nothing_ascii_remains(title):
    assert slugify(title) == ""


def test_slugify_cuts_at_max_length_without_a_trailing_hyphen():
    assert slugify("abcd efgh", max_length=5) == "abcd"


def test_slugify_respects_the_default_max_length():
    assert len(slugify("word " * 50)) <= 60


@settings(max_examples=300, database=None)
@given(st.text(max_size=200))
def test_slugify_output_is_empty_or_valid(title):
    slug = slugify(title)
    assert slug == "" or is_valid_slug(slug)


@pytest.mark.parametrize("value", ["a", "budget-2026", "x" * SLUG_MAX, "a1-b2-c3"])
def test_is_valid_slug_accepts_well_formed_slugs(value):
    assert is_valid_slug(value)


@pytest.mark.parametrize(
    "value", ["", "-a", "a-", "a--b", "A", "a b", "a_b", "é", "x" * (SLUG_MAX + 1), None, 42, "a\n"]
)
def test_is_valid_slug_rejects_anything_else(value):
    assert not is_valid_slug(value)


def test_unique_slug_returns_the_base_when_free():
    assert unique_slug("budget", lambda s: False) == "budget"


def test_unique_slug_uses_the_fallback_for_an_empty_base():
    assert unique_slug("", lambda s: False, fallback="consultation") == "consultation"


def test_unique_slug_numbers_from_two_until_free():
    taken = {"budget", "budget-2", "budget-3"}
    assert unique_slug("budget", taken.__contains__) == "budget-4"


def test_unique_slug_numbers_the_fallback_too():
    assert unique_slug("", {"page"}.__contains__) == "page-2"


def test_unique_slug_stays_within_the_maximum_length():
    base = "a" * SLUG_MAX
    slug = unique_slug(base, {base}.__contains__)
    assert slug == "a" * (SLUG_MAX - 2) + "-2" and is_valid_slug(slug)


def test_unique_slug_rejects_an_invalid_base():
    with pytest.raises(ValueError):
        unique_slug("Not A Slug", lambda s: False)


def test_unique_slug_gives_up_when_everything_is_taken():
    with pytest.raises(RuntimeError):
        unique_slug("page", lambda s: True)

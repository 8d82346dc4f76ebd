"""Text checks: what may be stored in a body, and what may be shown as a name or title."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govwiki.core.text import clean_text, display_problems, text_problems


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\r\r\nb", "a\n\nb"),
        ("a\n\rb", "a\n\nb"),
        ("no endings", "no endings"),
        ("\r\n\r\n", "\n\n"),
    ],
)
def test_clean_text_normalises_line_endings(raw, clean):
    assert clean_text(raw) == clean


@settings(max_examples=300, database=None)
@given(st.text(alphabet="ab\r\n", max_size=50))
def test_clean_text_leaves_no_carriage_return_and_is_idempotent(raw):
    clean = clean_text(raw)
    assert "\r" not in clean and clean_text(clean) == clean


@pytest.mark.parametrize(
    "text",
    [
        "",
        "line one\nline two\ttabbed",
        "windows\r\nline endings",
        "社区意见征集 🙂",
        "שלום\u202eRTL override",  # bidi controls are legitimate in bodies
        "zero\u200bwidth\u200d joiner \ufeff",
        "\u00e9 combining e\u0301",
    ],
)
def test_text_problems_accepts_ordinary_text(text):
    assert text_problems(text) is None


def test_text_problems_reports_nul():
    assert "NUL" in text_problems("abc\x00def")


@pytest.mark.parametrize("char", ["\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f"])
def test_text_problems_reports_control_characters(char):
    assert "control character" in text_problems(f"a{char}b")


@pytest.mark.parametrize("char", ["\ud800", "\udbff", "\udc00", "\udfff"])
def test_text_problems_reports_lone_surrogates(char):
    assert "surrogate" in text_problems(f"a{char}b")


def test_text_problems_says_where_the_problem_is():
    assert text_problems("ok\nfine\nbad\x00here").endswith("at line 3, column 4")


@pytest.mark.parametrize("name", ["Alice", "李小龙", "O'Brien-Smith", "محمد", "Zoë 🙂"])
def test_display_problems_accepts_ordinary_names(name):
    assert display_problems(name) is None


@pytest.mark.parametrize("char", [*"\u202a\u202b\u202c\u202d\u202e", *"\u2066\u2067\u2068\u2069"])
def test_display_problems_rejects_bidi_overrides_and_isolates(char):
    assert "direction" in display_problems(f"admin{char}nimda")


@pytest.mark.parametrize("char", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_display_problems_rejects_zero_width_characters(char):
    assert "invisible" in display_problems(f"ad{char}min")


@pytest.mark.parametrize("char", ["\n", "\t", "\x00", "\x85", "\u2028"])
def test_display_problems_rejects_line_breaks_and_controls(char):
    assert display_problems(f"a{char}b") is not None

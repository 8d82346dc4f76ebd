"""Readable diffs: words for Latin text, characters for CJK, always rebuilding both texts."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govwiki.core import diff, diff_codec
from govwiki.core.diff import DiffOp, diff_texts
from govwiki.core.diff_views import diff_stats, side_by_side

PIECES = (
    "the",
    "fee",
    "shall",
    "30",
    "days",
    "notice",
    "the",
    "fee",  # repeated on purpose
    "中",
    "华",
    "人民",
    "政府",
    "。",
    "，",
    "カナ",
    "한국",
    " ",
    " ",
    "  ",
    "\n",
    "\n\n",
    ".",
    ",",
    ";",
    "(",
    ")",
    "é",
    "Ａ",
    "\t",
)
pieces = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
texts = st.one_of(pieces, st.text(max_size=60))


@st.composite
def revisions(draw):
    """An old text and a new one: an edited copy of it, or an unrelated text."""
    old = new = draw(texts)
    if draw(st.booleans()):
        return old, draw(texts)
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.integers(0, len(new)))
        end = draw(st.integers(start, min(len(new), start + 12)))
        new = new[:start] + draw(pieces) + new[end:]
    return old, new


def old_of(ops):
    return "".join(o.text for o in ops if o.op != "insert")


def new_of(ops):
    return "".join(o.text for o in ops if o.op != "delete")


def boundaries(ops, side):
    """Positions in one side's text where one diff piece ends and the next begins."""
    position, cuts = 0, []
    for piece in ops:
        if piece.op != side:
            position += len(piece.text)
            cuts.append(position)
    return cuts[:-1]


def is_ascii_word_char(char):
    return char.isascii() and char.isalnum()


examples = settings(max_examples=200, deadline=None)


@examples
@given(revisions())
def test_pieces_rebuild_both_texts(pair):
    old, new = pair
    ops = diff_texts(old, new)
    assert (old_of(ops), new_of(ops)) == (old, new)


@examples
@given(revisions())
def test_pieces_are_never_empty_and_never_repeat_their_kind(pair):
    ops = diff_texts(*pair)
    assert all(piece.text for piece in ops)
    assert all(a.op != b.op for a, b in zip(ops, ops[1:]))


@examples
@given(revisions())
def test_changes_never_split_a_latin_word(pair):
    old, new = pair
    ops = diff_texts(old, new)
    for text, side in ((old, "insert"), (new, "delete")):
        for cut in boundaries(ops, side):
            assert not (is_ascii_word_char(text[cut - 1]) and is_ascii_word_char(text[cut]))


@examples
@given(revisions(), st.integers(1, 4))
def test_running_out_of_stand_in_characters_still_rebuilds_both_texts(pair, capacity):
    old, new = pair
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(diff_codec, "_CAPACITY", capacity)
        ops = diff_texts(old, new)
    assert (old_of(ops), new_of(ops)) == (old, new)


@examples
@given(revisions(), st.integers(0, 30), st.integers(1, 4), st.integers(10, 200))
def test_sentence_tier_rewrite_shortcut_and_character_diff_rebuild_both_texts(
    pair, long_block, small_block, huge_block
):
    # Small texts never reach these paths at the real thresholds, so lower them.
    old, new = pair
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(diff, "_LONG_BLOCK", long_block)
        patch.setattr(diff, "_SMALL_BLOCK", small_block)
        patch.setattr(diff, "_HUGE_BLOCK", huge_block)
        ops = diff_texts(old, new)
    assert (old_of(ops), new_of(ops)) == (old, new)


def test_a_changed_number_is_one_word():
    ops = diff_texts("Reply within 30 days.", "Reply within 45 days.")
    assert ops == [
        DiffOp("equal", "Reply within "),
        DiffOp("delete", "30"),
        DiffOp("insert", "45"),
        DiffOp("equal", " days."),
    ]


def test_a_changed_chinese_character_is_one_character():
    ops = diff_texts("申请期限为三十日。", "申请期限为六十日。")
    assert ops == [
        DiffOp("equal", "申请期限为"),
        DiffOp("delete", "三"),
        DiffOp("insert", "六"),
        DiffOp("equal", "十日。"),
    ]


def test_a_changed_word_in_a_long_line_is_found_word_by_word():
    rng = random.Random(3)
    words = ["permit", "fee", "shall", "notice", "council"]
    old = " ".join(rng.choice(words) + "." for _ in range(3000))
    cut = old.index(" ", 9000)
    new = old[:cut] + " amended" + old[cut:]
    changes = [p for p in diff_texts(old, new, timeout=5) if p.op != "equal"]
    assert [(p.op, p.text.strip()) for p in changes] == [("insert", "amended")]


def test_a_rewritten_paragraph_is_one_deletion_and_one_insertion():
    old = "Intro.\n\nThe council shall publish the notice within thirty days of receipt.\n\nEnd.\n"
    new = "Intro.\n\nApplicants may appeal to a tribunal against any decision.\n\nEnd.\n"
    assert [p.op for p in diff_texts(old, new)] == ["equal", "delete", "insert", "equal"]


def test_a_word_a_rewritten_paragraph_keeps_is_shown_kept():
    # Whole unchanged words are never folded into a change (once, this "the" was).
    old = "Intro.\n\nThe council shall publish the notice within thirty days of receipt.\n\nEnd.\n"
    new = "Intro.\n\nApplicants may appeal to the tribunal against any decision.\n\nEnd.\n"
    assert [p.text for p in diff_texts(old, new) if p.op == "equal"] == ["Intro.\n\n", " the ", ".\n\nEnd.\n"]


def test_identical_texts_are_one_equal_piece():
    assert diff_texts("same\n", "same\n") == [DiffOp("equal", "same\n")]


def test_two_empty_texts_have_no_pieces():
    assert diff_texts("", "") == []


@pytest.mark.parametrize("timeout", [0, -1])
def test_an_unbounded_diff_is_refused(timeout):
    with pytest.raises(ValueError):
        diff_texts("a", "b", timeout=timeout)


def test_a_timed_out_diff_of_large_texts_still_rebuilds_both():
    rng = random.Random(5)
    words = ["the", "permit", "shall", "中", "文", "。", "\n\n", "fee", "30"]
    old = " ".join(rng.choice(words) for _ in range(50_000))  # ~200 KB
    new = "".join(rng.choice(words) if rng.random() < 0.2 else ch for ch in old)
    ops = diff_texts(old, new, timeout=0.001)
    assert (old_of(ops), new_of(ops)) == (old, new)


def test_diff_op_serialises_to_a_dict():
    assert DiffOp("insert", "45").to_dict() == {"op": "insert", "text": "45"}


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("Reply within 30 days.", "Reply within 45 business days.", {"inserted": 2, "deleted": 1}),
        ("申请期限为三十日。", "申请期限为三十个工作日。", {"inserted": 3, "deleted": 0}),
        ("Fee: 10.", "Fee: 10.", {"inserted": 0, "deleted": 0}),
        ("a, b", "a; b", {"inserted": 0, "deleted": 0}),  # punctuation is not a word
    ],
)
def test_stats_count_latin_words_and_cjk_characters(old, new, expected):
    stats = diff_stats(diff_texts(old, new))
    assert {key: stats[key] for key in expected} == expected


def test_stats_count_latin_words_and_cjk_characters_apart_too():
    stats = diff_stats(
        diff_texts("申请期限为三十日。Fee: 30 days.", "申请期限为三十个工作日。Fee: 45 business days.")
    )
    assert stats == {
        "inserted": 5,
        "deleted": 1,
        "inserted_words": 2,
        "deleted_words": 1,
        "inserted_characters": 3,
        "deleted_characters": 0,
    }


@examples
@given(revisions())
def test_side_by_side_rows_rebuild_both_texts(pair):
    old, new = pair
    rows = side_by_side(diff_texts(old, new))
    assert "".join(p.text for row in rows if row["left"] for p in row["left"]) == old
    assert "".join(p.text for row in rows if row["right"] for p in row["right"]) == new


@examples
@given(revisions())
def test_side_by_side_rows_hold_one_line_per_side(pair):
    for row in side_by_side(diff_texts(*pair)):
        for side in (row["left"], row["right"]):
            if side is not None:
                text = "".join(p.text for p in side)
                assert text and "\n" not in text[:-1]


@examples
@given(revisions())
def test_side_by_side_left_is_old_pieces_and_right_is_new_pieces(pair):
    for row in side_by_side(diff_texts(*pair)):
        assert all(p.op != "insert" for p in row["left"] or [])
        assert all(p.op != "delete" for p in row["right"] or [])


def test_side_by_side_pairs_unchanged_lines_and_marks_changed_ones():
    rows = side_by_side(diff_texts("a\nb\nc\n", "a\nB\nc\nd"))
    assert [(r["changed"], r["left"] is None, r["right"] is None) for r in rows] == [
        (False, False, False),
        (True, False, False),
        (False, False, False),
        (True, True, False),
    ]


def test_side_by_side_gives_a_deleted_line_no_right_side():
    rows = side_by_side(diff_texts("keep\ngone\nkeep too\n", "keep\nkeep too\n"))
    assert [(r["left"] is None, r["right"] is None) for r in rows] == [
        (False, False),
        (False, True),
        (False, False),
    ]

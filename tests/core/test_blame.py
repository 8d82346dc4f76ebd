"""Blame carried across revisions: kept text keeps its revision, new text gets the new one."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govwiki.core.blame import (
    blame_spans,
    carry_blame,
    carry_packed,
    initial_blame,
    pack_blame,
    repack_blame,
    unpack_blame,
)
from govwiki.core.diff import DiffOp, diff_texts

WORDS = ("the", "fee", "shall", "30", "days", "中", "华", "政府", "。", ",", "\n", "\n\n", " ", " ")
texts = st.lists(st.sampled_from(WORDS), max_size=40).map("".join)
examples = settings(max_examples=150, deadline=None)


def alphabet(revision):
    """Letters only revision `revision` ever writes: Latin Extended and CJK, 20 of each."""
    return [chr(0x100 + 20 * revision + k) for k in range(20)] + [
        chr(0x4E00 + 20 * revision + k) for k in range(20)
    ]


def written_in(char):
    """The revision whose alphabet a character comes from (None for shared separators)."""
    code = ord(char)
    if 0x100 <= code < 0x100 + 20 * 12:
        return (code - 0x100) // 20
    if 0x4E00 <= code < 0x4E00 + 20 * 12:
        return (code - 0x4E00) // 20
    return None


@st.composite
def new_words(draw, revision):
    letters = st.sampled_from(alphabet(revision))
    word = st.lists(letters, min_size=1, max_size=4).map("".join)
    separator = st.sampled_from((" ", " ", "\n", "\n\n", ", "))
    return "".join(w + draw(separator) for w in draw(st.lists(word, min_size=1, max_size=4)))


@st.composite
def histories(draw):
    """A header that is never touched, then a body edited by revisions 1..n with new letters."""
    header = "".join(draw(st.lists(st.sampled_from(alphabet(0)), min_size=30, max_size=40)))
    texts = [header + "\n\n" + draw(new_words(0))]
    for revision in range(1, draw(st.integers(1, 10)) + 1):
        text = texts[-1]
        for _ in range(draw(st.integers(1, 3))):
            start = draw(st.integers(len(header) + 2, len(text)))
            end = draw(st.integers(start, min(len(text), start + 15)))
            text = text[:start] + draw(st.one_of(st.just(""), new_words(revision))) + text[end:]
        texts.append(text)
    return len(header), texts


def blame_history(texts):
    spans = initial_blame(texts[0], 0)
    for revision, (old, new) in enumerate(zip(texts, texts[1:]), start=1):
        spans = carry_blame(spans, diff_texts(old, new), revision)
    return spans


def test_a_first_revision_is_all_its_own():
    assert initial_blame("Fees apply.", 1) == [(11, 1)]


def test_an_empty_first_revision_has_no_spans():
    assert initial_blame("", 1) == []


def test_kept_text_keeps_its_revision_and_new_text_gets_the_new_one():
    old, new = "Reply within 30 days.", "Reply within 45 days."
    spans = carry_blame(initial_blame(old, 1), diff_texts(old, new), 2)
    assert blame_spans(new, spans) == [("Reply within ", 1), ("45", 2), (" days.", 1)]


def test_deleted_text_leaves_only_a_mark_of_who_joined_the_text_around_it():
    old, new = "Reply within 30 working days.", "Reply within 30 days."
    spans = carry_blame(initial_blame(old, 1), diff_texts(old, new), 2)
    assert spans == [(16, 1), (0, 2), (5, 1)]
    assert blame_spans(new, spans) == [("Reply within 30 ", 1), ("days.", 1)]


def test_text_deleted_at_either_end_joins_nothing():
    for old, new in (
        ("Draft: reply within 30 days.", "reply within 30 days."),
        ("Reply soon. Or not.", "Reply soon."),
    ):
        assert carry_blame(initial_blame(old, 1), diff_texts(old, new), 2) == [(len(new), 1)]


def test_text_put_back_is_joined_again_by_the_revision_that_removed_what_stood_between():
    texts = ["Reply within 30 days.", "Reply within 30 calendar days.", "Reply within 30 days."]
    assert blame_history(texts) == [(16, 0), (0, 2), (5, 0)]


def test_carry_blame_refuses_a_diff_longer_than_the_old_text():
    with pytest.raises(ValueError):
        carry_blame([(3, 1)], [DiffOp("equal", "abcd")], 2)


def test_carry_blame_refuses_a_diff_shorter_than_the_old_text():
    with pytest.raises(ValueError):
        carry_blame([(5, 1)], [DiffOp("equal", "abcd")], 2)


def test_blame_spans_refuses_spans_that_do_not_cover_the_text():
    with pytest.raises(ValueError):
        blame_spans("abc", [(2, 1)])


@examples
@given(texts, texts)
def test_spans_cover_the_new_text_in_coalesced_runs_empty_only_where_text_went(old, new):
    ops = diff_texts(old, new)
    spans = carry_blame(initial_blame(old, 1), ops, 2)
    assert sum(length for length, _ in spans) == len(new)
    assert all(length > 0 or revision == 2 for length, revision in spans)
    assert all(a[1] != b[1] for a, b in zip(spans, spans[1:]))
    assert not spans or (spans[0][0] > 0 and spans[-1][0] > 0)
    if any(length == 0 for length, _ in spans):
        assert any(op.op == "delete" for op in ops)


@examples
@given(texts, texts)
def test_blame_pieces_rebuild_the_text(old, new):
    spans = carry_blame(initial_blame(old, 1), diff_texts(old, new), 2)
    assert "".join(piece for piece, _ in blame_spans(new, spans)) == new


@examples
@given(histories())
def test_untouched_text_keeps_its_revision_across_many_edits(history):
    header_length, texts = history
    spans = blame_history(texts)
    assert spans[0][1] == 0 and spans[0][0] >= header_length


@examples
@given(histories())
def test_text_is_never_credited_to_a_revision_older_than_its_author(history):
    _, texts = history
    for piece, revision in blame_spans(texts[-1], blame_history(texts)):
        for char in piece:
            assert written_in(char) is None or revision >= written_in(char)


@given(st.lists(st.tuples(st.integers(1, 2**31 - 1), st.integers(1, 2**31 - 1)), max_size=50))
def test_packed_blame_round_trips(spans):
    assert unpack_blame(pack_blame(spans)) == spans


def test_unpack_reads_blame_stored_as_a_json_list():
    assert unpack_blame([[3, 1], [4, 2]]) == [(3, 1), (4, 2)]


@examples
@given(texts, texts, texts)
def test_carrying_stored_blame_matches_carrying_spans(first, second, third):
    spans = carry_blame(initial_blame(first, 1), diff_texts(first, second), 2)
    stored = pack_blame(spans)
    ops = diff_texts(second, third)
    assert unpack_blame(carry_packed(stored, ops, 3)) == carry_blame(spans, ops, 3)
    assert carry_packed([list(span) for span in spans], ops, 3) == pack_blame(carry_blame(spans, ops, 3))


def test_repacking_turns_a_json_list_into_the_packed_form():
    assert repack_blame([[3, 1], [4, 2]]) == pack_blame([(3, 1), (4, 2)])
    assert repack_blame(pack_blame([(3, 1)])) == pack_blame([(3, 1)])

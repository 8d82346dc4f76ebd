"""Three-way merges: clean only when no edit can be lost or misplaced, otherwise conflicts."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govwiki.core.merge import (
    Conflict,
    Hunk,
    apply_hunks,
    conflicting,
    hunks,
    merge3,
    overlapping_pairs,
    overlaps,
)

WORDS = ("the", "fee", "shall", "30", "days", "notice", "中", "华", "政府", "。", ",", "\n", " ")
words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map("".join)
texts = st.lists(st.sampled_from(WORDS), max_size=40).map("".join)


@st.composite
def edit_of(draw, base):
    """A copy of base with up to three slices replaced by random words."""
    text = base
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 10)))
        text = text[:start] + draw(st.one_of(st.just(""), words)) + text[end:]
    return text


@st.composite
def three_revisions(draw):
    base = draw(texts)
    return base, draw(edit_of(base)), draw(edit_of(base))


paragraph = (
    st.lists(st.sampled_from(("the", "fee", "30", "days", "中", "政府", "。", " ")), min_size=1, max_size=8)
    .map("".join)
    .filter(lambda p: p.strip())
)


def splice(base, hunk_list):
    """Apply hunks at their base positions, written independently of apply_hunks."""
    text = base
    for hunk in sorted(hunk_list, key=lambda h: (h.start, h.end), reverse=True):
        text = text[: hunk.start] + hunk.text + text[hunk.end :]
    return text


examples = settings(max_examples=200, deadline=None)
BASE = (
    "Applicants must reply within 30 days of notice.\n\nThe fee is 10 euros.\n\nAppeals go to the tribunal.\n"
)


def test_edits_in_different_paragraphs_merge_cleanly():
    mine = BASE.replace("30 days", "45 days")
    theirs = BASE.replace("10 euros", "12 euros")
    assert merge3(BASE, mine, theirs).text == BASE.replace("30", "45").replace("10", "12")


def test_two_new_numbers_for_the_same_term_conflict():
    result = merge3(BASE, BASE.replace("30", "45"), BASE.replace("30", "60"))
    assert result.text is None
    assert [(c.base, c.mine, c.theirs) for c in result.conflicts] == [("30", "45", "60")]


def test_the_same_edit_on_both_sides_is_taken_once():
    mine = BASE.replace("30", "45").replace("10", "12")
    theirs = BASE.replace("30", "45")
    assert merge3(BASE, mine, theirs).text == mine


def test_deleting_a_paragraph_the_other_side_edited_conflicts():
    mine = BASE.replace("The fee is 10 euros.\n\n", "")
    theirs = BASE.replace("10 euros", "12 euros")
    assert not merge3(BASE, mine, theirs).clean


def test_appending_to_a_paragraph_the_other_side_deleted_conflicts():
    mine = BASE.replace("The fee is 10 euros.\n\n", "")
    theirs = BASE.replace("10 euros.", "10 euros. It is waived for residents.")
    assert not merge3(BASE, mine, theirs).clean


def test_an_edit_stays_in_its_copy_of_a_repeated_sentence():
    base = "Fees are due in 30 days.\n\nNotices follow.\n\nFees are due in 30 days.\n"
    mine = "Fees are due in 30 days.\n\nNotices follow.\n\nFees are due in 45 days.\n"
    theirs = base.replace("Notices follow.", "Notices follow by post.")
    expected = "Fees are due in 30 days.\n\nNotices follow by post.\n\nFees are due in 45 days.\n"
    assert merge3(base, mine, theirs).text == expected


def test_edits_to_both_copies_of_a_repeated_sentence_each_keep_their_place():
    base = "Pay in 30 days. Pay in 30 days. Pay in 30 days."
    mine = "Pay in 45 days. Pay in 30 days. Pay in 30 days."
    theirs = "Pay in 30 days. Pay in 30 days. Pay in 60 days."
    assert merge3(base, mine, theirs).text == "Pay in 45 days. Pay in 30 days. Pay in 60 days."


def test_transitively_overlapping_hunks_form_one_conflict():
    base = "one two three four five"
    result = merge3(base, "one TWO three FOUR five", "one 2 3 4 five")
    assert [(c.base, c.mine, c.theirs) for c in result.conflicts] == [
        ("two three four", "TWO three FOUR", "2 3 4")
    ]


def test_conflict_serialises_to_a_dict():
    conflict = Conflict(3, 5, "30", "45", "60")
    assert conflict.to_dict() == {"start": 3, "end": 5, "base": "30", "mine": "45", "theirs": "60"}


@examples
@given(texts, texts)
def test_an_unchanged_mine_gives_theirs(base, theirs):
    assert merge3(base, base, theirs).text == theirs


@examples
@given(texts, texts)
def test_an_unchanged_theirs_gives_mine(base, mine):
    assert merge3(base, mine, base).text == mine


@examples
@given(st.lists(paragraph, min_size=2, max_size=8, unique=True), st.data())
def test_edits_to_different_paragraphs_merge_to_both_edits(paragraphs, data):
    # Replacements are new paragraphs, so which paragraph changed is never ambiguous.
    fresh = paragraph.filter(lambda p: p not in paragraphs)
    indices = list(range(len(paragraphs)))
    mine_edits = data.draw(st.dictionaries(st.sampled_from(indices), fresh, max_size=3))
    free = [i for i in indices if i not in mine_edits]
    theirs_edits = {}
    if free:
        theirs_edits = data.draw(st.dictionaries(st.sampled_from(free), fresh, max_size=3))

    def document(edits):
        return "\n\n".join(edits.get(i, p) for i, p in enumerate(paragraphs)) + "\n"

    result = merge3(document({}), document(mine_edits), document(theirs_edits))
    assert result.text == document({**mine_edits, **theirs_edits})


@examples
@given(three_revisions())
def test_a_clean_merge_places_both_sides_hunks_exactly(revisions):
    base, mine, theirs = revisions
    result = merge3(base, mine, theirs)
    if result.clean and base not in (mine, theirs) and mine != theirs:
        both = set(hunks(base, mine)) | set(hunks(base, theirs))
        assert result.text == splice(base, both)


@examples
@given(three_revisions())
def test_a_merge_is_the_same_either_way_round(revisions):
    base, mine, theirs = revisions
    forward, backward = merge3(base, mine, theirs), merge3(base, theirs, mine)
    assert forward.text == backward.text
    regions = [[(c.start, c.end) for c in r.conflicts] for r in (forward, backward)]
    assert regions[0] == regions[1]


@examples
@given(three_revisions())
def test_conflict_regions_hold_each_sides_text(revisions):
    base, mine, theirs = revisions
    result = merge3(base, mine, theirs)
    for side, text in (("mine", mine), ("theirs", theirs)):
        regions = [Hunk(c.start, c.end, getattr(c, side)) for c in result.conflicts]
        outside = [
            h
            for h in hunks(base, text)
            if not any(conflicting(h, r, base) or r.start <= h.start and h.end <= r.end for r in regions)
        ]
        assert splice(base, regions + outside) == text
    assert all(c.base == base[c.start : c.end] for c in result.conflicts)


@examples
@given(texts, texts)
def test_hunks_turn_base_into_the_other_text(base, other):
    assert apply_hunks(base, hunks(base, other)) == other


@examples
@given(texts, texts)
def test_hunks_are_sorted_and_separated_by_kept_text(base, other):
    found = hunks(base, other)
    assert all(a.end < b.start for a, b in zip(found, found[1:]))
    assert all(h.start < h.end or h.text for h in found)


@pytest.mark.parametrize(
    "hunk_list",
    [
        [Hunk(0, 3, "x"), Hunk(2, 4, "y")],  # overlapping
        [Hunk(4, 5, "x"), Hunk(0, 1, "y")],  # unsorted
        [Hunk(3, 2, "x")],  # backwards
        [Hunk(0, 99, "x")],  # past the end
    ],
)
def test_apply_hunks_refuses_overlapping_or_unsorted_hunks(hunk_list):
    with pytest.raises(ValueError):
        apply_hunks("0123456789", hunk_list)


RULES_BASE = "abcde fghij"  # a space at 5


@pytest.mark.parametrize(
    "a, b, expected",
    [
        (Hunk(1, 3, "x"), Hunk(2, 4, "y"), True),  # ranges share base text
        (Hunk(1, 3, "x"), Hunk(3, 5, "y"), True),  # ranges touch inside a word
        (Hunk(3, 5, "x"), Hunk(5, 6, "y"), False),  # ranges touch at a space: order is fixed
        (Hunk(1, 2, "x"), Hunk(3, 4, "y"), False),  # apart
        (Hunk(4, 4, "x"), Hunk(4, 4, "y"), True),  # two insertions at one point
        (Hunk(4, 4, "x"), Hunk(5, 5, "y"), False),  # insertions at different points
        (Hunk(3, 3, "x"), Hunk(2, 5, "y"), True),  # insertion inside a replaced range
        (Hunk(2, 2, "x"), Hunk(2, 5, "y"), True),  # at its left edge: order unknown
        (Hunk(5, 5, "x"), Hunk(2, 5, "y"), True),  # at its right edge: may belong to replaced text
        (Hunk(6, 6, "x"), Hunk(2, 5, "y"), False),  # insertion past it
        (Hunk(2, 5, "x"), Hunk(2, 5, "x"), False),  # identical: taken once
    ],
)
def test_conflict_rules(a, b, expected):
    assert conflicting(a, b, RULES_BASE) is expected
    assert conflicting(b, a, RULES_BASE) is expected


def test_touching_ranges_conflict_when_the_base_is_unknown():
    assert conflicting(Hunk(3, 5, "x"), Hunk(5, 6, "y"))


def test_edits_to_neighbouring_chinese_characters_conflict():
    assert not merge3("期限三十日。", "期限四十日。", "期限三千日。").clean


def test_overlapping_pairs_names_the_colliding_hunks_of_two_proposals():
    first = [Hunk(0, 2, "a"), Hunk(10, 12, "b"), Hunk(20, 20, "c")]
    second = [Hunk(1, 3, "x"), Hunk(15, 16, "y"), Hunk(20, 20, "z")]
    assert overlapping_pairs(first, second, base="x" * 30) == [(0, 0), (2, 2)]
    assert overlaps(first, second, base="x" * 30)
    assert not overlaps(first, [Hunk(5, 6, "y")], base="x" * 30)

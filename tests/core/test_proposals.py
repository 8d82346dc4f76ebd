"""Proposal logic in plain Python: numbered hunks, partial acceptance, rebasing onto the head,
overlaps between proposals, and merges with conflict markers."""

from hypothesis import given, settings
from hypothesis import strategies as st

from govwiki.core.merge import Hunk, merge3
from govwiki.core.proposals import (
    accepted_text,
    declined,
    numbered_changes,
    overlap_groups,
    rebased_hunks,
    version,
)
from govwiki.core.resolution import has_conflict_markers, marked_merge

BASE = "Vendors apply for a permit.\n\nThe notice period is 30 days.\n\nStalls close at 23:00.\n"
TWO_CHANGES = BASE.replace("30 days", "60 days").replace("23:00", "21:00")

WORDS = ("the", "fee", "30", "days", "中", "政府", "。", ",", "\n", " ")
texts = st.lists(st.sampled_from(WORDS), max_size=30).map("".join)


def test_hunks_are_numbered_in_text_order_with_their_base_text():
    changes = numbered_changes(BASE, TWO_CHANGES)
    assert [(h.index, h.base, h.text) for h in changes] == [(0, "30", "60"), (1, "23", "21")]


def test_accepting_some_hunks_applies_only_those():
    changes = numbered_changes(BASE, TWO_CHANGES)
    assert accepted_text(BASE, changes, [1]) == BASE.replace("23:00", "21:00")


def test_declined_hunks_keep_base_and_proposed_text():
    changes = numbered_changes(BASE, TWO_CHANGES)
    assert declined(changes, [1]) == [{"index": 0, "start": 50, "end": 52, "base": "30", "text": "60"}]


def test_unknown_hunk_number_is_an_error():
    changes = numbered_changes(BASE, TWO_CHANGES)
    try:
        accepted_text(BASE, changes, [2])
    except ValueError:
        return
    raise AssertionError("accepted a hunk that does not exist")


@settings(max_examples=150, deadline=None)
@given(texts, texts)
def test_accepting_every_hunk_gives_the_proposal(base, proposed):
    changes = numbered_changes(base, proposed)
    assert accepted_text(base, changes, [h.index for h in changes]) == proposed


@settings(max_examples=150, deadline=None)
@given(texts, texts)
def test_accepting_no_hunk_gives_the_base(base, proposed):
    assert accepted_text(base, numbered_changes(base, proposed), []) == base


def test_version_changes_with_the_text():
    one = version(1, TWO_CHANGES, numbered_changes(BASE, TWO_CHANGES))
    other = version(1, BASE + "x", numbered_changes(BASE, BASE + "x"))
    assert one != other and one == version(1, TWO_CHANGES, numbered_changes(BASE, TWO_CHANGES))


def test_clean_proposal_is_rebased_into_head_coordinates():
    head = (
        "Traders and hawkers apply for a permit.\n\nThe notice period is 30 days.\n\nStalls close at 23:00.\n"
    )
    moved = rebased_hunks(BASE, BASE.replace("30 days", "60 days"), head)
    assert [(head[h.start : h.end], h.text) for h in moved] == [("30", "60")]


def test_conflicting_proposal_covers_the_passage_the_head_rewrote():
    head = BASE.replace("30 days", "forty-five days")
    footprint = rebased_hunks(BASE, BASE.replace("30 days", "60 days"), head)
    assert [head[h.start : h.end] for h in footprint] == ["forty-five"]


def test_overlap_groups_pair_colliding_changes_only():
    head = BASE
    footprints = {"a": [Hunk(50, 52, "60")], "b": [Hunk(50, 52, "90")], "c": [Hunk(76, 78, "22")]}
    assert overlap_groups(footprints, head) == {"a": ["b"], "b": ["a"], "c": []}


def test_identical_changes_do_not_overlap():
    assert overlap_groups({1: [Hunk(50, 52, "60")], 2: [Hunk(50, 52, "60")]}, BASE) == {1: [], 2: []}


def test_marked_merge_of_separate_changes_is_the_clean_merge():
    mine, theirs = BASE.replace("30 days", "60 days"), BASE.replace("23:00", "22:00")
    assert (
        marked_merge(BASE, mine, theirs, mine_label="m", theirs_label="t") == merge3(BASE, mine, theirs).text
    )


def test_marked_merge_writes_both_versions_of_the_conflicting_lines_and_merges_the_rest():
    mine = BASE.replace("30 days", "60 days").replace("23:00", "21:00")
    theirs = BASE.replace("30 days", "45 days").replace("Vendors", "Traders")
    text = marked_merge(BASE, mine, theirs, mine_label="suggestion #1", theirs_label="current")
    assert text == (
        "Traders apply for a permit.\n\n"
        "<<<<<<< suggestion #1\nThe notice period is 60 days.\n=======\n"
        "The notice period is 45 days.\n>>>>>>> current\n\n"
        "Stalls close at 21:00.\n"
    )


@settings(max_examples=200, deadline=None)
@given(texts, texts, texts)
def test_marked_merge_never_fails_and_marks_exactly_when_merge_conflicts(base, mine, theirs):
    text = marked_merge(base, mine, theirs, mine_label="m", theirs_label="t")
    assert has_conflict_markers(text) == (not merge3(base, mine, theirs).clean)


def test_conflict_markers_are_found_only_at_line_starts():
    assert has_conflict_markers("a\n<<<<<<< mine\nb\n")
    assert not has_conflict_markers("a <<<<<<< b\nTitle\n=======\n")

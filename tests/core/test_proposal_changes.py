"""The changes an official ticks: hunks grouped by sentence (or adjacent words) into one choice."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from govwiki.core.merge import Hunk, hunks
from govwiki.core.proposals import (
    NumberedChange,
    accepted_text,
    declined,
    group_hunks,
    numbered_changes,
    version,
)

MARKET = "A vendor may run one stall at the night market. Stalls close at 23:00.\n"
MARKETS = "A vendor may run up to two stalls at the night markets. Stalls close at 22:00.\n"

# Sentence ends as the diff cuts text, written out again here so the test does not trust the code.
SENTENCE_END = re.compile(r"[.!?;]+[^\S\n]+|[。！？；]+[^\S\n]*|\n")
WORD = re.compile(r"[A-Za-z0-9]+|[\u4e00-\u9fff]")

PIECES = (
    "the",
    "fee",
    "market",
    "markets",
    "30",
    "days",
    "中",
    "政府",
    "。",
    ", ",
    ". ",
    "; ",
    "! ",
    "\n",
    " ",
    "one",
    "up to two",
)
texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


def test_the_issue_example_is_one_choice_per_sentence():
    changes = numbered_changes(MARKET, MARKETS)
    assert [(c.index, c.base, c.text) for c in changes] == [
        (0, "one stall at the night market", "up to two stalls at the night markets"),
        (1, "23", "22"),
    ]
    assert len(changes[0].hunks) >= 2  # "one stall" and "market" were separate hunks


def test_accepting_the_sentence_takes_all_its_words():
    changes = numbered_changes(MARKET, MARKETS)
    assert accepted_text(MARKET, changes, [0]) == MARKETS.replace("22:00", "23:00")
    assert accepted_text(MARKET, changes, [1]) == MARKET.replace("23:00", "22:00")


def test_an_edit_across_a_sentence_end_is_one_choice():
    base = "The notice period is 30 days. Stalls close at 23:00.\n"
    changes = group_hunks(base, [Hunk(28, 29, ","), Hunk(30, 36, "and stalls")])
    assert len(changes) == 1


def test_edits_of_two_sentences_with_words_between_are_two_choices():
    base = "The notice period is 30 days. Stalls close at 23:00.\n"
    changes = numbered_changes(base, "The notice period is 60 days. Markets close at 23:00.\n")
    assert [(c.base, c.text) for c in changes] == [("30", "60"), ("Stalls", "Markets")]


def test_chinese_sentences_are_separate_choices_and_words_of_one_are_together():
    base = "摊贩须申请许可证。通知期为三十日。\n"
    changes = numbered_changes(base, "每名摊贩须申请两张许可证。通知期为四十日。\n")
    assert [(c.base, c.text) for c in changes] == [("摊贩须申请", "每名摊贩须申请两张"), ("三", "四")]


def test_lines_are_separate_choices_even_when_adjacent():
    base = "- 30 days\n- 23:00\n"
    changes = numbered_changes(base, "- 60 days\n- 22:00\n")
    assert [(c.base, c.text) for c in changes] == [("30", "60"), ("23", "22")]


def test_pieces_show_the_unchanged_words_between_the_edits():
    change = numbered_changes(MARKET, MARKETS)[0]
    pieces = [(p.op, p.text) for p in change.pieces()]
    assert ("equal", " at the night ") in pieces
    assert "".join(text for op, text in pieces if op != "insert") == change.base
    assert "".join(text for op, text in pieces if op != "delete") == change.text
    assert [(part["base"], part["text"]) for part in change.parts()] == [
        (MARKET[h.start : h.end], h.text) for h in change.hunks
    ]


def test_a_declined_change_is_recorded_as_its_whole_passage():
    changes = numbered_changes(MARKET, MARKETS)
    assert declined(changes, [1]) == [
        {
            "index": 0,
            "start": 17,
            "end": 46,
            "base": "one stall at the night market",
            "text": "up to two stalls at the night markets",
        }
    ]


def test_version_tells_apart_the_same_hunks_grouped_differently():
    text = MARKET.replace("one", "two").replace("market.", "markets.")
    cut = hunks(MARKET, text)
    together = [NumberedChange(0, cut[0].start, cut[-1].end, "", "", tuple(cut))]
    apart = [NumberedChange(i, h.start, h.end, "", "", (h,)) for i, h in enumerate(cut)]
    assert version(1, text, together) != version(1, text, apart)


@settings(max_examples=200, deadline=None)
@given(texts, texts)
def test_accepting_every_change_gives_the_proposal_and_none_the_base(base, proposed):
    changes = numbered_changes(base, proposed)
    assert accepted_text(base, changes, [c.index for c in changes]) == proposed
    assert accepted_text(base, changes, []) == base


@settings(max_examples=200, deadline=None)
@given(texts, texts)
def test_changes_partition_the_hunks_in_order_and_are_numbered_from_zero(base, proposed):
    changes = numbered_changes(base, proposed)
    assert [h for c in changes for h in c.hunks] == hunks(base, proposed)
    assert [c.index for c in changes] == list(range(len(changes)))
    for c in changes:
        assert c.hunks and (c.start, c.end) == (c.hunks[0].start, c.hunks[-1].end)
        assert c.base == base[c.start : c.end]


@settings(max_examples=300, deadline=None)
@given(texts, texts)
def test_a_change_holds_one_sentence_or_adjacent_words_and_changes_are_cut_at_sentence_ends(base, proposed):
    changes = numbered_changes(base, proposed)
    ends = [m.end() for m in SENTENCE_END.finditer(base)]
    for c in changes:
        for a, b in zip(c.hunks, c.hunks[1:]):
            whole_end_between = any(
                a.end <= m.start() and m.end() <= b.start for m in SENTENCE_END.finditer(base)
            )
            assert not whole_end_between or _adjacent(base[a.end : b.start])
    for left, right in zip(changes, changes[1:]):
        a, b = left.hunks[-1], right.hunks[0]
        assert not _adjacent(base[a.end : b.start])
        assert any(a.start < end <= b.start for end in ends)


def _adjacent(gap: str) -> bool:
    return "\n" not in gap and not WORD.search(gap)


FINE = st.lists(
    st.sampled_from(("a", "1", "_", "中", ".", "!", "。", " ", "\t", "\n", "-")), max_size=40
).map("".join)


@settings(max_examples=300, deadline=None)
@given(FINE, FINE)
def test_searching_between_hunks_finds_the_sentence_ends_a_whole_text_search_finds(base, proposed):
    ends = [m.end() for m in SENTENCE_END.finditer(base)]
    expected: list[list[Hunk]] = []
    for b in hunks(base, proposed):
        if expected:
            a = expected[-1][-1]
            last = a.end - 1 if a.end > a.start else a.end
            if not any(last < end <= b.start for end in ends) or _adjacent(base[a.end : b.start]):
                expected[-1].append(b)
                continue
        expected.append([b])
    assert group_hunks(base, hunks(base, proposed)) == expected

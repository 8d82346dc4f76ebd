"""Unchanged words stay unchanged: in the diff people read, and in blame carried across it."""

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from govwiki.core import diff
from govwiki.core.blame import blame_spans, carry_blame, initial_blame
from govwiki.core.diff import DiffOp, diff_texts
from govwiki.core.diff_cleanup import holds_whole_word

# The demo's "Draft rules", revision 2 → 3 (govwiki/demo.py): an expert adds two clauses around
# "后划定便民摊点区域", which is 9 characters, shorter than either clause.
DEMO_OLD = "区政府在公示30日后划定便民摊点区域。"
DEMO_NEW = "区政府在公示30日并听取周边居民和商户意见后划定便民摊点区域，优先考虑社区便民菜站。"

# Text an edit leaves alone: English words, Chinese words and lone characters, separators.
KEPT = (
    "the",
    "fee",
    "shall",
    "30",
    "days",
    "permit",
    " ",
    " ",
    ", ",
    ". ",
    "\n",
    "\n\n",
    "划定",
    "便民",
    "摊点",
    "区域",
    "居民",
    "后",
    "的",
    "区政府",
    "，",
    "。",
)
# What edits remove and what they insert, from alphabets of their own (Latin Extended letters,
# rare ideographs, separators the kept text never uses), so that the only text both revisions
# share is the kept text and "unchanged" has one meaning: no diff could align it otherwise.
# Nothing may glue across an edit into a token of its own ("30" + "Ōŏ" is the one word "30Ōŏ",
# " " + "\u2003" one run of spaces), or a kept "30" or " the" elsewhere would have two equally
# good alignments: so they hold no whitespace, and `edits` separates Latin letters that meet.
REMOVED = ("Ōŏ", "Őő", "Œ", "鼀", "鼁鼂", "鼃", "\ufe10", "；")
INSERTED = ("Āā", "Ăă", "Ą", "鼠", "鼡鼢", "鼣", "\ufe11", "、")

LATIN_WORD = re.compile(r"[^\W_\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")  # letters, digits
CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
examples = settings(max_examples=300, deadline=None)


def pieces(vocabulary, min_size=0, max_size=6):
    return st.lists(st.sampled_from(vocabulary), min_size=min_size, max_size=max_size).map("".join)


@st.composite
def edits(draw):
    """Old and new text, and where each kept gap lies in both: (old start, new start, text)."""
    old = new = ""
    gaps = []
    for index in range(draw(st.integers(1, 4))):
        if index:
            removed, inserted = draw(pieces(REMOVED)), draw(pieces(INSERTED, max_size=12))
            old += "；" + removed if removed and _glues(old, removed) else removed
            new += "、" + inserted if inserted and _glues(new, inserted) else inserted
        gap = draw(pieces(KEPT, max_size=8))
        if gap and any(_glues(text, gap) for text in (old, new)):
            gap = " " + gap  # "the" + "the" would be one word on one side only
        gaps.append((len(old), len(new), gap))
        old, new = old + gap, new + gap
    return old, new, gaps


def _glues(text, following):
    """Whether `following` would continue the Latin word `text` ends with."""
    return bool(text) and bool(LATIN_WORD.fullmatch(text[-1])) and bool(LATIN_WORD.fullmatch(following[0]))


def runs(pattern, text):
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def protected(old, new, gaps):
    """(old position, new position) of each character of a whole word inside a kept gap.

    A Latin word counts when it is whole in both texts (an edit glued to it makes a new word);
    CJK characters count in runs of two or more inside the gap. Either counts only when its text
    occurs once in each revision: a word kept twice can be aligned with either copy, and which
    one a diff picks is a guess, not a loss.
    """
    pairs = set()
    for old_start, new_start, gap in gaps:
        inside = whole_words(old, old_start, gap) & whole_words(new, new_start, gap)
        for start, end in runs(CJK_RUN, gap):
            inside |= set(range(start, end))
        inside = {k for k in inside if _once_in_each(old, new, gap, k)}
        pairs |= {(old_start + k, new_start + k) for k in inside}
    return pairs


def _once_in_each(old, new, gap, k):
    """Whether the word or CJK run holding gap[k] occurs once in `old` and once in `new`."""
    pattern = LATIN_WORD if LATIN_WORD.fullmatch(gap[k]) else CJK_RUN
    word = next(m.group() for m in pattern.finditer(gap) if m.start() <= k < m.end())
    return all(sum(w == word for w in pattern.findall(text)) == 1 for text in (old, new))


def whole_words(text, start, gap):
    """Offsets in the gap of the Latin words that lie wholly inside it in `text`."""
    end = start + len(gap)
    return {k - start for s, e in runs(LATIN_WORD, text) if start <= s and e <= end for k in range(s, e)}


def sides(ops):
    """The op covering each character of the old text and of the new text."""
    old_ops, new_ops = [], []
    for piece in ops:
        if piece.op != "insert":
            old_ops += [piece.op] * len(piece.text)
        if piece.op != "delete":
            new_ops += [piece.op] * len(piece.text)
    return old_ops, new_ops


def demo_gap():
    start = DEMO_OLD.index("后划定")
    return [
        (0, 0, DEMO_OLD[:9]),
        (start, DEMO_NEW.index("后划定"), DEMO_OLD[start:-1]),
        (len(DEMO_OLD) - 1, len(DEMO_NEW) - 1, "。"),
    ]


@examples
@given(edits(), st.sampled_from([diff._LONG_BLOCK, 0, 8]))
@example((DEMO_OLD, DEMO_NEW, demo_gap()), diff._LONG_BLOCK)
def test_unchanged_words_are_never_inside_a_change_and_keep_their_revision(edit, long_block):
    old, new, gaps = edit
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(diff, "_LONG_BLOCK", long_block)  # 0 and 8 send blocks by sentences
        ops = diff_texts(old, new, timeout=5)
    old_ops, new_ops = sides(ops)
    revisions = [
        r for piece, r in blame_spans(new, carry_blame(initial_blame(old, 1), ops, 2)) for _ in piece
    ]
    for i, j in protected(old, new, gaps):
        assert old_ops[i] == "equal" and new_ops[j] == "equal", (old[i], ops)
        assert revisions[j] == 1


def test_the_demo_edit_keeps_the_words_between_the_two_added_clauses():
    assert diff_texts(DEMO_OLD, DEMO_NEW) == [
        DiffOp("equal", "区政府在公示30日"),
        DiffOp("insert", "并听取周边居民和商户意见"),
        DiffOp("equal", "后划定便民摊点区域"),
        DiffOp("insert", "，优先考虑社区便民菜站"),
        DiffOp("equal", "。"),
    ]


def test_the_demo_edit_credits_the_kept_words_to_their_revision():
    spans = carry_blame(initial_blame(DEMO_OLD, 1), diff_texts(DEMO_OLD, DEMO_NEW), 3)
    assert ("后划定便民摊点区域", 1) in blame_spans(DEMO_NEW, spans)


def test_a_kept_english_word_between_two_long_replacements_stays_kept():
    old = "Vendors pay a yearly fee within thirty days."
    new = "Vendors registered before the first of March pay a yearly fee or a reduced charge."
    kept = [p.text for p in diff_texts(old, new) if p.op == "equal"]
    assert any("pay a yearly fee" in text for text in kept)


def test_spaces_and_a_lone_character_between_changes_still_fold():
    ops = diff_texts("一二三四 的 五六七八", "甲乙丙丁 的 戊己庚辛")
    assert [p.op for p in ops] == ["delete", "insert"]


def test_a_character_diff_keeps_whole_words_only():
    assert holds_whole_word(" fee ") and holds_whole_word("便民")
    assert not holds_whole_word("fee ") and not holds_whole_word(" 的 ")


def test_the_huge_block_character_diff_keeps_the_demo_words():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(diff, "_HUGE_BLOCK", 10)
        ops = diff_texts(DEMO_OLD, DEMO_NEW)
    assert DiffOp("equal", "后划定便民摊点区域") in ops


def test_a_rewritten_block_keeps_the_run_around_a_word_both_hold_once():
    old = " ".join(f"old{i}" for i in range(40)) + " 区政府划定便民摊点区域 " + "end " * 10
    new = " ".join(f"new{i}" for i in range(40)) + " 区政府划定便民摊点区域 " + "fin " * 10
    assert diff._rewritten(diff._TOKEN.findall(old), diff._TOKEN.findall(new))  # no Myers diff
    assert any("区政府划定便民摊点区域" in p.text for p in diff_texts(old, new) if p.op == "equal")


def test_a_rewritten_block_keeps_a_word_both_hold_once():
    old = " ".join(f"old{i}" for i in range(40)) + " permit " + "end " * 10
    new = " ".join(f"new{i}" for i in range(40)) + " permit " + "fin " * 10
    assert DiffOp("equal", " permit ") in diff_texts(old, new)

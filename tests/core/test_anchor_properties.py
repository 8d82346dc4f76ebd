"""Property tests: after random edits a comment points at exactly its quote, or is outdated.

Edits are applied to a list of paragraphs and, in step, described as replacements of the
document text (the paragraphs joined with SEPARATOR), so the test knows where an untouched
quote must be found afterwards.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

import re

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from govwiki.core.anchors import (
    CONTEXT_CHARS,
    OUTDATED,
    SEPARATOR,
    document_offset,
    locate,
    reanchor,
    reparagraph,
)
from govwiki.core.diff_cleanup import CJK as CJK_RANGES
from govwiki.core.edit_distance import levenshtein

WORDS = [
    "the ",
    "council ",
    "shall ",
    "publish ",
    "budget ",
    "draft ",
    "vendors ",
    "may ",
    "open ",
    "at ",
    "six ",
]
CJK = list("便民菜站公园交通预算审议") + ["。", "，"]
LOOK_ALIKES = ["the council shall ", "keep the pavement clear ", "不得占道经营", "保持人行道畅通", "\n"]
tokens = st.sampled_from(WORDS + CJK + LOOK_ALIKES)
texts = st.lists(tokens, min_size=1, max_size=12).map("".join)
paragraph_lists = st.lists(st.lists(tokens, min_size=1, max_size=30).map("".join), min_size=1, max_size=6)
fractions = st.floats(min_value=0, max_value=1, exclude_max=True)
KINDS = ["insert", "delete", "replace", "split", "merge", "move", "add_paragraph", "drop_paragraph"]
edits = st.lists(
    st.tuples(st.sampled_from(KINDS), fractions, fractions, fractions, texts), min_size=1, max_size=3
)

WORD = re.compile(rf"[^\W_{CJK_RANGES}]")  # what the word diff keeps together
Replacement = tuple[int, int, str]  # document text[a:b] becomes the string


def starts(paragraphs: list[str]) -> list[int]:
    return [document_offset(paragraphs, i, 0) for i in range(len(paragraphs))]


def apply(paragraphs: list[str], edit) -> tuple[list[str], list[Replacement]]:
    """Apply one edit; return the new paragraphs and the document replacements, in order."""
    kind, x, y, z, text = edit
    n, at = len(paragraphs), starts(paragraphs)
    i = int(x * n)
    para = paragraphs[i]
    if kind in ("insert", "delete", "replace", "split"):
        k = int(y * (len(para) + 1))
        if kind == "insert":
            return _with(paragraphs, i, [para[:k] + text + para[k:]]), [(at[i] + k, at[i] + k, text)]
        if kind == "split":
            return _with(paragraphs, i, [para[:k], para[k:]]), [(at[i] + k, at[i] + k, SEPARATOR)]
        end = k + int(z * (len(para) - k + 1))
        put = text if kind == "replace" else ""
        return _with(paragraphs, i, [para[:k] + put + para[end:]]), [(at[i] + k, at[i] + end, put)]
    if kind == "merge" and i + 1 < n:
        joined = para + " " + paragraphs[i + 1]
        return paragraphs[:i] + [joined] + paragraphs[i + 2 :], [(at[i] + len(para), at[i + 1], " ")]
    if kind == "add_paragraph":
        return _insert_paragraph(paragraphs, int(y * (n + 1)), text)
    if kind in ("move", "drop_paragraph") and n > 1:
        rest, dropped = _drop_paragraph(paragraphs, i)
        if kind == "drop_paragraph":
            return rest, dropped
        moved, inserted = _insert_paragraph(rest, int(y * n), para)
        return moved, dropped + inserted
    return paragraphs, []


def _with(paragraphs: list[str], i: int, replacement: list[str]) -> list[str]:
    return paragraphs[:i] + replacement + paragraphs[i + 1 :]


def _insert_paragraph(paragraphs: list[str], j: int, text: str) -> tuple[list[str], list[Replacement]]:
    document = SEPARATOR.join(paragraphs)
    if j < len(paragraphs):
        at = starts(paragraphs)[j]
        return paragraphs[:j] + [text] + paragraphs[j:], [(at, at, text + SEPARATOR)]
    return paragraphs + [text], [(len(document), len(document), SEPARATOR + text)]


def _drop_paragraph(paragraphs: list[str], i: int) -> tuple[list[str], list[Replacement]]:
    at = starts(paragraphs)
    if i + 1 < len(paragraphs):
        return paragraphs[:i] + paragraphs[i + 1 :], [(at[i], at[i + 1], "")]
    end = at[i] + len(paragraphs[i])
    return paragraphs[:i], [(at[i] - len(SEPARATOR), end, "")]


@dataclass
class Tracked:
    """Where the quote is expected in the document, until an edit touches it or its context."""

    at: int
    size: int
    before: int  # context characters before it (fewer than 32 at the document's start)
    after: int
    touched: bool = False

    def follow(self, document: str, replacement: Replacement) -> None:
        """Move with an edit of ``document``, or note that it touched the quote or its context.

        The diff compares whole words, so an edit inside or against a Latin word touches it all.
        """
        a, b, text = replacement
        low, high = self.at - self.before, self.at + self.size + self.after
        start, end = _whole_words(document, a, b)
        if end > start:
            touches = start < high and end > low
        else:  # an insertion at a clipped context's edge lengthens that context
            touches = low < a < high or (a == low and self.before < CONTEXT_CHARS)
            touches = touches or (a == high and self.after < CONTEXT_CHARS)
        if touches:
            self.touched = True
        elif b <= low:
            self.at += len(text) - (b - a)


def _whole_words(document: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and WORD.match(document[start - 1]):
        start -= 1
    while end < len(document) and WORD.match(document[end]):
        end += 1
    return start, end


def same_place(old: list[str], anchor, new: list[str], placement, at: int) -> bool:
    """Tell whether ``placement`` is the quote at document offset ``at`` of ``new``, as far as can be told.

    When the quote with its context is not unique (periodic text, a duplicated paragraph), the
    diff may take any copy for the original, and no selector could tell them apart: then any
    copy with the same context within its paragraph will do.
    """
    found = document_offset(new, placement.paragraph, placement.start)
    old_text, new_text, size = SEPARATOR.join(old), SEPARATOR.join(new), len(anchor.quote)
    passage = "".join(_window(new_text, at, size))
    if old_text.count(passage) == 1 and new_text.count(passage) == 1:
        return found == at
    new_starts = starts(new)
    index = bisect_right(new_starts, at) - 1
    expected = _window(new[index], at - new_starts[index], size)
    return found == at or _window(new[placement.paragraph], placement.start, size) == expected


def _window(text: str, at: int, size: int) -> tuple[str, str, str]:
    return (
        text[max(0, at - CONTEXT_CHARS) : at],
        text[at : at + size],
        text[at + size : at + size + CONTEXT_CHARS],
    )


@st.composite
def anchored_documents(draw):
    paragraphs = draw(paragraph_lists)
    p = draw(st.integers(0, len(paragraphs) - 1))
    start = draw(st.integers(0, max(0, len(paragraphs[p]) - 1)))
    end = draw(st.integers(start + 1, max(start + 1, min(len(paragraphs[p]), start + 40))))
    anchor = locate(paragraphs, paragraphs[p][start:end], p, near=start)
    assume(anchor is not None)
    return paragraphs, anchor


@settings(max_examples=400, deadline=None, database=None)
@given(anchored_documents(), edits)
def test_after_edits_a_comment_points_at_its_quote_or_is_outdated(document, changes):
    old, anchor = document
    new, document_text = list(old), SEPARATOR.join(old)
    tracked = Tracked(anchor.position, len(anchor.quote), len(anchor.prefix), len(anchor.suffix))
    for change in changes:
        new, replacements = apply(new, change)
        for a, b, text in replacements:
            tracked.follow(document_text, (a, b, text))
            document_text = document_text[:a] + text + document_text[b:]
    assert document_text == SEPARATOR.join(new)  # the test's own bookkeeping

    [placement] = reanchor(old, new, [(anchor, anchor.placement)])

    if not placement.outdated:
        assert new[placement.paragraph][placement.start : placement.end] == anchor.quote
    if not tracked.touched:
        assert not placement.outdated
        assert same_place(old, anchor, new, placement, tracked.at)


@settings(max_examples=200, deadline=None, database=None)
@given(anchored_documents(), edits, edits)
def test_an_outdated_comment_comes_back_only_onto_its_quote(document, first, second):
    old, anchor = document
    middle = old
    for change in first:
        middle, _ = apply(middle, change)
    [placement] = reanchor(old, middle, [(anchor, OUTDATED)])
    assert placement.outdated or middle[placement.paragraph][placement.start : placement.end] == anchor.quote
    [back] = reanchor(middle, old, [(anchor, OUTDATED)])
    assert back == anchor.placement or old[back.paragraph][back.start : back.end] == anchor.quote


@settings(max_examples=200, deadline=None, database=None)
@given(paragraph_lists, edits)
def test_paragraph_comments_go_to_a_real_paragraph_or_none(old, changes):
    new = old
    for change in changes:
        new, _ = apply(new, change)
    mapped = reparagraph(old, new, list(range(len(old))))
    assert all(index is None or 0 <= index < len(new) for index in mapped)
    assert reparagraph(new, new, list(range(len(new)))) == list(range(len(new)))


@settings(max_examples=300, deadline=None, database=None)
@given(st.text("ab c", max_size=40), st.text("ab c", max_size=40))
def test_levenshtein_agrees_with_the_textbook_algorithm(a, b):
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    assert levenshtein(a, b) == previous[-1]


@settings(max_examples=200, deadline=None, database=None)
@given(anchored_documents(), edits)
def test_carried_revision_by_revision_a_comment_stays_on_its_quote(document, changes):
    revision, anchor = document
    placement = anchor.placement
    tracked = Tracked(anchor.position, len(anchor.quote), len(anchor.prefix), len(anchor.suffix))
    for change in changes:
        following, replacements = apply(revision, change)
        text = SEPARATOR.join(revision)
        for a, b, put in replacements:
            tracked.follow(text, (a, b, put))
            text = text[:a] + put + text[b:]
        [placement] = reanchor(revision, following, [(anchor, placement)])
        revision = following
        if not placement.outdated:
            assert revision[placement.paragraph][placement.start : placement.end] == anchor.quote
    if not tracked.touched:
        assert not placement.outdated
        assert same_place(document[0], anchor, revision, placement, tracked.at)

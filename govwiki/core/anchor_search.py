"""Looking for a quote in a new revision and deciding whether an occurrence is the same passage.

Rules 2 and 3 of ``core.anchors`` (read its docstring first): candidates are the occurrences of
the exact quote near where the diff says it went, or farther away with a little of its context;
each is scored on how much of the context survives around it and how near it is, and none is
taken below THRESHOLD.

Calibration: ``similarity`` of two 32-character windows picked at random from our own texts
(11 KB of design notes; the 500 Chinese characters of the demo pages) averages 0.13 in English
and 0.04 in Chinese, 0.28 and 0.25 at the 99th percentile. So a look-alike, the quote's words in
another sentence, scores about 0.4 · 0.13 · 2 + 0.2 = 0.30 even in the same paragraph; one that
shares a whole side of context (quote + 32 characters repeated) about 0.4 + 0.4 · 0.28 + 0.2 =
0.71 right beside it. THRESHOLD 0.75 rejects both, while the same passage with words changed on
either side (0.7 of each side kept, in its own paragraph: 0.76) or moved elsewhere with its
context (0.8) is found again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from govwiki.core.anchor_diff import TextMap
from govwiki.core.diff_cleanup import CJK
from govwiki.core.edit_distance import similarity

CONTEXT_CHARS = 32  #: prefix and suffix length (W3C TextQuoteSelector)
THRESHOLD = 0.75  #: the least score at which a re-found quote is attached
PREFIX_WEIGHT = SUFFIX_WEIGHT = 0.4
POSITION_WEIGHT = 0.2
SEARCH_WINDOW = 2_000  #: characters either side of the mapped position searched for the quote
MAX_CANDIDATES = 32  #: occurrences scored per search, nearest first
FAR_KEY = 8  #: context characters that must match exactly for an occurrence outside the window

_WORD = re.compile(rf"[^\W_{CJK}]")  # a Latin letter or digit: where a word edge can be cut


@dataclass(frozen=True)
class Context:
    """What surrounds a quote: in the document, within its paragraph, and its word edges."""

    prefix: str
    suffix: str
    inner_prefix: str | None  #: within the paragraph; None for the stored context (rule 3)
    inner_suffix: str | None
    edges: tuple[bool, bool]  #: whether the quote starts and ends at a word edge

    @classmethod
    def stored(cls, prefix: str, quote: str, suffix: str) -> Context:
        """Return the context an Anchor stored, for an outdated comment (rule 3)."""
        return cls(prefix, suffix, None, None, edges(prefix, quote, suffix))

    @classmethod
    def around(cls, text: str, own: str, at: int, start: int, size: int) -> Context:
        """Return the context of ``text[at : at + size]``, which is ``own[start : start + size]``."""
        prefix, suffix = text[max(0, at - CONTEXT_CHARS) : at], text[at + size : at + size + CONTEXT_CHARS]
        inner_prefix = own[max(0, start - CONTEXT_CHARS) : start]
        inner_suffix = own[start + size : start + size + CONTEXT_CHARS]
        return cls(
            prefix, suffix, inner_prefix, inner_suffix, edges(prefix, own[start : start + size], suffix)
        )


def edges(before: str, quote: str, after: str) -> tuple[bool, bool]:
    """Tell whether the quote starts and ends at a word edge (not inside a Latin word)."""
    return not _joined(before[-1:], quote[:1]), not _joined(quote[-1:], after[:1])


def _joined(left: str, right: str) -> bool:
    return bool(left and right and _WORD.match(left) and _WORD.match(right))


def keeps_edges(text: str, at: int, quote: str, context: Context) -> bool:
    """Tell whether the quote at ``text[at:]`` starts and ends at a word edge wherever it used to."""
    end = at + len(quote)
    found = edges(text[max(0, at - 1) : at], quote, text[end : end + 1])
    return all(now or not before for before, now in zip(context.edges, found))


def intact(text_map: TextMap, quote: str, context: Context) -> tuple[int, int] | None:
    """Return (new paragraph, offset) of the quote's whole passage if it is unique in both texts.

    The passage is the quote with its document context (cut short only by the document's start
    or end, and then at the same place): no selector could point anywhere else.
    """
    passage = context.prefix + quote + context.suffix
    found = _passages(text_map.new_text, passage, context)
    if len(found) != 1 or len(_passages(text_map.old_text, passage, context)) != 1:
        return None
    at = found[0] + len(context.prefix)
    index = text_map.new_paragraph(at)
    offset = at - text_map.new_starts[index]
    return (index, offset) if offset + len(quote) <= len(text_map.new[index]) else None


def _passages(text: str, passage: str, context: Context) -> list[int]:
    """Where ``passage`` occurs with its context cut short exactly where it was (at most two)."""
    at_start, at_end = len(context.prefix) < CONTEXT_CHARS, len(context.suffix) < CONTEXT_CHARS
    if at_start:
        return [0] if text.startswith(passage) and (not at_end or text == passage) else []
    if at_end:
        return [len(text) - len(passage)] if text.endswith(passage) else []
    first = text.find(passage)
    found = [first, text.find(passage, first + 1)] if first >= 0 else []
    return [at for at in found if at >= 0]


def search(
    text_map: TextMap, quote: str, context: Context, target: int | None, mapped: int
) -> tuple[int, int] | None:
    """Return (new paragraph, offset) of the best occurrence scoring THRESHOLD or more, or None.

    ``target`` is the new paragraph the quote's old paragraph became (or None), ``mapped`` the
    new offset the diff gives for the quote's old start.
    """
    best, best_key = None, None
    for at in _candidates(text_map.new_text, quote, context, mapped):
        index = text_map.new_paragraph(at)
        offset = at - text_map.new_starts[index]
        own = text_map.new[index]
        if offset + len(quote) > len(own) or not keeps_edges(text_map.new_text, at, quote, context):
            continue  # spans two paragraphs, or cuts a word the quote did not cut
        score = _score(text_map.new_text, at, own, offset, len(quote), context, index == target, mapped)
        key = (score, -abs(at - mapped))
        if score >= THRESHOLD and (best_key is None or key > best_key):
            best, best_key = (index, offset), key
    return best


def _candidates(text: str, quote: str, context: Context, mapped: int) -> set[int]:
    """Occurrences near ``mapped``, and farther ones with FAR_KEY characters of context."""
    low, high = max(0, mapped - SEARCH_WINDOW), min(len(text), mapped + SEARCH_WINDOW + len(quote))
    found = set(_nearest(_occurrences(text, quote, low, high), mapped))
    prefix = context.prefix if context.inner_prefix is None else context.inner_prefix
    suffix = context.suffix if context.inner_suffix is None else context.inner_suffix
    if len(prefix) >= FAR_KEY:
        keyed = _occurrences(text, prefix[-FAR_KEY:] + quote, 0, len(text))
        found.update(at + FAR_KEY for at in _nearest(keyed, mapped - FAR_KEY))
    if len(suffix) >= FAR_KEY:
        found.update(_nearest(_occurrences(text, quote + suffix[:FAR_KEY], 0, len(text)), mapped))
    return found


def _score(
    text: str, at: int, own: str, offset: int, size: int, context: Context, in_target: bool, mapped: int
) -> float:
    """Score an occurrence: PREFIX_WEIGHT · prefix + SUFFIX_WEIGHT · suffix + POSITION_WEIGHT · closeness."""
    inner = own[max(0, offset - CONTEXT_CHARS) : offset], own[offset + size : offset + size + CONTEXT_CHARS]
    prefix = similarity(context.prefix, text[max(0, at - CONTEXT_CHARS) : at])
    suffix = similarity(context.suffix, text[at + size : at + size + CONTEXT_CHARS])
    if context.inner_prefix is None or context.inner_suffix is None:  # rule 3: no credit for position
        return PREFIX_WEIGHT * prefix + SUFFIX_WEIGHT * suffix
    if in_target:  # the same paragraph: what lies beyond its edges does not matter
        prefix = similarity(context.inner_prefix, inner[0])
        suffix = similarity(context.inner_suffix, inner[1])
        closeness = 1.0
    else:
        # A side that stops at the paragraph's edge may count the edge as context, provided the
        # other side has a whole context of its own: a short paragraph is no evidence alone.
        if len(context.inner_prefix) < CONTEXT_CHARS <= len(context.inner_suffix):
            prefix = max(prefix, similarity(context.inner_prefix, inner[0]))
        elif len(context.inner_suffix) < CONTEXT_CHARS <= len(context.inner_prefix):
            suffix = max(suffix, similarity(context.inner_suffix, inner[1]))
        closeness = max(0.0, 1.0 - abs(at - mapped) / SEARCH_WINDOW)
    return PREFIX_WEIGHT * prefix + SUFFIX_WEIGHT * suffix + POSITION_WEIGHT * closeness


def _nearest(offsets: list[int], mapped: int) -> list[int]:
    return sorted(offsets, key=lambda at: abs(at - mapped))[:MAX_CANDIDATES]


def _occurrences(text: str, part: str, low: int, high: int) -> list[int]:
    """Return every start of ``part`` in ``text[low:high]``, overlapping ones included."""
    found, at = [], text.find(part, low, high)
    while at >= 0:
        found.append(at)
        at = text.find(part, at + 1, high)
    return found

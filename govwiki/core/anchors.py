"""Comment anchors that follow the text from revision to revision, and admit when they cannot.

Anchors live in reading-text coordinates: a rendered page is a list of paragraphs (its top-level
blocks, ``Rendered.paragraphs``), and a comment points at ``[start, end)`` of one paragraph's
text, what the reader selected. ``Anchor`` is stored once, as the W3C Web Annotation model
does: the exact quote, CONTEXT_CHARS of prefix and suffix, and its offset in the document text
(the paragraphs joined by SEPARATOR, the TextPositionSelector's coordinates). ``Placement`` is
where the comment points in a later revision, or OUTDATED.

When a page changes, ``Remap(old, new)`` diffs the two document texts once and places every
comment written on or carried to ``old``:

1. **Kept.** The placement's span is mapped through the diff. If the diff kept it together with
   its CONTEXT_CHARS each side, the comment stays on it (the usual case, a bisection). When
   something near it changed: its whole passage (prefix + quote + suffix), if unique in both
   revisions, is followed wherever it is, since with repeated text the diff may take a copy for
   the original; else the diff's answer stands if the span stayed whole in one new paragraph
   and a word edge (a Latin letter or digit against anything else) at either end is still an
   edge; else a paragraph that moved verbatim (its text gone here, unchanged as a new paragraph
   no other went to) takes its comments along at the same offsets.
2. **Found again.** Otherwise the exact quote is looked for in the new text: the MAX_CANDIDATES
   occurrences nearest the mapped position within SEARCH_WINDOW characters, and anywhere else
   those followed or preceded by FAR_KEY characters of its old context. Each is scored
   ``PREFIX_WEIGHT * prefix similarity + SUFFIX_WEIGHT * suffix similarity + POSITION_WEIGHT *
   closeness`` (0.4, 0.4, 0.2), similarity being 1 - edit distance / length over the
   CONTEXT_CHARS each side. In the paragraph the old one became (rule 4) contexts stop at the
   paragraph's edges and closeness is 1; elsewhere contexts run across paragraphs (but a side
   that stopped at the paragraph's edge may count the edge) and closeness falls linearly to 0
   at SEARCH_WINDOW characters. A candidate must keep the quote's word edges. The best wins if
   it scores THRESHOLD (0.75) or more, else the comment is OUTDATED. The same words in another
   sentence share no context and score about 0.3: a comment is never silently moved to other
   words (``anchor_search`` shows the calibration).
3. **Outdated stays outdated, unless its text returns.** An OUTDATED comment has no place in
   ``old``: its stored passage is looked for whole (and unique), then as in rule 2 with the
   stored prefix and suffix but no credit for position, so only a passage whose context came
   back nearly whole (a revert, say) reclaims it.
4. **Whole-paragraph comments** have no Anchor: ``Remap.paragraphs`` sends each old paragraph
   to the new paragraph holding most of its characters (at least MIN_SURVIVING of them, by the
   same diff) or to the paragraph it moved to verbatim; else None (deleted or rewritten).

Whatever the rule, a placement is returned only if the new text at it equals the quote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from govwiki.core.anchor_diff import MIN_SURVIVING, TextMap
from govwiki.core.anchor_search import (
    CONTEXT_CHARS,
    FAR_KEY,
    MAX_CANDIDATES,
    POSITION_WEIGHT,
    PREFIX_WEIGHT,
    SEARCH_WINDOW,
    SUFFIX_WEIGHT,
    THRESHOLD,
    Context,
    intact,
    keeps_edges,
    search,
)
from govwiki.core.diff import DEFAULT_TIMEOUT

__all__ = [
    "CONTEXT_CHARS", "FAR_KEY", "MAX_CANDIDATES", "MAX_QUOTE_CHARS", "MIN_SURVIVING", "OUTDATED",
    "POSITION_WEIGHT", "PREFIX_WEIGHT", "SEARCH_WINDOW", "SEPARATOR", "SUFFIX_WEIGHT", "THRESHOLD",
    "Anchor", "Placement", "Remap", "document_offset", "locate", "reanchor", "reparagraph",
]  # fmt: skip

SEPARATOR = "\n\n"  #: paragraphs are joined with this to form the document text for TextPosition
MAX_QUOTE_CHARS = 1_000  #: a longer selection is refused (comment on the paragraph instead)


@dataclass(frozen=True)
class Anchor:
    """Where a comment was written: stored once, never changes."""

    paragraph: int  #: index in the revision's paragraphs
    start: int  #: offset of the quote in that paragraph's text
    end: int
    quote: str  #: exact text found (paragraphs[paragraph][start:end])
    prefix: str  #: up to CONTEXT_CHARS characters before, within the document text
    suffix: str  #: up to CONTEXT_CHARS characters after
    position: int  #: start offset in SEPARATOR.join(paragraphs) (TextPositionSelector)

    @property
    def placement(self) -> Placement:
        """Return the placement in the revision the anchor was written on."""
        return Placement(self.paragraph, self.start, self.end)


@dataclass(frozen=True)
class Placement:
    """Where the comment points in some later revision."""

    paragraph: int | None
    start: int | None
    end: int | None

    @property
    def outdated(self) -> bool:
        """Tell whether the quote could not be placed in this revision."""
        return self.paragraph is None


OUTDATED = Placement(None, None, None)


def document_offset(paragraphs: Sequence[str], paragraph: int, start: int) -> int:
    """Return the offset in SEPARATOR.join(paragraphs) of ``start`` in paragraph ``paragraph``."""
    return sum(len(text) for text in paragraphs[:paragraph]) + len(SEPARATOR) * paragraph + start


def locate(
    paragraphs: Sequence[str], quote: str, paragraph: int | None = None, near: int | None = None
) -> Anchor | None:
    """Find a reader's selection in one paragraph (or the first holding it); whitespace is loose.

    Runs of whitespace in ``quote`` match runs in the text, ends are trimmed; among several
    occurrences the one starting nearest ``near`` (an offset in the paragraph) wins, else the
    first. None when the quote is blank, longer than MAX_QUOTE_CHARS, or not in one paragraph.
    """
    words = quote.split()
    if not words or len(quote.strip()) > MAX_QUOTE_CHARS:
        return None
    if paragraph is not None and not 0 <= paragraph < len(paragraphs):
        return None
    pattern = re.compile("(?=(" + r"\s+".join(map(re.escape, words)) + "))")  # overlapping, too
    for index in range(len(paragraphs)) if paragraph is None else (paragraph,):
        spans = [found.span(1) for found in pattern.finditer(paragraphs[index])]
        if spans:
            start, end = spans[0] if near is None else min(spans, key=lambda span: abs(span[0] - near))
            return _anchor(paragraphs, index, start, end)
    return None


def _anchor(paragraphs: Sequence[str], index: int, start: int, end: int) -> Anchor:
    text = SEPARATOR.join(paragraphs)
    position = document_offset(paragraphs, index, start)
    after = position + end - start
    return Anchor(
        paragraph=index,
        start=start,
        end=end,
        quote=paragraphs[index][start:end],
        prefix=text[max(0, position - CONTEXT_CHARS) : position],
        suffix=text[after : after + CONTEXT_CHARS],
        position=position,
    )


def reanchor(
    old: Sequence[str], new: Sequence[str], items: Sequence[tuple[Anchor, Placement]]
) -> list[Placement]:
    """Return where each (anchor, placement in ``old``) points in ``new``, in order."""
    return Remap(old, new).placements(items)


def reparagraph(old: Sequence[str], new: Sequence[str], paragraphs: Sequence[int]) -> list[int | None]:
    """Return the paragraph of ``new`` each paragraph of ``old`` became, or None."""
    return Remap(old, new).paragraphs(paragraphs)


class Remap:
    """The diff of two revisions' paragraphs, computed once, to carry comments from old to new."""

    def __init__(self, old: Sequence[str], new: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._map = TextMap(old, new, SEPARATOR, timeout=timeout)

    def paragraphs(self, indices: Sequence[int]) -> list[int | None]:
        """Return the new paragraph each old paragraph index became, or None (rule 4)."""
        mapped = self._map.paragraph_map()
        return [mapped[index] if 0 <= index < len(mapped) else None for index in indices]

    def placements(self, items: Sequence[tuple[Anchor, Placement]]) -> list[Placement]:
        """Return each item's placement in the new revision (rules 1-3), in order."""
        placed, new_text = [], self._map.new_text
        for anchor, placement in items:
            # Every rule ends by checking the new text holds the quote: without it, none can.
            found = self._place(anchor, placement) if anchor.quote in new_text else None
            placed.append(OUTDATED if found is None else self._verified(found, anchor.quote))
        return placed

    def _place(self, anchor: Anchor, placement: Placement) -> tuple[int, int] | None:
        """Return (new paragraph, offset) for the quote, or None when it is outdated."""
        text_map, quote = self._map, anchor.quote
        if placement.outdated or not _holds(text_map.old, placement, quote):  # rule 3
            stored = Context.stored(anchor.prefix, quote, anchor.suffix)
            hint = min(anchor.position, len(text_map.new_text))
            return intact(text_map, quote, stored) or search(text_map, quote, stored, None, hint)
        paragraph, start = placement.paragraph, placement.start
        at = text_map.old_starts[paragraph] + start
        new_at = self._kept_at(at, len(quote))
        if new_at is not None and self._window_kept(at, len(quote), new_at):
            return self._where(new_at)  # rule 1, the usual case: nothing changed near it
        context = Context.around(text_map.old_text, text_map.old[paragraph], at, start, len(quote))
        # Its whole passage, unique, wherever it is, beats the diff: with repeated text (a copied
        # paragraph, say) the diff may take the copy for the original.
        found = intact(text_map, quote, context)
        if found is None and new_at is not None and keeps_edges(text_map.new_text, new_at, quote, context):
            found = self._where(new_at)  # rule 1: the span was kept, and its word edges
        target = text_map.paragraph_map()[paragraph]
        if found is None and target is not None and text_map.new[target] == text_map.old[paragraph]:
            found = (target, start)  # rule 1: the paragraph moved verbatim
        if found is None:
            found = search(text_map, quote, context, target, text_map.new_offset(at))  # rule 2
        return found

    def _kept_at(self, at: int, size: int) -> int | None:
        """Return the new offset of old ``[at, at + size)`` if the diff kept it, in one paragraph."""
        new_at = self._map.unchanged(at, at + size)
        if new_at is None:
            return None
        index = self._map.new_paragraph(new_at)
        return new_at if new_at + size <= self._map.new_starts[index] + len(self._map.new[index]) else None

    def _window_kept(self, at: int, size: int, new_at: int) -> bool:
        """Tell whether the diff kept the quote with CONTEXT_CHARS on each side as well."""
        old_size, new_size = len(self._map.old_text), len(self._map.new_text)
        low, high = max(0, at - CONTEXT_CHARS), min(old_size, at + size + CONTEXT_CHARS)
        if self._map.unchanged(low, high) is None:
            return False
        # A context cut short by the document's start or end must not have grown since.
        return (low > 0 or new_at == at) and (high < old_size or new_size - new_at == old_size - at)

    def _where(self, new_at: int) -> tuple[int, int]:
        index = self._map.new_paragraph(new_at)
        return index, new_at - self._map.new_starts[index]

    def _verified(self, found: tuple[int, int], quote: str) -> Placement:
        """Return the placement only if the new text there is exactly the quote."""
        placement = Placement(found[0], found[1], found[1] + len(quote))
        return placement if _holds(self._map.new, placement, quote) else OUTDATED


def _holds(paragraphs: Sequence[str], placement: Placement, quote: str) -> bool:
    index, start, end = placement.paragraph, placement.start, placement.end
    if index is None or start is None or end is None or not 0 <= index < len(paragraphs):
        return False
    return 0 <= start and end - start == len(quote) and paragraphs[index][start:end] == quote

"""Bounds on Python-Markdown's work, so that no source can keep a worker busy for long.

Python-Markdown has super-linear paths (bracket and fence scanning, blocks consumed a line at
a time, list pops from the front, duplicate footnote references) and deep nesting that ends in
``RecursionError``. ``bound_work`` wraps one Markdown instance: nesting and scans are capped
(past a cap the construct stays plain text) and the rest is metered against WORK_BUDGET, about
half a second; past it the parser raises ``TooMuchWork`` and the caller shows the source.
"""

from __future__ import annotations

import functools
import re
from xml.etree import ElementTree as etree

import markdown as md_lib
from markdown.extensions.footnotes import FootnoteExtension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

MAX_BLOCK_DEPTH = 24  #: nested lists/quotes deeper than this render as text
MAX_TREE_DEPTH = 48  #: elements nested deeper than this are flattened to their text
LINK_SCAN_WINDOW = 2_000  #: longest link text, destination or reference id we look for
LINK_SCAN_BUDGET = 2_000_000  #: link scanning per document (~0.5 s); then links stay text
MAX_FOOTNOTE_REFS = 1_000  #: footnote references per document; later ones stay text
WORK_BUDGET = 50_000_000  #: metered parser work per document, in units of about 10 ns
COPY_DIVISOR = 8  #: copying a string costs about a unit per 8 characters
BLOCK_TEST_COST = 200  #: a block processor's test, besides scanning the block
MATCH_COST = 100  #: an inline match attempt, found or not
CELL_COST = 1_000  #: each table cell gets its own inline pass
FOOTNOTE_COST = 5_000  #: each footnote is parsed as a document of its own

_LINK_PATTERNS = ("reference", "link", "image_link", "image_reference", "short_reference", "short_image_ref")


class TooMuchWork(Exception):
    """The document would take too long to render; show its source instead."""


class _Budget:
    __slots__ = ("work", "scan", "footnote_refs")

    def reset(self) -> None:
        self.work = WORK_BUDGET
        self.scan = LINK_SCAN_BUDGET
        self.footnote_refs = MAX_FOOTNOTE_REFS

    def charge(self, amount: int) -> None:
        self.work -= amount
        if self.work < 0:
            raise TooMuchWork


class _BlockStack:
    """The parser's block list, reversed: processors only use ``[0]``, ``pop(0)`` and
    ``insert(0, x)``, which cost O(len) on a list and make many short blocks quadratic."""

    __slots__ = ("_items",)

    def __init__(self, blocks: list[str]) -> None:
        self._items = blocks[::-1]

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: int) -> str:
        return self._items[-1 - index]

    def pop(self, index: int = 0) -> str:
        return self._items.pop(-1 - index)

    def insert(self, index: int, block: str) -> None:
        self._items.insert(len(self._items) - index, block)


def bound_work(md: md_lib.Markdown, footnotes: FootnoteExtension) -> None:
    """Cap the constructs whose cost grows faster than the input (per instance, not global)."""
    md.govwiki_budget = budget = _Budget()
    parse_blocks = md.parser.parseBlocks
    md.parser.parseBlocks = lambda parent, blocks: parse_blocks(parent, _BlockStack(blocks))
    for processor in md.parser.blockprocessors:
        _meter_block_test(processor, budget)
    for name in ("olist", "ulist", "indent", "quote"):
        _limit_nesting(md.parser.blockprocessors[name])
    _cheap_table_test(md.parser.blockprocessors["table"], budget)
    for processor in md.inlinePatterns:
        if isinstance(processor, InlineProcessor):  # every stock pattern is
            _meter_inline_match(processor, budget)
    for name in _LINK_PATTERNS:
        _window_scans(md.inlinePatterns[name], budget)
    _limit_footnote_refs(md.inlinePatterns["footnote"], budget)
    fences = md.preprocessors["fenced_code_block"]
    fences.FENCED_BLOCK_RE = _FenceSearch(fences.FENCED_BLOCK_RE, budget)
    footnotes.unique_ref = _fast_unique_ref(footnotes)
    footnotes.setFootnote = _metered(footnotes.setFootnote, budget, FOOTNOTE_COST)
    md.treeprocessors.register(_FlattenDeepTree(md), "govwiki_flatten", 19)  # after inline (20)


def _meter_block_test(processor, budget: _Budget) -> None:
    """Charge every block test by the block's length (tests scan it) plus a fixed overhead."""
    test = processor.test

    def metered(parent, block: str) -> bool:
        budget.charge(len(block) + BLOCK_TEST_COST)
        return test(parent, block)

    processor.test = metered


def _meter_inline_match(processor, budget: _Budget) -> None:
    """Charge each inline match attempt, and a found match for rebuilding its paragraph
    string; cap the depth of what it built."""
    handle = processor.handleMatch

    def metered(m, data: str):
        node, start, end = handle(m, data)
        budget.charge(MATCH_COST if node is None else MATCH_COST + len(data) // COPY_DIVISOR)
        if node is not None and not isinstance(node, str):
            _flatten(node, MAX_TREE_DEPTH)
        return node, start, end

    processor.handleMatch = metered


def _limit_nesting(processor) -> None:
    """Stop opening lists/quotes past MAX_BLOCK_DEPTH: each level re-parses the rest."""
    test, state = processor.test, processor.parser.state
    processor.test = lambda parent, block: len(state) < MAX_BLOCK_DEPTH and test(parent, block)


def _cheap_table_test(processor, budget: _Budget) -> None:
    """Test only the header and separator rows; the stock test splits the whole block.

    (So a one-column table whose later rows lack pipes is a table, not a paragraph.) Each
    cell costs a full inline pass, so charge for the cells before building them.
    """
    test, run = processor.test, processor.run

    def metered_run(parent, blocks) -> None:
        budget.charge((blocks[0].count("\n") + blocks[0].count("|")) * CELL_COST)
        return run(parent, blocks)

    processor.run = metered_run

    def cheap_test(parent, block: str) -> bool:
        first = block.find("\n")
        if first < 0:
            return False
        second = block.find("\n", first + 1)
        return test(parent, block if second < 0 else block[:second])

    processor.test = cheap_test


def _window_scans(processor, budget: _Budget) -> None:
    """Scan at most LINK_SCAN_WINDOW characters per bracket, LINK_SCAN_BUDGET per document.

    The stock scanners walk to the end of the paragraph from every ``[`` and ``(``, which is
    quadratic for ``[[[[...``. They only read forward from ``index``, so a window suffices.
    """

    def windowed(scan, fail, cost):
        def scan_window(data: str, index: int, *args):
            window = min(LINK_SCAN_WINDOW, budget.scan)
            if window <= 0:
                return (*fail, index, False)
            scanned = data[index : index + window]
            *found, end, handled = scan(scanned, 0, *args)
            budget.scan -= cost(scanned, end, handled)
            return (*found, end + index, handled)

        return scan_window

    processor.getText = windowed(processor.getText, ("",), _text_scan_cost)
    if hasattr(processor, "getLink"):
        processor.getLink = windowed(processor.getLink, ("", None), _link_scan_cost)
    if hasattr(processor, "evalId"):  # a regex match: C speed, so windowed but free
        processor.evalId = windowed(processor.evalId, (None,), lambda *args: 0)


def _text_scan_cost(scanned: str, end: int, handled: bool) -> int:
    """``getText`` stops at the closing ``]`` or reads the whole window."""
    return end if handled else len(scanned)


def _link_scan_cost(scanned: str, end: int, handled: bool) -> int:
    """``getLink`` fails at once without ``(``; else it stops at the closing ``)`` or, for a
    title without its closing quote, reads the whole window and backtracks. Its loop is
    about five times slower than ``getText``'s."""
    if not scanned.startswith("("):
        return 1
    span = scanned[:end]
    closed = handled and ('"' not in span and "'" not in span or span[:-1].rstrip()[-1:] in "\"'")
    return 5 * (end if closed else len(scanned))


def _metered(function, budget: _Budget, cost: int):
    def metered(*args):
        budget.charge(cost)
        return function(*args)

    return metered


def _limit_footnote_refs(processor, budget: _Budget) -> None:
    """Cap footnote references; each one copies and searches the list of definitions."""
    handle, definitions = processor.handleMatch, processor.footnotes

    def limited(m, data):
        if budget.footnote_refs <= 0:
            return None, None, None
        budget.footnote_refs -= 1
        budget.charge(len(definitions.footnotes) // COPY_DIVISOR)
        return handle(m, data)

    processor.handleMatch = limited


def _fast_unique_ref(footnotes: FootnoteExtension):
    """O(1) replacement for ``unique_ref``, which probes fnref2-, fnref3-, ... one by one."""

    def unique_ref(reference: str, found: bool = False) -> str:
        if not found:
            return reference
        count = footnotes.found_refs.get(reference, 0) + 1
        footnotes.found_refs[reference] = count
        if count > 1:
            ref, rest = reference.split(footnotes.get_separator(), 1)
            reference = f"{ref}{count}{footnotes.get_separator()}{rest}"
        footnotes.used_refs.add(reference)
        return reference

    return unique_ref


class _FenceSearch:
    """Stands in for the fenced-code regex's ``search``, in linear time.

    The stock search retries every unclosed opening fence against the rest of the document
    (5 s for 50 KB of "```x" lines). Here the next closing line of each fence string is found
    once, and the stock regex runs only up to it. (So ``hl_lines="...`` may not span a fence.)
    """

    _OPENER = re.compile(r"^(?:~{3,}|`{3,})", re.M)

    def __init__(self, pattern: re.Pattern, budget: _Budget) -> None:
        self.pattern, self.budget = pattern, budget

    def search(self, text: str, pos: int = 0) -> re.Match | None:
        # The caller slices and rejoins the text after each match: cheaper than a rebuild.
        self.budget.charge(len(text) // (4 * COPY_DIVISOR))
        next_closer: dict[str, int] = {}  # fence -> end of its next closing line, or -1
        for opener in self._OPENER.finditer(text, pos):
            line_end = text.find("\n", opener.end())
            if line_end < 0:
                return None
            fence = opener.group()
            closer = next_closer.get(fence)
            if closer is None or 0 <= closer <= line_end:
                found = _closing_fence(fence).search(text, line_end)
                next_closer[fence] = closer = found.end() if found else -1
            if closer > 0 and (m := self.pattern.match(text, opener.start(), closer)):
                return m
        return None


@functools.lru_cache(maxsize=64)
def _closing_fence(fence: str) -> re.Pattern:
    return re.compile(f"^{re.escape(fence)}[ ]*$", re.M)


def _flatten(root: etree.Element, max_depth: int) -> None:
    """Replace subtrees below ``max_depth`` by their text, without recursing."""
    stack = [(root, 0)]
    while stack:
        element, depth = stack.pop()
        if depth < max_depth:
            stack.extend((child, depth + 1) for child in element)
            continue
        text = "".join(element.itertext())
        for child in list(element):
            element.remove(child)
        element.text = text


class _FlattenDeepTree(Treeprocessor):
    """Keep the whole tree shallow: the serializer, toc and prettify all recurse over it."""

    def run(self, root: etree.Element) -> None:
        _flatten(root, MAX_TREE_DEPTH)

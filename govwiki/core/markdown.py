"""Render wiki Markdown to HTML that is safe to put in a page.

Two independent layers keep user HTML from executing (SECURITY.md item 3):

1. Python-Markdown runs with its raw-HTML preprocessor and inline pattern removed, so
   ``<script>`` in the source becomes visible, escaped text. ``attr_list`` stays off: it would
   turn ``{: onclick=... }`` into a real attribute.
2. The finished HTML goes through nh3 with an explicit allowlist: the tags Markdown emits,
   ``id`` only with our prefixes (``h-`` for headings, ``fn-``/``fnref-`` for footnotes, so a
   heading cannot clobber a DOM global), known classes only, http/https/mailto or relative URLs,
   and ``rel="noopener noreferrer nofollow"`` on every link.

Python-Markdown has super-linear paths (bracket and fence scanning, blocks consumed a line at
a time, list pops from the front, duplicate footnote references) and deep nesting that ends in
``RecursionError``. ``_bound_work`` wraps this module's own instance: nesting and scans are
capped (past a cap the construct stays plain text) and the rest is metered against
WORK_BUDGET, about half a second. A source over budget or over MAX_SOURCE_CHARS, or one that
makes the library raise, is shown escaped in a ``<pre>``, never as an error page.
"""

from __future__ import annotations

import functools
import html
import logging
import re
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass
from xml.etree import ElementTree as etree

import markdown as md_lib  # the library: absolute imports cannot resolve to this module
import nh3
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension, slugify_unicode
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

log = logging.getLogger(__name__)

#: Part of every cache key: bump it whenever the HTML for the same source may change.
RENDERER_VERSION = "1"

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
MAX_SOURCE_CHARS = 500_000  #: longer sources are shown as text without parsing

_HEADING_PREFIX = "h-"
_LINK_PATTERNS = (
    "reference", "link", "image_link", "image_reference", "short_reference", "short_image_ref",
)
_ID_RE = re.compile(r"(?:h|fn|fnref\d*)-\S*\Z")
_CODE_CLASS_RE = re.compile(r"language-[\w#+.-]+\Z")


_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
    "div", "sup",
}  # fmt: skip
_ATTRIBUTES = {
    **{f"h{level}": {"id"} for level in range(1, 7)},
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "pre": {"class"},
    "div": {"class"},
    "sup": {"id"},
    "li": {"id"},
    "ol": {"start"},
}
_ALIGN = {"align": {"left", "center", "right"}}
_CLASSES = {"div": {"footnote"}, "a": {"footnote-ref", "footnote-backref"}}
_FOOTNOTE_LINKS_RE = re.compile(  # in Markdown's own output, before sanitizing
    r'<sup id="fnref[^"]*"><a class="footnote-ref"[^>]*>[^<]*</a></sup>'
    r'|<a class="footnote-backref"[^>]*>[^<]*</a>'
)
_SPACE_RE = re.compile(r"\s+")
TEXT_RUN = 1_000
# Text between tags: Markdown escapes "<" and ">" inside attribute values.
_LONG_TEXT_RE = re.compile(f">([^<]{{{TEXT_RUN + 1},}})<")


@dataclass(frozen=True)
class Rendered:
    """Sanitized HTML and its table of contents; shared through the cache, so read-only."""

    html: str
    #: ``{"id", "name", "level", "children"}`` per heading; ``name`` is plain text.
    toc: list[dict]


def render_markdown(text: str) -> Rendered:
    """Render Markdown source to sanitized HTML and a table of contents."""
    converted = _convert_or_none(text)
    if converted is None:
        return Rendered(html=f"<pre>{html.escape(text, quote=False)}</pre>\n", toc=[])
    raw, tokens = converted
    return Rendered(html=_sanitize(raw), toc=[_toc_item(t) for t in tokens])


def plain_text(text: str) -> str:
    """Reduce Markdown source to plain text, e.g. for search snippets."""
    converted = _convert_or_none(text)
    if converted is not None:  # strip the unsanitized HTML, whose attributes escape "<>"
        raw = _FOOTNOTE_LINKS_RE.sub("", converted[0])
        text = html.unescape(nh3.clean(_split_long_text(raw), tags=set()))
    return _SPACE_RE.sub(" ", text).strip()


def _convert_or_none(text: str) -> tuple[str, list[dict]] | None:
    """Convert to (unsanitized HTML, toc tokens), or None when the source is to be shown as is."""
    try:
        if len(text) > MAX_SOURCE_CHARS:
            raise _TooMuchWork
        return _convert(text)
    except _TooMuchWork:
        log.warning("Markdown too costly to render (%d characters); showing the source", len(text))
    except Exception:  # a library bug on hostile input must not become a 500
        log.exception("Markdown rendering failed; showing the escaped source")
    return None


# --- the Markdown instance -------------------------------------------------------------------

_local = threading.local()


def _convert(text: str) -> tuple[str, list[dict]]:
    """Convert with this thread's Markdown instance (instances are not thread-safe)."""
    md = getattr(_local, "md", None) or _new_markdown()
    _local.md = None  # an exception below leaves parser state behind: build afresh next time
    md.reset()
    md.govwiki_budget.reset()
    out = md.convert(text)
    tokens = md.toc_tokens
    _local.md = md
    return out, tokens


def _heading_slug(value: str, separator: str) -> str:
    return _HEADING_PREFIX + slugify_unicode(value, separator)


def _new_markdown() -> md_lib.Markdown:
    footnotes = FootnoteExtension(SEPARATOR="-")
    md = md_lib.Markdown(
        extensions=[
            TableExtension(use_align_attribute=True),
            footnotes,
            "fenced_code",
            "sane_lists",
            TocExtension(marker="", slugify=_heading_slug),
        ],
        output_format="html",
    )
    md.preprocessors.deregister("html_block")  # raw HTML blocks become escaped text
    md.inlinePatterns.deregister("html")  # and so do inline tags and comments
    _bound_work(md, footnotes)
    return md


# --- guards against pathological input --------------------------------------------------------


class _TooMuchWork(Exception):
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
            raise _TooMuchWork


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


def _bound_work(md: md_lib.Markdown, footnotes: FootnoteExtension) -> None:
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


# --- sanitizing ---------------------------------------------------------------------------------


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Keep only ids with our prefixes and the classes Markdown itself emits."""
    if attribute == "id":
        return value if _ID_RE.match(value) else None
    if attribute == "class":
        allowed = _CLASSES.get(tag)
        keep = [c for c in value.split() if (c in allowed if allowed else _CODE_CLASS_RE.match(c))]
        return " ".join(keep) or None
    if attribute == "start":
        return value if value.isascii() and value.isdigit() and len(value) < 10 else None
    return value


def _sanitize(raw: str) -> str:
    return nh3.clean(
        _split_long_text(raw),
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        tag_attribute_values={"th": _ALIGN, "td": _ALIGN},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def _split_long_text(markup: str) -> str:
    """Put an empty comment every TEXT_RUN characters of a long text run.

    nh3 takes time quadratic in a text node's length times its ``&`` and no-break spaces
    (9 s for 1.5 MB of "&amp;xxxxxxxxxx"). nh3 drops comments, so the output is the same,
    but each text node stays short. Cuts never land inside an entity.
    """

    def cut(run: re.Match) -> str:
        text, pieces, start = run.group(1), [], 0
        while len(text) - start > TEXT_RUN:
            at = start + TEXT_RUN
            entity = text.rfind("&", at - 40, at)
            if entity > start and text.find(";", entity, at) < 0:
                at = entity
            pieces.append(text[start:at])
            start = at
        pieces.append(text[start:])
        return ">" + "<!---->".join(pieces) + "<"

    return _LONG_TEXT_RE.sub(cut, markup)


def _toc_item(token: dict) -> dict:
    return {
        "id": token["id"],
        "name": html.unescape(token["name"]),
        "level": token["level"],
        "children": [_toc_item(child) for child in token["children"]],
    }


# --- cache ------------------------------------------------------------------------------------


class _RenderCache:
    """A thread-safe LRU bounded by entry count and by approximate bytes held."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._items: OrderedDict[str, tuple[Rendered, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> Rendered | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: str, value: Rendered) -> Rendered:
        """Store ``value`` unless another thread got there first; return the cached one."""
        size = _approx_size(value)
        with self._lock:
            if key in self._items:
                return self._items[key][0]
            if size > self.max_bytes:
                return value
            self._items[key] = (value, size)
            self._bytes += size
            while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped
            return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


def _approx_size(rendered: Rendered) -> int:
    def toc_size(items: list[dict]) -> int:
        return sum(
            200 + sys.getsizeof(i["id"]) + sys.getsizeof(i["name"]) + toc_size(i["children"])
            for i in items
        )

    return sys.getsizeof(rendered.html) + toc_size(rendered.toc)


_cache = _RenderCache(max_entries=512, max_bytes=64 * 1024 * 1024)


def render_cached(key: str, text: str) -> Rendered:
    """Render ``text``, cached under ``key``, which must identify it (a revision's sha256)."""
    full_key = f"{RENDERER_VERSION}:{key}"
    found = _cache.get(full_key)
    if found is not None:
        return found
    return _cache.put(full_key, render_markdown(text))  # rendered outside the lock


def clear_render_cache() -> None:
    """Empty the render cache (tests, or after changing RENDERER_VERSION at runtime)."""
    _cache.clear()

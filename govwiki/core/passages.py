"""Quoted passages and paragraph tools in a page's finished HTML.

Comment anchors count characters of each top-level block's reading text, the block's
``textContent`` (core.markdown marks block N with ``data-para="N"``). Marking a passage means
finding those characters in the sanitized HTML again: walk its tags and text runs, count each
run's characters as the browser decodes them, and wrap the part of a run that falls in a quoted
range in ``<mark>``. A range that spans several elements gets one ``<mark>`` per text run, so
the nesting of the HTML never changes; runs of only white space (between table rows, list items)
are never wrapped, since a ``<mark>`` there would be moved out of the table by the parser.

Each block can also get a wrapper with something after it (its comment count and links): the
block itself is left as it is, so its reading text and offsets stay exactly those of the page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping

#: a tag as the sanitizer writes it (attribute values are double-quoted and may hold ">")
_TOKEN = re.compile(r'<!--.*?-->|<(?:[^>"\']|"[^"]*"|\'[^\']*\')*>', re.S)
_START = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)")
_PARA = re.compile(r'\sdata-para="([0-9]+)"')
VOID = frozenset(
    "area base br col embed hr img input link meta source track wbr".split()
)  # fmt: skip
MARK_OPEN, MARK_CLOSE = '<mark class="quoted">', "</mark>"


def merge_ranges(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort ranges and join those that overlap or touch; empty ones are dropped."""
    merged: list[list[int]] = []
    for start, end in sorted((s, e) for s, e in ranges if e > s):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def reading_text(run: str) -> str:
    """The characters a text run of the HTML puts in the DOM (entities decoded, CR as LF)."""
    text = html.unescape(run)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def decorate(
    page_html: str,
    marks: Mapping[int, Iterable[tuple[int, int]]] | None = None,
    after: Callable[[int, str], str] | None = None,
    wrapper: Callable[[int], str] | None = None,
) -> str:
    """Wrap the `marks` (paragraph → [(start, end)] in its reading text) in ``<mark>``; with
    `wrapper` (paragraph → opening tag of an element closed by ``</div>``), put each block and
    what `after` (paragraph, tag name of the block) returns for it inside that element."""
    ranges = {n: merge_ranges(r) for n, r in (marks or {}).items()}
    out: list[str] = []
    depth, block, offset, after_pre, block_tag = 0, None, 0, False, ""
    position = 0
    for token in _TOKEN.finditer(page_html):
        text = page_html[position : token.start()]
        if text:
            if block is not None:
                offset = _text(out, text, ranges.get(block, ()), offset, after_pre)
            else:
                out.append(text)
            after_pre = False
        tag = token.group()
        position = token.end()
        opened = _START.match(tag)
        if opened and depth == 0:
            para = _PARA.search(tag)
            block, offset = (int(para.group(1)), 0) if para else (None, 0)
            block_tag = opened.group(1).lower()
            if block is not None and wrapper is not None:
                out.append(wrapper(block))
        out.append(tag)
        if opened:
            name = opened.group(1).lower()
            after_pre = name == "pre"
            if name not in VOID and not tag.endswith("/>"):
                depth += 1
            elif depth == 0 and block is not None:  # a block that is one void element (<hr>)
                _close_block(out, block, block_tag, after, wrapper)
                block = None
        elif tag.startswith("</"):
            depth = max(0, depth - 1)
            if depth == 0 and block is not None:
                _close_block(out, block, block_tag, after, wrapper)
                block = None
    rest = page_html[position:]
    if block is not None:  # unclosed at the end: cannot happen with sanitized HTML
        offset = _text(out, rest, ranges.get(block, ()), offset, after_pre)
        _close_block(out, block, block_tag, after, wrapper)
    else:
        out.append(rest)
    return "".join(out)


def _close_block(out: list[str], block: int, tag: str, after, wrapper) -> None:
    if after is not None:
        out.append(after(block, tag))
    if wrapper is not None:
        out.append("</div>")


def _text(out: list[str], run: str, ranges, offset: int, after_pre: bool) -> int:
    """Append a text run of a block with its marked parts wrapped; return the offset after it."""
    lead = ""
    if after_pre and run.startswith(("\n", "\r")):  # the parser drops a line break right after <pre>
        cut = 2 if run.startswith("\r\n") else 1
        lead, run = run[:cut], run[cut:]
    text = reading_text(run)
    end = offset + len(text)
    inside = [(max(s, offset) - offset, min(e, end) - offset) for s, e in ranges if s < end and e > offset]
    if not inside:
        out.append(lead + run)
        return end
    pieces, cursor = [lead], 0
    for start, stop in inside:
        pieces.append(_escape(text[cursor:start]))
        passage = text[start:stop]
        pieces.append(passage if not passage.strip() else MARK_OPEN + _escape(passage) + MARK_CLOSE)
        cursor = stop
    pieces.append(_escape(text[cursor:]))
    out.append("".join(pieces))
    return end


def _escape(text: str) -> str:
    return html.escape(text, quote=False)

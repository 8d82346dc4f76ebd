"""Number the top-level blocks of a rendered page and record the text a reader sees in each.

Comment anchors live in reading-text coordinates (``core.anchors``): block N of the page is
"paragraph" N, and its text must equal what the browser's ``element.textContent`` gives for the
element marked ``data-para="N"``, since that is what a reader selects. Every top-level block is
a paragraph: headings, lists, quotes, tables, code blocks, rules (whose text is empty) and the
footnotes ``<div class="footnote">`` at the end (one paragraph holding every footnote).

The numbering runs as the last treeprocessor, when ElementTree holds the final text but not
yet what Markdown's serializer and postprocessors do to it: the serializer escapes ``&`` not
already part of an entity, the postprocessors paste stashed raw HTML (entities, fenced code)
over placeholders and turn ``AMP_SUBSTITUTE`` into ``&``; the browser then decodes entities.
``_reading_text`` replays those steps on each block's text.
"""

from __future__ import annotations

import html
import re
from xml.etree import ElementTree as etree

import markdown as md_lib
from markdown import util
from markdown.extensions.footnotes import FN_BACKLINK_TEXT, NBSP_PLACEHOLDER, FootnoteExtension
from markdown.serializers import RE_AMP
from markdown.treeprocessors import Treeprocessor

ATTRIBUTE = "data-para"

# Placeholders the postprocessors replace: stashed HTML by key, AMP_SUBSTITUTE, footnote backlinks.
_FIXED_MARKERS = (util.AMP_SUBSTITUTE, FN_BACKLINK_TEXT, NBSP_PLACEHOLDER)
_MARKER = re.compile("|".join([util.HTML_PLACEHOLDER % "([0-9]+)", *map(re.escape, _FIXED_MARKERS)]))
_TAG = re.compile(r"<[^>]*>")  # in stashed HTML we made ourselves (fenced code): attributes escape ">"
_FIRST_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)")


def number_blocks(md: md_lib.Markdown, footnotes: FootnoteExtension) -> None:
    """Install the numbering; after ``md.convert`` the texts are in ``md.govwiki_paragraphs``."""
    md.govwiki_paragraphs = ()
    md.treeprocessors.register(_NumberBlocks(md, footnotes), "govwiki_paragraphs", -10)


def browser_text(text: str) -> str:
    """Return ``text`` as the HTML parser hands it to the DOM: CR LF and CR become LF, NUL goes."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


class _NumberBlocks(Treeprocessor):
    """Mark each child of the root with ``data-para`` and record its reading text."""

    def __init__(self, md: md_lib.Markdown, footnotes: FootnoteExtension) -> None:
        super().__init__(md)
        # what the postprocessors put in place of these markers
        self.markers = {
            util.AMP_SUBSTITUTE: "&",
            FN_BACKLINK_TEXT: footnotes.getConfig("BACKLINK_TEXT"),
            NBSP_PLACEHOLDER: "&#160;",
        }

    def run(self, root: etree.Element) -> None:
        stash = self.md.htmlStash.rawHtmlBlocks
        texts = []
        for number, element in enumerate(root):
            key = self._lone_block_placeholder(element, stash)
            if key is None:
                element.set(ATTRIBUTE, str(number))
            else:  # the postprocessor replaces the whole <p>: number the stashed block itself
                stash[key] = _FIRST_TAG.sub(rf'<\1 {ATTRIBUTE}="{number}"', stash[key], count=1)
            texts.append(self._block_text(element, stash))
        self.md.govwiki_paragraphs = tuple(texts)

    def _lone_block_placeholder(self, element: etree.Element, stash: list[str]) -> int | None:
        """Return the stash key when ``element`` is ``<p>`` holding only a stashed block.

        The raw-HTML postprocessor unwraps exactly ``<p>placeholder</p>`` when the stashed HTML
        is a block (fenced code); an attribute on the ``<p>`` would stop it.
        """
        if element.tag != "p" or len(element) or not element.text:
            return None
        found = util.HTML_PLACEHOLDER_RE.fullmatch(element.text)
        if found is None or int(found.group(1)) >= len(stash):
            return None
        tag = _FIRST_TAG.match(stash[int(found.group(1))])
        return int(found.group(1)) if tag and self.md.is_block_level(tag.group(1)) else None

    def _block_text(self, element: etree.Element, stash: list[str]) -> str:
        text = self._reading_text("".join(element.itertext()), stash).replace("\x00", "")
        if "\r" not in text:
            return text
        # Only ``&#13;`` decodes to CR. nh3 writes it out raw, so the browser turns it into LF,
        # or drops it when an LF follows in the same text node: normalize node by node.
        return "".join(browser_text(self._reading_text(t, stash)) for t in element.itertext())

    def _reading_text(self, text: str, stash: list[str]) -> str:
        """Replay serializer, postprocessors and the browser's entity decoding on ``text``."""
        escaped = RE_AMP.sub("&amp;", text)
        if "\x02" in escaped:
            escaped = _MARKER.sub(lambda m: self._marker_markup(m, stash), escaped)
        return html.unescape(escaped)

    def _marker_markup(self, marker: re.Match, stash: list[str]) -> str:
        if marker.group(1) is not None:
            key = int(marker.group(1))
            return _TAG.sub("", stash[key]) if key < len(stash) else marker.group()
        return self.markers[marker.group()]

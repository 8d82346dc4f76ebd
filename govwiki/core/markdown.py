"""Render wiki Markdown to HTML that is safe to put in a page.

Two independent layers keep user HTML from executing (SECURITY.md item 3):

1. Python-Markdown runs with its raw-HTML preprocessor and inline pattern removed, so
   ``<script>`` in the source becomes visible, escaped text. ``attr_list`` stays off: it would
   turn ``{: onclick=... }`` into a real attribute.
2. The finished HTML goes through nh3 with an explicit allowlist: the tags Markdown emits,
   ``id`` only with our prefixes (``h-`` for headings, ``fn-``/``fnref-`` for footnotes, so a
   heading cannot clobber a DOM global), known classes only, http/https/mailto or relative URLs,
   and ``rel="noopener noreferrer nofollow"`` on every link.

Each top-level block carries ``data-para="N"`` and ``Rendered.paragraphs[N]`` holds the text a
reader sees in it, the coordinates comment anchors use (``markdown_paragraphs``). nh3 lets the
attribute through with a decimal value only; Markdown cannot forge it, as it emits no
attributes from the source (no ``attr_list``, raw HTML escaped).

Python-Markdown has super-linear paths; ``markdown_limits.bound_work`` caps and meters this
module's own instance. A source over that budget or over MAX_SOURCE_CHARS, or one that makes
the library raise, is shown escaped in a ``<pre>``, never as an error page.
"""

from __future__ import annotations

import html
import logging
import re
import threading
from dataclasses import dataclass

import markdown as md_lib  # the library: absolute imports cannot resolve to this module
import nh3
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension, slugify_unicode

from govwiki.core.bounded_cache import BoundedCache
from govwiki.core.markdown_limits import TooMuchWork, bound_work
from govwiki.core.markdown_paragraphs import ATTRIBUTE as PARAGRAPH_ATTRIBUTE
from govwiki.core.markdown_paragraphs import browser_text, number_blocks

log = logging.getLogger(__name__)

#: Part of every cache key: bump it whenever the HTML for the same source may change.
RENDERER_VERSION = "2"  # 2: data-para and paragraphs

MAX_SOURCE_CHARS = 500_000  #: longer sources are shown as text without parsing

_HEADING_PREFIX = "h-"
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
# The tags Markdown puts at the top level, which get numbered.
for _tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre", "table", "hr", "div"):
    _ATTRIBUTES[_tag] = _ATTRIBUTES.get(_tag, set()) | {PARAGRAPH_ATTRIBUTE}
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
    """Sanitized HTML, its table of contents and paragraphs; shared through the cache, so read-only."""

    html: str
    #: ``{"id", "name", "level", "children"}`` per heading; ``name`` is plain text.
    toc: list[dict]
    #: the reading text (``textContent``) of each top-level block, the one marked ``data-para="N"``
    paragraphs: tuple[str, ...] = ()


def render_markdown(text: str) -> Rendered:
    """Render Markdown source to sanitized HTML and a table of contents."""
    converted = _convert_or_none(text)
    if converted is None:
        return _as_source(text)
    raw, tokens, paragraphs = converted
    return Rendered(html=_sanitize(raw), toc=[_toc_item(t) for t in tokens], paragraphs=paragraphs)


def _as_source(text: str) -> Rendered:
    """Show the source as one preformatted paragraph."""
    # The HTML parser drops a line break right after <pre>: give it one to drop.
    lead = "\n" if text.startswith(("\n", "\r")) else ""
    return Rendered(
        html=f'<pre {PARAGRAPH_ATTRIBUTE}="0">{lead}{html.escape(text, quote=False)}</pre>\n',
        toc=[],
        paragraphs=(browser_text(text),),
    )


def plain_text(text: str) -> str:
    """Reduce Markdown source to plain text, e.g. for search snippets."""
    converted = _convert_or_none(text)
    if converted is not None:  # strip the unsanitized HTML, whose attributes escape "<>"
        raw = _FOOTNOTE_LINKS_RE.sub("", converted[0])
        text = html.unescape(nh3.clean(_split_long_text(raw), tags=set()))
    return _SPACE_RE.sub(" ", text).strip()


def _convert_or_none(text: str) -> tuple[str, list[dict], tuple[str, ...]] | None:
    """Convert to (unsanitized HTML, toc tokens, paragraphs), or None to show the source as is."""
    try:
        if len(text) > MAX_SOURCE_CHARS:
            raise TooMuchWork
        return _convert(text)
    except TooMuchWork:
        log.warning("Markdown too costly to render (%d characters); showing the source", len(text))
    except Exception:  # a library bug on hostile input must not become a 500
        log.exception("Markdown rendering failed; showing the escaped source")
    return None


# --- the Markdown instance -------------------------------------------------------------------

_local = threading.local()


def _convert(text: str) -> tuple[str, list[dict], tuple[str, ...]]:
    """Convert with this thread's Markdown instance (instances are not thread-safe)."""
    md = getattr(_local, "md", None) or _new_markdown()
    _local.md = None  # an exception below leaves parser state behind: build afresh next time
    md.reset()
    md.govwiki_budget.reset()
    md.govwiki_paragraphs = ()  # convert returns early, without treeprocessors, on a blank source
    out = md.convert(text)
    tokens, paragraphs = md.toc_tokens, md.govwiki_paragraphs
    _local.md = md
    return out, tokens, paragraphs


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
    bound_work(md, footnotes)
    number_blocks(md, footnotes)
    return md


# --- sanitizing ---------------------------------------------------------------------------------


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Keep only ids with our prefixes and the classes Markdown itself emits."""
    if attribute == "id":
        return value if _ID_RE.match(value) else None
    if attribute == "class":
        allowed = _CLASSES.get(tag)
        keep = [c for c in value.split() if (c in allowed if allowed else _CODE_CLASS_RE.match(c))]
        return " ".join(keep) or None
    if attribute in ("start", PARAGRAPH_ATTRIBUTE):
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


#: rendered revisions and comments of this process (each worker has its own)
_cache: BoundedCache[Rendered] = BoundedCache(max_entries=512, max_bytes=64 * 1024 * 1024)


def render_cached(key: str, text: str) -> Rendered:
    """Render ``text``, cached under ``key``, which must identify it (a revision's sha256)."""
    return _cache.get_or_make(f"{RENDERER_VERSION}:{key}", lambda: render_markdown(text))


def clear_render_cache() -> None:
    """Empty the render cache (tests, or after changing RENDERER_VERSION at runtime)."""
    _cache.clear()

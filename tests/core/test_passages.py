"""Marking quoted passages in a page's HTML by reading-text offsets, and wrapping its blocks."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govwiki.core.markdown import render_markdown
from govwiki.core.passages import MARK_OPEN, decorate, merge_ranges


class _Blocks(HTMLParser):
    """The textContent of each data-para block, and the text inside each <mark>, as a browser has them."""

    VOID = {"hr", "br", "img"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: dict[int, str] = {}
        self.marked: list[str] = []
        self._stack: list[int | None] = []
        self._block: int | None = None
        self._in_mark = 0

    def handle_starttag(self, tag, attrs):
        para = dict(attrs).get("data-para")
        if para is not None and self._block is None:
            self._block = int(para)
            self.texts[self._block] = ""
            self._stack = []
        if tag == "mark":
            self._in_mark += 1
            self.marked.append("")
        if tag not in self.VOID and self._block is not None:
            self._stack.append(self._block)
        elif tag in self.VOID and para is not None and not self._stack:
            self._block = None  # a block that is one void element (<hr>)

    def handle_endtag(self, tag):
        if tag == "mark":
            self._in_mark -= 1
        if self._block is not None and self._stack:
            self._stack.pop()
            if not self._stack:
                self._block = None

    def handle_data(self, data):
        if self._block is not None:
            self.texts[self._block] += data
        if self._in_mark:
            self.marked[-1] += data


def blocks(html: str) -> _Blocks:
    parser = _Blocks()
    parser.feed(html)
    return parser


def test_ranges_are_merged_and_sorted():
    assert merge_ranges([(5, 9), (0, 2), (8, 12), (2, 3), (4, 4)]) == [(0, 3), (5, 12)]


def test_a_passage_inside_one_text_run_is_marked():
    html = '<p data-para="0">Markets open at eight.</p>\n'
    out = decorate(html, {0: [(8, 12)]})
    assert out == f'<p data-para="0">Markets {MARK_OPEN}open</mark> at eight.</p>\n'


def test_offsets_count_decoded_characters_and_the_marked_text_stays_escaped():
    html = '<p data-para="0">Fish &amp; chips &lt;3 here</p>'
    out = decorate(html, {0: [(5, 12)]})
    assert f"{MARK_OPEN}&amp; chips</mark>" in out
    assert blocks(out).marked == ["& chips"]


def test_a_passage_across_elements_gets_one_mark_per_text_run():
    html = '<p data-para="0">Stalls <em>must</em> close <a href="/x">early</a>.</p>'
    out = decorate(html, {0: [(4, 23)]})
    assert blocks(out).marked == ["ls ", "must", " close ", "early"]
    assert blocks(out).texts[0] == "Stalls must close early."


def test_white_space_between_table_rows_is_never_wrapped():
    html = '<table data-para="0">\n<tr><td>a b</td></tr>\n<tr><td>c</td></tr>\n</table>'
    out = decorate(html, {0: [(0, 9)]})
    assert "<mark" not in out.replace(f"{MARK_OPEN}a b</mark>", "").replace(f"{MARK_OPEN}c</mark>", "")
    assert blocks(out).texts[0] == blocks(html).texts[0]


def test_the_line_break_after_pre_is_not_counted():
    html = '<pre data-para="0">\nabc def</pre>'
    out = decorate(html, {0: [(4, 7)]})
    assert f"abc {MARK_OPEN}def</mark>" in out


def test_each_block_is_wrapped_with_what_follows_it():
    html = '<h2 data-para="0" id="h-a">A</h2>\n<hr data-para="1">\n<p data-para="2">B</p>\n'
    out = decorate(html, wrapper=lambda n: f'<div id="para-{n}">', after=lambda n, tag: f"<i>{n}{tag}</i>")
    assert out == (
        '<div id="para-0"><h2 data-para="0" id="h-a">A</h2><i>0h2</i></div>\n'
        '<div id="para-1"><hr data-para="1"><i>1hr</i></div>\n'
        '<div id="para-2"><p data-para="2">B</p><i>2p</i></div>\n'
    )


def test_nested_blocks_close_at_their_own_end_tag():
    html = '<ul data-para="0">\n<li><p>x</p><ul><li>y</li></ul></li>\n</ul>\n<p data-para="1">z</p>'
    out = decorate(html, {1: [(0, 1)]}, wrapper=lambda n: "<div>", after=lambda n, tag: "")
    assert out.count("<div>") == 2 and f"{MARK_OPEN}z</mark>" in out
    assert out.index("</ul></div>") < out.index('<p data-para="1">')


def test_an_attribute_holding_a_closing_bracket_is_one_tag():
    html = '<p data-para="0"><a href="/x" title="a > b">link</a> text</p>'
    out = decorate(html, {0: [(0, 4)]})
    assert f'title="a > b">{MARK_OPEN}link</mark>' in out


def test_html_without_numbered_blocks_is_left_as_it_is():
    html = "<p>Plain.</p>\n<p>Text.</p>"
    assert decorate(html, {0: [(0, 3)]}, wrapper=lambda n: "<div>") == html


def test_marks_past_the_end_of_a_paragraph_mark_only_what_is_there():
    html = '<p data-para="0">Short.</p>'
    assert blocks(decorate(html, {0: [(3, 99)]})).marked == ["rt."]


# --- against the renderer: offsets are those of Rendered.paragraphs ---------------------------

SAMPLES = [
    "# Title & more\n\nFirst *para* with **bold** and `code <b>`.\n\n- one\n- two\n\n> quoted\n> text\n",
    "Fish &amp; chips &lt;3 &copy; a&nbsp;b\n\n---\n\n1. first\n2. second\n",
    "```\n<script>alert(1)</script>\n  indented\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    "摊贩须在划定区域内经营。\n\n夜市营业至二十三时[^1]。\n\n[^1]: 周五、周六至二十三时三十分。\n",
    'A [link](https://example.org "t > x") and ![img](/a.png) end.\n\n    code block\n    second line\n',
]


def _no_space(text: str) -> str:
    return re.sub(r"\s", "", text)


@pytest.mark.parametrize("source", SAMPLES)
def test_the_reading_text_of_each_block_stays_that_of_the_renderer(source):
    rendered = render_markdown(source)
    marks = {n: [(0, len(text))] for n, text in enumerate(rendered.paragraphs)}
    out = decorate(rendered.html, marks, after=lambda n, tag: "<p>tools</p>", wrapper=lambda n: "<div>")
    assert blocks(out).texts == dict(enumerate(rendered.paragraphs))


@settings(max_examples=200, deadline=None)
@given(source=st.sampled_from(SAMPLES), data=st.data())
def test_a_marked_range_holds_exactly_the_quoted_characters(source, data):
    rendered = render_markdown(source)
    number = data.draw(st.integers(0, len(rendered.paragraphs) - 1))
    text = rendered.paragraphs[number]
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    out = decorate(rendered.html, {number: [(start, end)]})
    assert blocks(out).texts[number] == text
    assert _no_space("".join(blocks(out).marked)) == _no_space(text[start:end])

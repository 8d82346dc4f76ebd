"""Rendered pages number their top-level blocks, and ``paragraphs`` holds what readers see in each."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govwiki.core import markdown as markdown_module
from govwiki.core.markdown import clear_render_cache, plain_text, render_markdown

_VOID = {"br", "hr", "img", "wbr"}


class _TextContent(HTMLParser):
    """Collect the textContent of every element carrying data-para, as a browser builds it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: dict[int, str] = {}
        self.numbers: list[int] = []  # in document order
        self.depth = 0
        self._open: list[tuple[int, int, list[str]]] = []  # (number, depth, pieces)
        self._after_pre = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "data-para" in attributes:
            number = int(attributes["data-para"])
            self.numbers.append(number)
            self._open.append((number, self.depth, []))
            if tag in _VOID:
                self._close(self.depth)
        if tag not in _VOID:
            self.depth += 1
        self._after_pre = tag == "pre"

    def handle_endtag(self, tag):
        self._after_pre = False
        if tag in _VOID:
            return
        self.depth -= 1
        self._close(self.depth)

    def handle_data(self, data):
        if self._after_pre and data.startswith("\n"):
            data = data[1:]  # the HTML parser drops a line break right after <pre>
        self._after_pre = False
        for _, _, pieces in self._open:
            pieces.append(data)

    def _close(self, depth: int) -> None:
        if self._open and self._open[-1][1] == depth:
            number, _, pieces = self._open.pop()
            self.texts[number] = "".join(pieces)


def text_content(html: str) -> _TextContent:
    parser = _TextContent()
    parser.feed(html.replace("\r\n", "\n").replace("\r", "\n"))  # as the browser's input stream
    parser.close()
    return parser


def assert_paragraphs_match(source: str) -> None:
    rendered = render_markdown(source)
    found = text_content(rendered.html)
    assert found.numbers == list(range(len(rendered.paragraphs)))
    assert found.texts == dict(enumerate(rendered.paragraphs))


@pytest.fixture(autouse=True)
def _empty_cache():
    clear_render_cache()
    yield
    clear_render_cache()


VARIED = """# Budget 2026 &amp; beyond

The council shall publish the **draft** budget &lt;before&gt; the vote[^src], see
[the portal](https://example.org/budget "Budget portal") or <clerk@example.org>.

## 便民菜站

各街道应当设置便民菜站，不得占道经营。 Fish &amp; chips &copy; 2026 &notit; &#106; AT&T\\*

- first item
- second *item* with `code &amp; <tags>`
    - nested item

1. one
2. two

> A quoted passage.
>
> 第二段引用。

| Ward | Budget |
|:-----|-------:|
| North | 1&nbsp;000 |
| 南区 | 2 000 |

```python
if a < b and c & d:
    print("x &amp; y")
```

    indented code

***

Last paragraph.[^src]

[^src]: The source &amp; its note.
"""


def test_every_block_of_a_varied_document_has_its_reading_text():
    assert_paragraphs_match(VARIED)


def test_top_level_blocks_are_numbered_in_document_order():
    rendered = render_markdown("# Title\n\nText\n\n- item\n\n```\ncode\n```\n\n---")
    tags = re.findall(r'<(\w+) data-para="(\d+)"', rendered.html)
    assert tags == [("h1", "0"), ("p", "1"), ("ul", "2"), ("pre", "3"), ("hr", "4")]
    assert rendered.paragraphs == ("Title", "Text", "\nitem\n", "code\n", "")


def test_nested_blocks_are_not_numbered():
    html = render_markdown("> quoted\n>\n> - item\n\n- a\n\n    para in item").html
    assert html.count("data-para") == 2


def test_entities_and_footnote_numbers_appear_as_the_reader_sees_them():
    rendered = render_markdown("Fish &amp; chips &lt;3 AT&T[^n]\n\n[^n]: note")
    assert rendered.paragraphs[0] == "Fish & chips <3 AT&T1"


def test_footnotes_are_the_last_paragraph():
    rendered = render_markdown("Claim[^n].\n\n[^n]: The source.")
    assert '<div class="footnote" data-para="1">' in rendered.html
    assert rendered.paragraphs[1].strip() == "The source.\xa0↩"


def test_a_blank_source_has_no_paragraphs():
    assert render_markdown("").paragraphs == ()
    assert render_markdown("   \n\n").paragraphs == ()


@pytest.mark.parametrize(
    "source",
    [
        '<p data-para="9">forged</p>',
        '<div data-para="9">forged</div>',
        'Text\n{: data-para="9" }',
        '# Title {: data-para="9" }',
        "``` { data-para=9 }\ncode\n```",
        '[x](https://example.org "a\\" data-para=\\"9")',
    ],
)
def test_the_source_cannot_forge_a_paragraph_number(source):
    rendered = render_markdown(source)
    assert text_content(rendered.html).numbers == list(range(len(rendered.paragraphs)))
    assert 9 not in text_content(rendered.html).numbers


def test_sanitizer_drops_a_non_decimal_paragraph_number():
    raw = '<p data-para="1 onclick">a</p><p data-para="²">b</p><p data-para="3">c</p>'
    assert markdown_module._sanitize(raw) == '<p>a</p><p>b</p><p data-para="3">c</p>'


def test_source_shown_as_text_is_one_paragraph(monkeypatch):
    monkeypatch.setattr(markdown_module, "MAX_SOURCE_CHARS", 10)
    source = "\n<b>x</b> &amp; a\r\nlonger text"
    rendered = render_markdown(source)
    assert rendered.html.startswith('<pre data-para="0">')
    assert rendered.paragraphs == ("\n<b>x</b> &amp; a\nlonger text",)
    assert text_content(rendered.html).texts == {0: rendered.paragraphs[0]}


def test_plain_text_is_unchanged_by_the_numbering():
    assert plain_text("# Title\n\nSome *text*[^1]\n\n[^1]: the note") == "Title Some text the note"


BLOCK_TOKENS = [
    *"<>[]()!`*_#:\"'=& \n-|^~.x1\\",
    "\n\n",
    "&amp;",
    "&lt;",
    "&nbsp;",
    "&#106;",
    "&copy",
    "&notit;",
    "&#x80;",
    "&#0;",
    "&#13;",
    "[^1]",
    "\n\n[^1]: note ",
    "\n```\n",
    "\n    ",
    "\n> ",
    "\n- ",
    "\n1. ",
    "\n# ",
    "\n---\n",
    "\n| a | b |\n|---|---|\n| ",
    "<a@b.org>",
    "<https://example.org>",
    "[l](https://example.org)",
    "![i](https://example.org/i.png)",
    "便民",
    "菜站",
    "，",
    "\t",
    "\xa0",
    "\x00",
    "\r",
]


@settings(max_examples=400, deadline=None, database=None)
@given(st.lists(st.sampled_from(BLOCK_TOKENS), max_size=40).map("".join))
def test_paragraphs_equal_the_text_content_of_their_elements(source):
    assert_paragraphs_match(source)

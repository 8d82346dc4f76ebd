"""Rendering wiki Markdown: features, the XSS corpus, the cache and pathological input."""

from __future__ import annotations

import ast
import re
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import nh3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govwiki.core import markdown as markdown_module
from govwiki.core.markdown import (
    RENDERER_VERSION,
    Rendered,
    clear_render_cache,
    plain_text,
    render_cached,
    render_markdown,
)
from govwiki.core.markdown_limits import MAX_BLOCK_DEPTH

SAFE_SCHEMES = {"http", "https", "mailto"}
ALLOWED_TAGS = markdown_module._TAGS


class _Elements(HTMLParser):
    """Collect (tag, attrs) of every start tag, with entities already decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def elements(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see (it drops whitespace and controls), or None if relative."""
    found = _SCHEME.match("".join(c for c in url if c > " " and c != "\x7f").lower())
    return found.group(1) if found else None


def executable_constructs(html: str) -> list[str]:
    """Everything in ``html`` that could run script or load a non-http(s) URL."""
    found = []
    if "<script" in html.lower():
        found.append("<script")
    for tag, attrs in elements(html):
        if tag not in ALLOWED_TAGS:
            found.append(f"tag {tag}")
        for name, value in attrs.items():
            if name.startswith("on") or name in ("style", "formaction", "srcdoc"):
                found.append(f"{tag}[{name}]")
            if name in ("href", "src", "action", "data", "xlink:href"):
                scheme = url_scheme(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    found.append(f"{tag}[{name}={value!r}]")
    return found


@pytest.fixture(autouse=True)
def _empty_cache():
    clear_render_cache()
    yield
    clear_render_cache()


# --- the library import ---------------------------------------------------------------------


def test_module_imports_the_markdown_library_not_itself():
    assert markdown_module.md_lib.__name__ == "markdown"
    assert hasattr(markdown_module.md_lib, "Markdown")


CORE_MODULES = sorted(Path(markdown_module.__file__).parent.glob("*.py"))


@pytest.mark.parametrize("path", CORE_MODULES, ids=lambda path: path.stem)
def test_core_module_imports_neither_flask_nor_sqlalchemy(path):
    source = path.read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug", "jinja2"}


# --- features -------------------------------------------------------------------------------


def test_tables_render_with_alignment_attributes():
    html = render_markdown("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |").html
    assert '<th align="left">a</th>' in html
    assert '<td align="center">2</td>' in html
    assert '<td align="right">3</td>' in html


def test_footnotes_link_both_ways_with_prefixed_ids():
    html = render_markdown("Claim[^src].\n\n[^src]: The source.").html
    assert '<sup id="fnref-src"><a class="footnote-ref" href="#fn-src"' in html
    assert '<li id="fn-src">' in html
    assert 'class="footnote-backref" href="#fnref-src"' in html


def test_repeated_footnote_references_get_distinct_ids():
    html = render_markdown("a[^1] b[^1] c[^1]\n\n[^1]: note").html
    assert all(f'id="{ref}"' in html for ref in ("fnref-1", "fnref2-1", "fnref3-1"))


def test_headings_get_prefixed_ids():
    html = render_markdown("# Budget 2026\n\n## Public transport").html
    assert '<h1 data-para="0" id="h-budget-2026">' in html
    assert '<h2 data-para="1" id="h-public-transport">' in html


def test_chinese_heading_gets_a_readable_id():
    assert '<h2 data-para="0" id="h-便民菜站">便民菜站</h2>' in render_markdown("## 便民菜站").html


def test_duplicate_headings_get_unique_ids():
    html = render_markdown("# Notes\n\n# Notes").html
    assert 'id="h-notes"' in html and 'id="h-notes_1"' in html


def test_toc_nests_headings_by_level():
    toc = render_markdown("# One\n## One.a\n### One.a.i\n## One.b\n# Two").toc
    assert toc == [
        {"id": "h-one", "name": "One", "level": 1, "children": [
            {"id": "h-onea", "name": "One.a", "level": 2, "children": [
                {"id": "h-oneai", "name": "One.a.i", "level": 3, "children": []},
            ]},
            {"id": "h-oneb", "name": "One.b", "level": 2, "children": []},
        ]},
        {"id": "h-two", "name": "Two", "level": 1, "children": []},
    ]  # fmt: skip


def test_toc_names_are_plain_text_not_html():
    toc = render_markdown("# Fish & <chips> *now*").toc
    assert toc[0]["name"] == "Fish & <chips> now"


def test_toc_ids_match_heading_ids_in_html():
    rendered = render_markdown("# 公园\n## Parks & Rec")
    ids = [item["id"] for item in rendered.toc] + [rendered.toc[0]["children"][0]["id"]]
    assert all(f'id="{i}"' in rendered.html for i in ids)


def test_fenced_code_keeps_its_language_class():
    html = render_markdown("```python\nprint('hi')\n```").html
    assert '<pre data-para="0"><code class="language-python">' in html


def test_fenced_code_attributes_cannot_add_ids_or_unprefixed_classes():
    html = render_markdown("``` { #nav .admin .language-x }\ncode\n```").html
    assert [attrs for tag, attrs in elements(html)] == [
        {"class": "language-x", "data-para": "0"},
        {"class": "language-admin"},
    ]


def test_sane_lists_keep_the_start_number():
    assert '<ol data-para="0" start="3">' in render_markdown("3. three\n4. four").html


def test_links_carry_rel_noopener_noreferrer_nofollow():
    html = render_markdown("[site](https://example.org) and <https://example.com>").html
    links = [attrs for tag, attrs in elements(html) if tag == "a"]
    assert len(links) == 2
    assert all(a["rel"] == "noopener noreferrer nofollow" for a in links)


def test_thousands_of_links_in_one_paragraph_all_render():
    html = render_markdown("see [item](https://example.org/x) " * 3_000).html
    assert html.count('<a href="https://example.org/x"') == 3_000


def test_many_bracketed_words_do_not_disable_later_links():
    paragraph = "Done [x], to do [ ], unclosed [1 and a[i] index. " * 5
    source = f"{paragraph}\n\n" * 500 + "[later](https://example.org/later)"
    assert 'href="https://example.org/later"' in render_markdown(source).html


def test_relative_fragment_and_mailto_links_are_kept():
    html = render_markdown("[a](/c/budget) [b](#h-intro) [c](mailto:clerk@example.org)").html
    hrefs = [attrs.get("href") for tag, attrs in elements(html) if tag == "a"]
    assert hrefs == ["/c/budget", "#h-intro", "mailto:clerk@example.org"]


def test_images_keep_src_alt_and_title():
    html = render_markdown('![Map](https://example.org/map.png "Ward map")').html
    assert elements(html)[-1] == (
        "img",
        {"alt": "Map", "src": "https://example.org/map.png", "title": "Ward map"},
    )


def test_raw_html_is_shown_as_escaped_text():
    html = render_markdown("Press <kbd>Ctrl</kbd> and <b>go</b>").html
    assert "&lt;kbd&gt;Ctrl&lt;/kbd&gt;" in html and "&lt;b&gt;go&lt;/b&gt;" in html
    assert "<kbd>" not in html and "<b>" not in html


def test_raw_html_block_is_shown_as_escaped_text():
    html = render_markdown("<div class='x'>\n<script>alert(1)</script>\n</div>").html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_plain_text_strips_markup_and_collapses_whitespace():
    source = "# Title\n\nSome *text*   & <b>bold</b>[^1]\n\n- item\n\n[^1]: the note"
    assert plain_text(source) == "Title Some text & <b>bold</b> item the note"


# --- XSS corpus -------------------------------------------------------------------------------

XSS_VECTORS = {
    "script_tag": "<script>alert(1)</script>",
    "img_onerror": "<img src=x onerror=alert(1)>",
    "svg_onload": "<svg onload=alert(1)>",
    "iframe": '<iframe src="javascript:alert(1)"></iframe>',
    "object": '<object data="javascript:alert(1)"></object>',
    "raw_anchor": '<a href="javascript:alert(1)">x</a>',
    "style_attribute": '<p style="background:url(javascript:alert(1))">x</p>',
    "div_onclick": "<div onclick=alert(1)>x</div>",
    "comment": "<!--<script>alert(1)</script>-->",
    "form": '<form action="javascript:alert(1)"><button>go</button></form>',
    "meta_refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "mutation": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "split_script": "<<script>script>alert(1)<</script>/script>",
    "md_link": "[x](javascript:alert(1))",
    "md_link_mixed_case": "[x](JaVaScRiPt:alert(1))",
    "md_link_angle": "[x](<javascript:alert(1)>)",
    "md_link_entity": "[x](&#106;avascript:alert(1))",
    "md_link_hex_entity": "[x](&#x6A;avascript&#x3A;alert(1))",
    "md_link_tab_entity": "[x](java&#09;script:alert(1))",
    "md_link_colon_entity": "[x](javascript&colon;alert(1))",
    "md_link_escaped": "[x](javascript\\:alert(1))",
    "autolink": "<javascript:alert(1)>",
    "autolink_quote": '<http://example.org/" onmouseover="alert(1)>',
    "reference": "[x][evil]\n\n[evil]: javascript:alert(1)",
    "short_reference": "[evil]\n\n[evil]: javascript:alert(1)",
    "image": "![x](javascript:alert(1))",
    "image_reference": "![x][evil]\n\n[evil]: javascript:alert(1)",
    "image_in_link": "[![i](https://example.org/i.png)](javascript:alert(1))",
    "data_link": "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data_image": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "vbscript": "[x](vbscript:msgbox(1))",
    "title_breakout": '[x](https://example.org "a\\" onmouseover=\\"alert(1)")',
    "title_html": '[x](https://example.org "<script>alert(1)</script>")',
    "image_src_breakout": '![x](https://example.org/a.png" onerror="alert(1))',
    "attr_list_heading": '# Title {: onclick="alert(1)" }',
    "attr_list_paragraph": 'Text\n{: onclick="alert(1)" style="x" }',
    "fenced_attrs": "```{ onclick=alert(1) }\ncode\n```",
    "footnote_label": '[^x" onclick="alert(1)]\n\n[^x" onclick="alert(1)]: n',
    "heading_html": "# <img src=x onerror=alert(1)>",
    "table_cell_html": "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
}


@pytest.mark.parametrize("source", XSS_VECTORS.values(), ids=XSS_VECTORS.keys())
def test_xss_vector_produces_nothing_executable(source):
    assert executable_constructs(render_markdown(source).html) == []


@pytest.mark.parametrize("source", ["<script>alert(1)</script>", "<svg onload=alert(1)>", "<iframe src=x>"])
def test_xss_vector_html_is_visible_as_text(source):
    assert "&lt;" in render_markdown(source).html


def test_dangerous_link_keeps_its_text_but_loses_its_href():
    html = render_markdown("[click me](javascript:alert(1))").html
    assert "click me" in html and "href" not in html


MARKDOWN_TOKENS = [
    *"<>[]()!`*_#:/\"'=& \n\t-|^~{}.xjs1\\",
    "javascript:",
    "<script>",
    "onerror=",
    "<img ",
    "](",
    "data:",
    "&#",
    "&#106;",
    "{: ",
    "```",
    "> ",
    "- ",
]


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.sampled_from(MARKDOWN_TOKENS), max_size=60).map("".join))
def test_any_source_renders_without_executable_constructs(source):
    rendered = render_markdown(source)
    assert isinstance(rendered, Rendered)
    assert executable_constructs(rendered.html) == []


# --- cache ----------------------------------------------------------------------------------


def test_cache_returns_the_same_object_for_the_same_key():
    assert render_cached("sha-a", "# Hi") is render_cached("sha-a", "# Hi")


def test_cache_returns_different_objects_for_different_keys():
    assert render_cached("sha-a", "# Hi") is not render_cached("sha-b", "# Hi")


def test_cache_key_includes_the_renderer_version(monkeypatch):
    first = render_cached("sha-a", "# Hi")
    monkeypatch.setattr(markdown_module, "RENDERER_VERSION", RENDERER_VERSION + "-next")
    assert render_cached("sha-a", "# Hi") is not first


def test_concurrent_renders_of_one_key_share_one_object():
    results, barrier = [], threading.Barrier(8)

    def render():
        barrier.wait()
        results.append(render_cached("sha-shared", "# Shared\n\n" + "text " * 2_000))

    threads = [threading.Thread(target=render) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(r) for r in results}) == 1


def test_renders_in_threads_do_not_mix_state():
    sources = {i: f"# Title {i}\n\nBody {i}[^n]\n\n[^n]: Note {i}" for i in range(16)}
    results: dict[int, str] = {}

    def render(i):
        for _ in range(20):
            results[i] = render_markdown(sources[i]).html

    threads = [threading.Thread(target=render, args=(i,)) for i in sources]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(results[i] == render_markdown(sources[i]).html for i in sources)
    assert all(
        f"Note {i}" in results[i] and "Note" not in results[i].replace(f"Note {i}", "") for i in sources
    )


# --- pathological input ---------------------------------------------------------------------

PATHOLOGICAL = {
    "nested_quotes": ">" * 50_000 + " x",
    "spaced_quotes": "> " * 25_000 + "x",
    "open_brackets": "[" * 50_000,
    "balanced_brackets": "[" * 25_000 + "x" + "]" * 25_000,
    "link_openers": "[a](" * 12_500,
    "image_openers": "![" * 25_000,
    "reference_openers": "[a][" * 12_500,
    "nested_list_markers": "- " * 10_000 + "x",
    "nested_ordered_markers": "1. " * 10_000 + "x",
    "indented_list_levels": "\n".join(" " * (2 * (i % 40)) + "- x" for i in range(10_000)),
    "list_in_quote": "> - " * 10_000 + "x",
    "emphasis_nesting": "*a " * 8_000 + "b" + " c*" * 8_000,
    "asterisk_run": "*" * 25_000 + "a" + "*" * 25_000,
    "backslashes": "\\" * 50_000,
    "code_spans": "`a` " * 12_500,
    "unclosed_fences": "```x\n" * 10_000,
    "fence_pairs": "```\n" * 12_500,
    "headings_one_block": "#a\n" * 16_000,
    "setext_one_block": "a\n-\n" * 12_500,
    "rules_one_block": "---\n" * 12_500,
    "duplicate_footnote_refs": "[^x]" * 12_500 + "\n\n[^x]: y",
    "many_footnotes": "".join(f"[^{i}]" for i in range(5_000))
    + "\n\n"
    + "\n".join(f"[^{i}]: n" for i in range(5_000)),
    "table_rows": "|a|b|\n|-|-|\n" + "|x|y|\n" * 8_000,
    "paragraphs": "a\n\n" * 16_000,
    "ampersands": "&" * 300_000,
    "ampersand_words": "&nbsp;xxxxx" * 40_000,
}


@pytest.mark.parametrize("source", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_input_renders_in_bounded_time(source):
    # CPU time, so that a busy machine does not fail this; even so, CI on two shared cores
    # measured 2.2 s for one that takes ~1 s alone. A quadratic case takes minutes: 5 s finds it.
    start = time.thread_time()
    rendered = render_markdown(source)
    assert time.thread_time() - start < 5.0
    assert executable_constructs(rendered.html) == []


@settings(max_examples=100, deadline=None, database=None)
@given(
    st.lists(
        st.sampled_from(["a", "&", "&amp;", "&#38;", "&nbsp;", "\u00a0", " ", "\n", "*", "`"]),
        min_size=500,
        max_size=3_000,
    ).map("".join)
)
def test_splitting_long_text_runs_does_not_change_sanitized_html(source):
    raw = markdown_module.md_lib.markdown(source)
    unsplit = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=markdown_module._ATTRIBUTES,
        attribute_filter=markdown_module._filter_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    assert markdown_module._sanitize(raw) == unsplit


def test_deep_nesting_is_rendered_not_refused():
    html = render_markdown("- " * 10_000 + "x").html
    assert html.startswith('<ul data-para="0">') and html.count("<ul") <= MAX_BLOCK_DEPTH


def test_overlong_source_is_shown_escaped_instead_of_parsed():
    source = "<b>x</b>\n" * (markdown_module.MAX_SOURCE_CHARS // 9 + 1)
    html = render_markdown(source).html
    assert html.startswith('<pre data-para="0">&lt;b&gt;x&lt;/b&gt;')


def test_library_failure_falls_back_to_escaped_source(monkeypatch):
    def explode(text):
        raise RecursionError

    monkeypatch.setattr(markdown_module, "_convert", explode)
    rendered = render_markdown("<i>hi</i>")
    assert rendered == Rendered(
        html='<pre data-para="0">&lt;i&gt;hi&lt;/i&gt;</pre>\n', toc=[], paragraphs=("<i>hi</i>",)
    )


def test_failed_render_leaves_the_next_render_correct():
    render_markdown("#a\n" * 16_000)  # trips the work budget mid-parse
    html = render_markdown("- a\n    - b").html
    assert html == '<ul data-para="0">\n<li>a<ul>\n<li>b</li>\n</ul>\n</li>\n</ul>'

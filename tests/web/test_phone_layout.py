"""Phones and small fingers: the History table stays inside its scroll box, every control is a
tap target of at least 24 × 24 px (WCAG 2.2, 2.5.8), and the site has an icon. Sizes themselves
are measured in a real browser; these tests hold the markup and CSS rules that give them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from govwiki.services import pages

CSS = (Path(__file__).resolve().parents[2] / "static/css/site.css").read_text(encoding="utf-8")


def _rule(selector: str) -> str:
    """The declarations of every CSS rule whose selector list holds `selector`, joined."""
    text = re.sub(r"/\*.*?\*/", "", CSS, flags=re.S)
    found = [
        body
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text)
        if selector in [s.strip() for s in selectors.split(",")]
    ]
    assert found, f"no rule for {selector}"
    return " ".join(found)


@pytest.fixture
def history_html(client, session, make_page, official, login, text_of):
    page = make_page(body="v1\n")
    pages.save_page(session, official, page, body="v2\n", base_revision=1)
    login(official)
    return text_of(client.get(f"/pages/{page.slug}/history"))


def test_each_compare_radio_sits_in_a_cell_sized_label(history_html):
    for name, number in (("from", 1), ("to", 2)):
        pattern = (
            rf'<label class="tap-target" for="{name}-{number}"><input type="radio" name="{name}" '
            rf'value="{number}" id="{name}-{number}"[^>]*><span class="visually-hidden">Compare'
        )
        assert re.search(pattern, history_html), name


def test_history_table_and_its_hidden_header_are_inside_the_scroll_box(history_html):
    box = history_html.index('<div class="table-scroll">')
    assert (
        box
        < history_html.index('<span class="visually-hidden">Actions</span>')
        < history_html.index("</table>")
    )
    # the hidden header is an absolute box: the scroll box must be its containing block
    assert "position: relative" in _rule(".table-scroll")


def test_tap_target_rule_gives_a_large_box():
    assert "min-width: 2.75rem" in _rule(".tap-target") and "min-height: 2.75rem" in _rule(".tap-target")


@pytest.mark.parametrize(
    "selector",
    [
        ".site-header a",
        ".site-header .link-button",
        ".tabs a",
        ".filters a",
        ".view-switch a",
        ".toc a",
        ".site-footer a",
        ".history a",
    ],
)
def test_standalone_links_are_at_least_24_px(selector):
    rule = _rule(selector)
    assert "display: inline-block" in rule and "min-height: 1.5rem" in rule and "min-width: 1.5rem" in rule


def test_blame_markers_are_24_px_high():
    rule = _rule(".blame-tag")
    assert "display: inline-block" in rule and "line-height: 1.375rem" in rule and "min-width: 1.5rem" in rule


def test_radios_and_checkboxes_are_24_px():
    assert "width: 1.5rem; height: 1.5rem" in _rule('input[type="radio"]')


def test_favicon_is_served_where_browsers_look(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_pages_link_the_svg_icon(client, text_of):
    html = text_of(client.get("/"))
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert '<link rel="icon" href="/favicon.ico" sizes="32x32">' in html
    with client.get("/static/favicon.svg") as svg:
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data

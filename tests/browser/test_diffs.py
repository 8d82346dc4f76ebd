"""Diffs and blame as a reader meets them on a phone and a desktop: the default layout fits the
screen (side by side when wide, one running text when narrow), changed words are marked by more
than colour (underline, strike-through and words for screen readers), the changes are stepped
through by N / P with a keyboard and by links without one, and blame tells who wrote a passage
on hover (its title) and on tap (its card)."""

from __future__ import annotations

import pytest

from tests.browser.people import press

BODY = """# Bus lanes

Buses run every ten minutes.

The lane on Elm Street is shared with bicycles.

Taxis may not use the lane.

Night buses run on Fridays.
"""

CHANGED = (
    BODY.replace("every ten minutes", "every eight minutes")
    .replace("Taxis may not", "Taxis and delivery vans may not")
    .replace("on Fridays", "on Fridays and Saturdays")
)


def _changes(page) -> list[str]:
    return page.locator("[data-diff] [data-change]").evaluate_all("marks => marks.map(mark => mark.id)")


def _at(page) -> str:
    return page.evaluate("window.location.hash")


def _step(tab, key: str, link_name: str) -> None:
    """The next or previous change: its key on a desktop with script, else the change's link."""
    page = tab.page
    if tab.variant == "desktop":
        page.keyboard.press(key)
        return
    current = _at(page).lstrip("#")
    press(tab, page.locator(f"[id='{current}']").get_by_role("link", name=link_name))


def _decoration(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).textDecorationLine")


# without script the diff and blame are the same HTML and CSS on either screen: one such variant
@pytest.mark.parametrize("variant", ["phone", "desktop", "phone-nojs"], indirect=True)
def test_diffs_fit_the_screen_and_blame_answers_hover_and_tap(open_tab, server, unique):
    slug = unique("buses")
    (page_slug,) = server.consultation("official", slug, f"Bus lanes {slug}", "edit", {"Bus lanes": BODY})
    server.api(
        "reader", "PUT", f"/pages/{page_slug}", {"body": CHANGED, "summary": "More buses", "base_revision": 1}
    )

    tab = open_tab()
    page = tab.page
    page.goto(f"/pages/{page_slug}/diff?from=1&to=2")
    tab.check("diff")
    assert _changes(page) == ["change-1", "change-2", "change-3"]

    # the layout follows the screen: two columns when wide, one running text on a phone
    first = page.locator("#change-1")
    old, new, both = first.locator("td.diff-old"), first.locator("td.diff-new"), first.locator("td.diff-both")
    if tab.variant.startswith("desktop"):
        assert old.is_visible() and new.is_visible() and both.is_hidden()
        assert new.bounding_box()["x"] > old.bounding_box()["x"] + old.bounding_box()["width"] - 1
        inserted, deleted = new.locator("ins").first, old.locator("del").first
    else:
        assert both.is_visible() and old.is_hidden() and new.is_hidden()
        inserted, deleted = both.locator("ins").first, both.locator("del").first
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]

    # marked beyond colour: a line under what came in, through what went, and words for a reader
    assert "eight" in inserted.inner_text() and "underline" in _decoration(inserted)
    assert "ten" in deleted.inner_text() and "line-through" in _decoration(deleted)
    spoken = first.evaluate("row => row.textContent")
    assert "[inserted:" in spoken and "[deleted:" in spoken

    # from change to change: N and P with a keyboard (the page says so), links without
    assert page.locator("[data-diff-keys]").is_visible() is (not tab.variant.endswith("nojs"))
    if tab.variant == "desktop":
        _step(tab, "n", "Next change")
    else:
        press(tab, page.get_by_role("link", name="go to the first change"))
    assert _at(page) == "#change-1"
    _step(tab, "n", "Next change")
    _step(tab, "n", "Next change")
    assert _at(page) == "#change-3"
    assert page.locator("#change-3").is_visible()
    _step(tab, "p", "Previous change")
    assert _at(page) == "#change-2"
    tab.check("diff-stepped")

    # blame: who wrote each passage, on hover (the marker's title) and on tap or click (a card)
    page.goto(f"/pages/{page_slug}/blame")
    tab.check("blame")
    marker = page.locator("summary.blame-tag", has_text="Reader").first
    assert marker.get_attribute("title").startswith("Revision 2 by Reader")
    card = marker.locator("xpath=..").locator(".blame-card")
    assert card.is_hidden()
    press(tab, marker)
    assert card.is_visible()
    assert card.get_by_role("link", name="Revision 2", exact=True).is_visible()
    assert card.get_by_text("More buses").is_visible()
    tab.check("blame-card")
    with page.expect_navigation():
        press(tab, card.get_by_role("link", name="What revision 2 changed"))
    tab.check("blame-diff")
    assert _changes(page) == ["change-1", "change-2", "change-3"]

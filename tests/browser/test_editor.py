"""The editor, as someone editing a page meets it: the preview shows what the page will show
(rendered and sanitized by the server), beside the box on a desktop and below it on a phone, and
without JavaScript the Preview button sends the form and brings it back with the text kept. With
JavaScript the preview follows the typing, Alt+P and Ctrl+S work as the page's hint says,
leaving with unsaved text asks first (sending the form does not), and a long unsaved text is
kept in the browser and offered back."""

from __future__ import annotations

from tests.browser.people import press, sign_in

BODY = """# Library hours

The library opens at nine.

It closes at six.
"""

ADDED = "\n\nOpen **late** on Fridays.<script>window.previewRan = true</script>\n"


def _box(tab):
    return tab.page.get_by_label("Text (Markdown)")


def _preview(tab):
    return tab.page.locator("[data-editor-preview]")


def _ask_for_preview(tab) -> None:
    page = tab.page
    if tab.variant.endswith("nojs"):  # the form goes to the server and comes back, text kept
        with page.expect_navigation():
            press(tab, page.get_by_role("button", name="Preview"))
    elif tab.variant == "desktop":  # the shortcut the page names
        _box(tab).focus()
        page.keyboard.press("Alt+P")
    else:
        press(tab, page.get_by_role("button", name="Preview"))
    _preview(tab).locator("strong", has_text="late").wait_for()
    tab.check("editor-preview")


def _where_the_preview_is(tab) -> None:
    box, panel = _box(tab).bounding_box(), _preview(tab).bounding_box()
    if tab.variant.startswith("desktop"):
        assert panel["x"] >= box["x"] + box["width"] - 1, (box, panel)  # beside the box
        assert panel["y"] < box["y"] + box["height"]
    else:
        assert panel["y"] >= box["y"] + box["height"] - 1, (box, panel)  # below it


def _save(tab) -> None:
    page = tab.page
    with page.expect_navigation():
        if tab.variant == "desktop":
            _box(tab).focus()
            page.keyboard.press("Control+S")
        else:
            press(tab, page.get_by_role("button", name="Save changes"))
    tab.check("editor-saved")


def test_the_preview_shows_what_the_page_will_and_unsaved_text_is_not_lost(open_tab, server, unique):
    slug = unique("library")
    (page_slug,) = server.consultation(
        "official", slug, f"Library hours {slug}", "edit", {"Library hours": BODY}
    )
    tab = open_tab()
    page = tab.page
    sign_in(tab, "reader", then=f"/pages/{page_slug}")
    with page.expect_navigation():
        press(tab, page.locator(".tabs").get_by_role("link", name="Edit"))
    tab.check("editor")
    scripted = not tab.variant.endswith("nojs")
    assert page.locator("#editor-shortcuts").is_visible() is scripted  # the hint only when they work
    assert _preview(tab).is_hidden()

    # the preview: the server's rendering, sanitized, where the screen has room for it
    _box(tab).fill(BODY + ADDED)
    _ask_for_preview(tab)
    assert "Open late on Fridays." in _preview(tab).inner_text()
    assert _preview(tab).locator("script").count() == 0
    assert scripted is False or page.evaluate("window.previewRan") is None
    assert _box(tab).input_value().strip() == (BODY + ADDED).strip()  # kept, with or without script
    _where_the_preview_is(tab)

    if scripted:
        # typing updates the open preview by itself
        _box(tab).fill(BODY + ADDED + "\nClosed on *Sundays*.\n")
        _preview(tab).locator("em", has_text="Sundays").wait_for()

        # leaving asks first; staying keeps the text
        asked = []
        page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
        page.locator(".site-header").get_by_role("link", name="GovWiki").click(no_wait_after=True)
        page.wait_for_timeout(300)
        assert asked == ["beforeunload"]
        assert page.url.endswith(f"/pages/{page_slug}/edit") and "Sundays" in _box(tab).input_value()

    # saving asks nothing (a question would stop the navigation) and saves what was previewed
    _save(tab)
    prose = page.locator(".prose")
    assert prose.locator("strong", has_text="late").is_visible()
    assert prose.locator("script").count() == 0

    if scripted:
        # a long text typed and not saved is kept in this browser and offered back
        with page.expect_navigation():
            press(tab, page.locator(".tabs").get_by_role("link", name="Edit"))
        tab.check("editor-again")
        long_text = BODY + "".join(f"\nParagraph {n}: the reading room stays quiet.\n" for n in range(6000))
        assert len(long_text.encode()) > 250_000
        # pasted (typing 280 KB key by key would take minutes): the value and its input event
        _box(tab).evaluate(
            "(box, text) => { box.value = text; box.dispatchEvent(new Event('input')); }", long_text
        )
        page.wait_for_timeout(1200)  # the copy is written half a second after the last keystroke
        page.once("dialog", lambda dialog: dialog.accept())  # leave anyway
        page.reload()
        tab.check("editor-restore-offer")
        assert "Paragraph 5999" not in _box(tab).input_value()  # the page's own text, until asked
        press(tab, page.get_by_role("button", name="Restore my unsaved text"))
        assert _box(tab).input_value() == long_text

"""The README's picture: the demo's draft on a phone as Wang Fang sees it, two screens side by
side (section 2 with its quoted passages and comment counts; the discussion with an official
response and a reply), 800 × 900. `make screenshot` runs this test and copies the picture to
docs/screenshot.png."""

from __future__ import annotations

import base64

import pytest

from tests.browser.checks import SCREENSHOTS
from tests.browser.people import press

WIDTH, HEIGHT = 400, 900


def _screen(page, top_of) -> str:
    """A phone-wide piece of the page from the top of this element down, as a data: URL."""
    box = top_of.bounding_box()
    scroll = page.evaluate("window.scrollY")
    clip = {"x": 0, "y": box["y"] + scroll - 8, "width": 390, "height": HEIGHT}
    picture = page.screenshot(clip=clip, full_page=True)
    return "data:image/png;base64," + base64.b64encode(picture).decode()


@pytest.mark.parametrize("variant", ["phone"], indirect=True)
def test_the_readme_screenshot_of_the_demo_draft(open_tab, browser):
    tab = open_tab()
    page = tab.page
    page.goto("/login?next=/pages/draft-rules")
    tab.check("readme-sign-in")
    page.get_by_label("Username or e-mail address").fill("wang-fang")
    page.get_by_label("Password", exact=True).fill("demo-password")
    with page.expect_navigation():
        press(tab, page.get_by_role("button", name="Sign in"))
    tab.check("readme-draft")
    left = _screen(page, page.get_by_role("heading", name="2. Designated vending zones"))
    right = _screen(page, page.locator("#discussion"))

    canvas = browser.new_page(viewport={"width": 2 * WIDTH, "height": HEIGHT})
    try:
        canvas.set_content(
            '<body style="margin:0;display:flex;gap:20px;background:#fff">'
            f'<img src="{left}" alt=""><img src="{right}" alt=""></body>'
        )
        canvas.wait_for_load_state("load")
        canvas.screenshot(path=str(SCREENSHOTS / "readme.png"))
    finally:
        canvas.close()

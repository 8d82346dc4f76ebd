"""Moving through a page with the keyboard alone: Tab until a control has the focus (each stop
with a visible focus indicator), then Enter or Space."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

_FOCUS_JS = """(target) => {
  const el = document.activeElement;
  if (!el || el === document.body) return {at: false, shown: true, what: 'body'};
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1;
  const ring = style.boxShadow && style.boxShadow !== 'none';
  return {at: el === target, shown: outline || ring, what: el.outerHTML.slice(0, 120)};
}"""


def tab_to(page: Page, target: Locator, limit: int = 200) -> None:
    """Press Tab until `target` has the focus; every element passed on the way shows it has."""
    handle = target.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        found = page.evaluate(_FOCUS_JS, handle)
        assert found["shown"], f"no visible focus on {found['what']} ({page.url})"
        if found["at"]:
            return
    raise AssertionError(f"{target} never got the focus in {limit} presses of Tab on {page.url}")


def activate(page: Page, target: Locator, key: str = "Enter") -> None:
    """Tab to `target` and press Enter (or Space), waiting for the page it leads to."""
    tab_to(page, target)
    with page.expect_navigation():
        page.keyboard.press(key)


def type_into(page: Page, target: Locator, text: str, replace: bool = False) -> None:
    tab_to(page, target)
    if replace:
        page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)

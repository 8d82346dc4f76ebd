"""Steps people take in many journeys: register, sign in, open a page, comment on a paragraph
(by tapping it on a phone with JavaScript, else through its "Comment on this paragraph" link)."""

from __future__ import annotations

from playwright.sync_api import Locator

from tests.browser.checks import Tab
from tests.browser.server import PASSWORD, Server


def press(tab: Tab, target: Locator) -> None:
    """Tap on a touch screen, click elsewhere."""
    if tab.variant.startswith("phone"):
        target.tap()
    else:
        target.click()


def register(tab: Tab, server: Server, username: str, display_name: str) -> None:
    page = tab.page
    page.goto("/")
    with page.expect_navigation():
        press(tab, page.get_by_role("link", name="Register"))
    register_from(tab, server, username, display_name)


def register_from(tab: Tab, server: Server, username: str, display_name: str, address: str = "") -> None:
    """Fill in the registration form the tab shows, then finish by the link in the mail that
    arrives (the account is made unverified and not signed in until its address is confirmed)."""
    page = tab.page
    address = address or f"{username}@example.org"
    tab.check("register")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Display name").fill(display_name)
    page.get_by_label("E-mail address").fill(address)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        press(tab, page.get_by_role("button", name="Create account"))
    tab.check("registered")
    assert address in page.locator("main").inner_text()
    confirm_address(tab, server, address)
    assert display_name in page.locator(".site-header").inner_text()


def confirm_address(tab: Tab, server: Server, address: str) -> None:
    """Open the verification link mailed to `address` and confirm it (which signs in)."""
    page = tab.page
    [link] = [url for url in server.mail_links(address) if "/verify/" in url]
    page.goto(link)
    tab.check("verify")
    with page.expect_navigation():
        press(tab, page.get_by_role("button", name="Confirm my address"))
    tab.check("verified")


def sign_in(tab: Tab, username: str, then: str = "/") -> None:
    page = tab.page
    page.goto(then)
    with page.expect_navigation():
        press(tab, page.locator(".site-header").get_by_role("link", name="Sign in"))
    tab.check("sign-in")
    page.get_by_label("Username or e-mail address").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        press(tab, page.get_by_role("button", name="Sign in"))
    tab.check(f"signed-in-{then.strip('/').replace('/', '-') or 'home'}")


def open_page(tab: Tab, consultation_title: str, page_title: str) -> None:
    """From the home page to a consultation and one of its pages."""
    page = tab.page
    page.goto("/")
    with page.expect_navigation():
        press(tab, page.get_by_role("link", name=consultation_title))
    tab.check("consultation")
    with page.expect_navigation():
        press(tab, page.locator("main").get_by_role("link", name=page_title, exact=True))
    tab.check("page")


def paragraph(tab: Tab, text: str) -> Locator:
    return tab.page.locator(".prose [data-para]", has_text=text)

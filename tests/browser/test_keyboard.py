"""The journeys by keyboard alone (Tab, Enter, Space and typing; no mouse, no tap; an address is
typed only to open a link from a mail or to come back to a page), on a desktop with JavaScript:
a resident searches in Chinese, signs in, comments on a paragraph, replies and suggests changes,
and an official merges one and rejects another; an official invites an expert, who accepts by the
mailed link, and the two edit one page at once through a merge and a conflict."""

from __future__ import annotations

import pytest

from tests.browser.keyboard import activate, tab_to, type_into
from tests.browser.test_concurrent_edits import BODY as POOL
from tests.browser.test_concurrent_edits import _keep_mine
from tests.browser.server import PASSWORD

BODY = """# Bicycle parking

Racks are placed at every tram stop.

Each rack holds ten bicycles.
"""


def _sign_in(tab, username: str) -> None:
    page = tab.page
    activate(page, page.locator(".site-header").get_by_role("link", name="Sign in"))
    tab.check("kb-sign-in")
    type_into(page, page.get_by_label("Username or e-mail address"), username)
    type_into(page, page.get_by_label("Password", exact=True), PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab.check(f"kb-signed-in-{username}")


def _suggest(tab, body: str, why: str) -> int:
    page = tab.page
    activate(page, page.get_by_role("link", name="Suggest a change"))
    tab.check("kb-suggest-form")
    type_into(page, page.get_by_label("Your version of the text (Markdown)"), body, replace=True)
    type_into(page, page.get_by_label("Why this change?"), why)
    activate(page, page.get_by_role("button", name="Send suggestion"))
    tab.check("kb-suggestion")
    return int(page.url.rstrip("/").split("/")[-1])


@pytest.mark.parametrize("variant", ["desktop"], indirect=True)
def test_every_journey_by_keyboard_alone(open_tab, server, unique):
    slug = unique("bikes")
    (page_slug,) = server.consultation(
        "official", slug, f"Bicycle parking {slug}", "suggest", {"Bicycle parking": BODY}
    )

    # a resident: search in Chinese, open a hit, sign in, comment, reply, suggest twice
    tab = open_tab()
    page = tab.page
    page.goto("/")
    tab.check("kb-home")
    type_into(page, page.locator(".site-search input"), "摊贩")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab.check("kb-search")
    activate(page, page.locator(".search-hit h2 a").first)
    tab.check("kb-hit")
    assert "摊贩" in page.locator("main").inner_text()

    page.goto(f"/pages/{page_slug}")
    tab.check("kb-page-signed-out")
    _sign_in(tab, "reader")
    para = page.locator(".prose [data-para]", has_text="Each rack holds").locator("xpath=..")
    activate(page, para.locator(".para-comment"))
    tab.check("kb-comment-form")
    type_into(page, page.get_by_label("Your comment"), "Ten is too few at the station.")
    activate(page, page.get_by_role("button", name="Post comment"))
    tab.check("kb-commented")
    comment = page.locator(".comment", has_text="Ten is too few").first
    tab_to(page, comment.get_by_role("link", name="Reply").first)
    page.keyboard.press("Enter")  # the reply form opens under the comment, its box focused
    page.keyboard.insert_text("And the racks should be covered.")
    form = page.locator(".inline-comment-form form")
    tab_to(page, form.get_by_role("button", name="Post comment"))
    with page.expect_navigation():
        page.keyboard.press("Space")
    tab.check("kb-replied")
    assert page.get_by_text("And the racks should be covered.").is_visible()
    page.goto(f"/pages/{page_slug}")
    tab.check("kb-page")
    merged = _suggest(tab, BODY.replace("ten bicycles", "twelve bicycles"), "More room")
    page.goto(f"/pages/{page_slug}")
    tab.check("kb-page-again")
    rejected = _suggest(tab, BODY.replace("every tram stop", "every bus stop"), "Buses too")

    # the official: merge one, reject the other with a reason
    official = open_tab()
    page = official.page
    page.goto(f"/proposals/{merged}")
    official.check("kb-review")
    _sign_in(official, "official")
    activate(page, page.get_by_role("button", name="Merge all changes"))
    official.check("kb-merged")
    page.goto(f"/proposals/{rejected}")
    official.check("kb-review-reject")
    type_into(page, page.get_by_label("Reason (public)"), "Bus stops have no room for racks.")
    activate(page, page.get_by_role("button", name="Reject suggestion"))
    official.check("kb-reject-confirm")
    activate(page, page.get_by_role("button", name="Yes, reject the suggestion"), key="Space")
    official.check("kb-rejected")
    assert "twelve bicycles" in server.api("official", "GET", f"/pages/{page_slug}")["body"]


def _edit(tab, page_slug: str, before: str, after: str, name: str) -> None:
    page = tab.page
    page.goto(f"/pages/{page_slug}")
    tab.check(f"{name}-page")
    activate(page, page.locator(".tabs").get_by_role("link", name="Edit"))
    tab.check(f"{name}-edit")
    box = page.get_by_label("Text (Markdown)")
    type_into(page, box, box.input_value().replace(before, after), replace=True)


def _save(tab, name: str) -> None:
    activate(tab.page, tab.page.get_by_role("button", name="Save changes"))
    tab.check(name)


@pytest.mark.parametrize("variant", ["desktop"], indirect=True)
def test_editing_at_once_and_an_expert_invitation_by_keyboard_alone(open_tab, server, unique):
    slug, expert = unique("kb-pool"), unique("kb-expert")
    address = f"{expert}@example.org"
    (page_slug,) = server.consultation(
        "official", slug, f"Pool by keyboard {slug}", "suggest", {"Swimming pool": POOL}
    )

    # the official invites an expert, who accepts by the mailed link and makes an account
    official = open_tab()
    page = official.page
    page.goto(f"/consultations/{slug}")
    official.check("kb-consultation")
    _sign_in(official, "official")
    activate(page, page.get_by_role("link", name="Invited experts"))
    official.check("kb-invitations")
    type_into(page, page.get_by_label("E-mail address of the expert"), address)
    activate(page, page.get_by_role("button", name="Send the invitation"))
    official.check("kb-invited")
    [link] = [url for url in server.mail_links(address) if "/invitations/" in url]
    tab = open_tab()
    page = tab.page
    page.goto(link)
    tab.check("kb-invitation")
    activate(page, page.locator("main").get_by_role("link", name="Create an account"))
    tab.check("kb-register")
    type_into(page, page.get_by_label("Username"), expert)
    type_into(page, page.get_by_label("E-mail address"), address)
    type_into(page, page.get_by_label("Password"), PASSWORD)
    activate(page, page.get_by_role("button", name="Create account"))
    tab.check("kb-registered")
    assert address in page.locator("main").inner_text()
    # the account is finished by the mailed link, whose page asks for one press to confirm
    [confirm] = [url for url in server.mail_links(address) if "/verify/" in url]
    page.goto(confirm)
    tab.check("kb-verify")
    activate(page, page.get_by_role("button", name="Confirm my address"))
    tab.check("kb-verified")
    activate(page, page.get_by_role("button", name=f"Accept as {expert}"))
    tab.check("kb-accepted")

    # the expert and the official edit at once: merged, then a conflict resolved by keyboard
    _edit(tab, page_slug, "opens at seven", "opens at six", "kb-expert")
    _edit(official, page_slug, "one euro", "two euros", "kb-official")
    _save(tab, "kb-expert-saved")
    _save(official, "kb-official-merged")
    _edit(tab, page_slug, "under eight", "under ten", "kb-expert-again")
    _edit(official, page_slug, "under eight", "under nine", "kb-official-again")
    _save(tab, "kb-expert-saved-again")
    with official.expect_status(409):
        _save(official, "kb-conflict")
        page = official.page
        box = page.get_by_label("Text (Markdown)")
        type_into(page, box, _keep_mine(box.input_value()), replace=True)
        _save(official, "kb-resolved")
    text = server.api("official", "GET", f"/pages/{page_slug}")["body"]
    assert "opens at six" in text and "two euros" in text and "under nine" in text

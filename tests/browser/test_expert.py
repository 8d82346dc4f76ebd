"""An official invites an expert from the consultation's invitations page; the expert follows the
link in the mail (written to the instance's outbox by `govwiki send-mail --once`), creates an
account on the way, accepts, and edits the draft directly (residents may only suggest there)."""

from __future__ import annotations

from tests.browser.people import press, register_from, sign_in

BODY = """# Tree planting

The city plants two hundred trees a year.

Each street gets trees on one side.
"""


def test_an_invited_expert_accepts_by_the_mailed_link_and_edits_directly(open_tab, server, unique):
    slug, expert = unique("trees"), unique("expert")
    address = f"{expert}@example.org"
    (page_slug,) = server.consultation(
        "official", slug, f"Street trees {slug}", "suggest", {"Tree planting": BODY}
    )

    official = open_tab()
    sign_in(official, "official", then=f"/consultations/{slug}")
    page = official.page
    with page.expect_navigation():
        press(official, page.get_by_role("link", name="Invited experts"))
    official.check("invitations")
    page.get_by_label("E-mail address of the expert").fill(address)
    page.get_by_label("Note (optional)").fill("Could you check the species list?")
    with page.expect_navigation():
        press(official, page.get_by_role("button", name="Send the invitation"))
    official.check("invitation-sent")

    [link] = [url for url in server.mail_links(address) if "/invitations/" in url]
    tab = open_tab()
    page = tab.page
    page.goto(link)
    tab.check("invitation")
    with page.expect_navigation():
        press(tab, page.locator("main").get_by_role("link", name="Create an account"))
    name = unique("Dr. Ada Oak")  # a display name no other account reads like, as the username
    register_from(tab, server, expert, name, address)
    assert "/invitations/" in page.url
    with page.expect_navigation():
        press(tab, page.get_by_role("button", name=f"Accept as {name}"))
    tab.check("accepted")

    page.goto(f"/pages/{page_slug}")
    tab.check("page-as-expert")
    with page.expect_navigation():
        press(tab, page.locator(".tabs").get_by_role("link", name="Edit"))
    tab.check("edit-as-expert")
    box = page.get_by_label("Text (Markdown)")
    box.fill(box.input_value().replace("on one side", "on both sides where the pavement allows"))
    page.get_by_label("Edit summary").fill("Both sides")
    with page.expect_navigation():
        press(tab, page.get_by_role("button", name="Save changes"))
    tab.check("saved-as-expert")
    assert "both sides where the pavement allows" in page.locator(".prose").inner_text()
    [latest, *_] = server.api("official", "GET", f"/pages/{page_slug}/revisions")["items"]
    assert latest["author"]["username"] == expert

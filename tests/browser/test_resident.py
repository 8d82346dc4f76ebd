"""A resident registers, reads a draft, comments on a paragraph (tapping it on a phone), replies
to another resident, suggests a change, and later sees it merged and credited to them in blame."""

from __future__ import annotations

import re

from tests.browser.people import open_page, paragraph, press, register

BODY = """# Park rules

Dogs must be kept on a lead in the play area.

Benches are cleaned every week by the parks team.

Gates close at ten in the evening.
"""


def test_a_resident_comments_replies_and_sees_their_suggestion_merged_and_credited(open_tab, server, unique):
    official, neighbour, me = "official", "neighbour", unique("resident")
    slug, title = unique("park-rules"), f"Park rules {unique('consultation')}"
    (page_slug,) = server.consultation(official, slug, title, "suggest", {"Park rules": BODY})
    first = server.api(
        neighbour, "POST", f"/pages/{page_slug}/comments", {"body": "Could the gates close later in summer?"}
    )

    tab = open_tab()
    page = tab.page
    name = unique("Ama Mensah")  # a display name no other account reads like, as the username
    register(tab, server, me, name)
    open_page(tab, title, "Park rules")

    # a comment on one paragraph: tapped on a phone with JavaScript, else the paragraph's link
    benches = paragraph(tab, "Benches are cleaned")
    if tab.variant == "phone":
        benches.tap()
        form = page.locator(".inline-comment-form form")
        form.get_by_label("Your comment").fill("Weekly is not enough near the café.")
        with page.expect_navigation():
            form.get_by_role("button", name="Post comment").tap()
    else:
        with page.expect_navigation():
            press(tab, benches.locator("xpath=..").locator(".para-comment"))
        tab.check("comment-form")
        page.get_by_label("Your comment").fill("Weekly is not enough near the café.")
        with page.expect_navigation():
            press(tab, page.get_by_role("button", name="Post comment"))
    tab.check("commented")
    assert page.locator(".threads").get_by_text("Weekly is not enough near the café.").is_visible()

    # a reply to the neighbour's comment (inline with JavaScript, on its own page without)
    thread = page.locator(f"#comment-{first['id']}")
    if tab.variant.endswith("nojs"):
        with page.expect_navigation():
            press(tab, thread.get_by_role("link", name="Reply").first)
        tab.check("reply-form")
    else:
        press(tab, thread.get_by_role("link", name="Reply").first)
    reply_form = (
        page.locator("form", has=page.locator("input[name=parent_id]"))
        .filter(has=page.get_by_label("Your comment"))
        .last
    )
    reply_form.get_by_label("Your comment").fill("Yes, until eleven from June to August.")
    with page.expect_navigation():
        press(tab, reply_form.get_by_role("button", name="Post comment"))
    tab.check("replied")
    assert (
        page.locator(f"#comment-{first['id']}")
        .locator("xpath=..")
        .get_by_text("Yes, until eleven")
        .is_visible()
    )

    # a suggestion
    with page.expect_navigation():
        press(tab, page.get_by_role("link", name="Suggest a change"))
    tab.check("suggest-form")
    box = page.get_by_label("Your version of the text (Markdown)")
    box.fill(box.input_value().replace("at ten in the evening", "at eleven in the evening in summer"))
    page.get_by_label("Why this change?").fill("Long summer evenings.")
    with page.expect_navigation():
        press(tab, page.get_by_role("button", name="Send suggestion"))
    tab.check("suggestion")
    proposal_id = int(re.search(r"/proposals/(\d+)", page.url)[1])

    # the official merges it (elsewhere); the resident comes back to it and to the blame
    server.api(official, "POST", f"/proposals/{proposal_id}/merge", {})
    page.reload()
    tab.check("suggestion-merged")
    assert "Merged" in page.locator(".proposal-meta").inner_text()
    with page.expect_navigation():
        press(tab, page.get_by_role("link", name="Who wrote what"))
    tab.check("blame")
    span = page.locator(".blame-span", has_text="eleven")
    assert name in span.locator(".blame-tag").inner_text()

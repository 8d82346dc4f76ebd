"""An official opens a consultation with a deadline, reviews a suggestion side by side and merges
it, merges part of another, rejects a third with a reason, answers a comment, closes the
consultation and reads the outcome report."""

from __future__ import annotations

from tests.browser.people import press, sign_in

BODY = """# Library opening hours

The central library opens at nine on weekdays.

Branch libraries open at ten on weekdays.

On Saturdays every library opens at ten.

Sunday opening is not planned.
"""


def _suggest(server, who: str, page_slug: str, old: list[tuple[str, str]], why: str) -> None:
    body = BODY
    for before, after in old:
        body = body.replace(before, after)
    server.api(
        who, "POST", f"/pages/{page_slug}/proposals", {"body": body, "summary": why, "base_revision": 1}
    )


def _open_suggestion(tab, why: str) -> None:
    page = tab.page
    with page.expect_navigation():
        press(tab, page.locator(".tabs").get_by_role("link", name="Suggested changes"))
    tab.check("suggestions")
    with page.expect_navigation():
        press(tab, page.locator(".proposal-card").filter(has_text=why).locator("h2 a"))
    tab.check("suggestion-review")


def test_an_official_runs_a_consultation_from_opening_to_the_outcome_report(open_tab, server, unique):
    official, resident = "official", "reader"
    title = f"Library hours {unique('consultation')}"
    tab = open_tab()
    page = tab.page
    sign_in(tab, official)

    # a new consultation with a deadline, one page, opened to the public
    with page.expect_navigation():
        press(tab, page.get_by_role("link", name="New consultation"))
    tab.check("new-consultation")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Summary").fill("When should our libraries open?")
    page.locator("input[name=edit_policy][value=suggest]").check()
    page.get_by_label("Deadline").fill("2027-06-30T17:00")
    with page.expect_navigation():
        press(tab, page.get_by_role("button", name="Save"))
    tab.check("consultation-draft")
    page.get_by_label("Page title").fill("Opening hours")
    page.get_by_label("Text (Markdown)").fill(BODY)
    with page.expect_navigation():
        press(tab, page.get_by_role("button", name="Create page"))
    tab.check("page-created")
    page.goto(page.locator(".breadcrumb a").first.get_attribute("href"))
    tab.check("consultation-with-page")
    with page.expect_navigation():
        press(tab, page.get_by_role("button", name="Open for contributions"))
    tab.check("consultation-opened")
    assert "2027" in page.locator("main").inner_text()
    slug = page.url.rstrip("/").split("/")[-1]
    page_slug = server.first_page(official, slug)

    # residents write in (through the API: they are not the subject here)
    _suggest(server, resident, page_slug, [("at nine on weekdays", "at eight on weekdays")], "Before work")
    _suggest(
        server,
        resident,
        page_slug,
        [("ten on weekdays", "half past nine on weekdays"), ("opens at ten.", "opens at nine.")],
        "Earlier everywhere",
    )
    _suggest(
        server,
        resident,
        page_slug,
        [("Sunday opening is not planned.", "Every library opens on Sundays.")],
        "Sundays too",
    )
    comment = server.api(
        resident, "POST", f"/pages/{page_slug}/comments", {"body": "Will the hours change in the holidays?"}
    )

    # the first suggestion, side by side, merged whole
    page.goto(f"/pages/{page_slug}")
    tab.check("page-open")
    _open_suggestion(tab, "Before work")
    with page.expect_navigation():
        press(tab, page.locator(".view-switch").get_by_role("link", name="Side by side"))
    tab.check("suggestion-side-by-side")
    with page.expect_navigation():
        press(tab, page.get_by_role("button", name="Merge all changes"))
    tab.check("merged")

    # the second: only its first change
    page.goto(f"/pages/{page_slug}")
    tab.check("page-after-merge")
    _open_suggestion(tab, "Earlier everywhere")
    page.get_by_label("Change 2").uncheck()
    with page.expect_navigation():
        press(tab, page.get_by_role("button", name="Merge only the ticked changes"))
    tab.check("merged-part")

    # the third: rejected with a public reason
    page.goto(f"/pages/{page_slug}")
    tab.check("page-after-partial-merge")
    _open_suggestion(tab, "Sundays too")
    page.get_by_label("Reason (public)").fill("The budget has no room for Sunday staff this year.")
    with page.expect_navigation():
        press(tab, page.get_by_role("button", name="Reject suggestion"))
    tab.check("reject-confirm")
    with page.expect_navigation():
        press(tab, page.get_by_role("button", name="Yes, reject the suggestion"))
    tab.check("rejected")
    assert "The budget has no room" in page.locator("main").inner_text()

    text = server.api(official, "GET", f"/pages/{page_slug}")["body"]
    assert (
        "opens at eight" in text
        and "half past nine" in text
        and "opens at ten." in text
        and "not planned" in text
    )

    # the comment, answered from the inbox
    page.goto(f"/consultations/{slug}")
    tab.check("consultation-running")
    with page.expect_navigation():
        press(tab, page.get_by_role("link", name="Inbox"))
    tab.check("inbox")
    with page.expect_navigation():
        press(tab, page.locator(f"a[href$='/comments/{comment['id']}/answer']"))
    tab.check("answer-form")
    page.get_by_label("The consultation's answer (Markdown, public)").fill("No: the same hours all year.")
    with page.expect_navigation():
        press(tab, page.locator("main form").get_by_role("button", name="Answer as the consultation"))
    tab.check("answered")

    # closed, then the outcome report
    page.goto(f"/consultations/{slug}")
    tab.check("consultation-to-close")
    with page.expect_navigation():
        press(tab, page.get_by_role("button", name="Close", exact=True))
    tab.check("close-confirm")
    with page.expect_navigation():
        press(tab, page.get_by_role("button", name="Yes, close the consultation"))
    tab.check("consultation-closed")
    with page.expect_navigation():
        press(tab, page.locator(".record-links").get_by_role("link", name="Outcome report"))
    tab.check("outcome-report")
    report = page.locator("main").inner_text()
    assert "Sundays too" in report or "Sunday" in report
    assert "The budget has no room" in report

"""Two people edit one page at once, in two browser contexts: changes to different sentences both
land; changes to the same words show the conflict screen, and saving again from it keeps the
other person's unrelated change."""

from __future__ import annotations

import re

from tests.browser.people import press, sign_in

BODY = """# Swimming pool

The pool opens at seven.

Lockers cost one euro.

Children under eight swim with an adult.
"""


def _start_editing(tab, page_slug: str, name: str) -> None:
    page = tab.page
    page.goto(f"/pages/{page_slug}")
    tab.check(f"{name}-page")
    with page.expect_navigation():
        press(tab, page.locator(".tabs").get_by_role("link", name="Edit"))
    tab.check(f"{name}-edit")


def _change(tab, before: str, after: str) -> None:
    box = tab.page.get_by_label("Text (Markdown)")
    text = box.input_value()
    assert before in text
    box.fill(text.replace(before, after))


def _save(tab, name: str) -> None:
    page = tab.page
    with page.expect_navigation():
        press(tab, page.get_by_role("button", name="Save changes"))
    tab.check(name)


def _keep_mine(text: str) -> str:
    """Each conflict block (<<<<<<< yours ======= theirs >>>>>>>) resolved to its first half."""
    return re.sub(r"^<<<<<<<[^\n]*\n(.*?)^=======[^\n]*\n.*?^>>>>>>>[^\n]*\n", r"\1", text, flags=re.S | re.M)


def test_two_people_editing_at_once_merge_or_meet_the_conflict_screen(open_tab, server, unique):
    slug = unique("pool")
    (page_slug,) = server.consultation(
        "official", slug, f"Pool rules {slug}", "edit", {"Swimming pool": BODY}
    )
    alice, bob = open_tab(), open_tab()
    sign_in(alice, "reader")
    sign_in(bob, "neighbour")

    # different sentences: both land, the second save merged over the first
    _start_editing(alice, page_slug, "alice")
    _start_editing(bob, page_slug, "bob")
    _change(alice, "opens at seven", "opens at six")
    _save(alice, "alice-saved")
    _change(bob, "one euro", "two euros")
    _save(bob, "bob-saved-merged")
    text = server.api("official", "GET", f"/pages/{page_slug}")["body"]
    assert "opens at six" in text and "two euros" in text

    # the same words: the second sees the conflict screen with their text kept
    _start_editing(alice, page_slug, "alice-again")
    _start_editing(bob, page_slug, "bob-again")
    _change(alice, "opens at six", "opens at half past six")
    _change(alice, "under eight", "under ten")
    _save(alice, "alice-saved-again")
    _change(bob, "under eight", "under nine")
    with bob.expect_status(409):
        _save(bob, "bob-conflict")
        page = bob.page
        assert page.get_by_role(
            "heading", name="Your edit overlaps with a change someone else saved"
        ).is_visible()
        box = page.get_by_label("Text (Markdown)")
        assert "under nine" in box.input_value()
        box.fill(_keep_mine(box.input_value()))
        _save(bob, "bob-resolved")
    text = server.api("official", "GET", f"/pages/{page_slug}")["body"]
    assert "under nine" in text and "half past six" in text and "two euros" in text
    assert "<<<<<<<" not in text

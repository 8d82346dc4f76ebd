"""History, old revisions, diffs, blame and reverts."""

from __future__ import annotations

import re

import pytest

from govwiki.services import pages


def save(session, user, page, body, summary=""):
    base = pages.head_revision(session, page).number
    return pages.save_page(session, user, page, body=body, summary=summary, base_revision=base)


def test_history_lists_revisions_newest_first_with_authors(
    client, session, make_page, official, make_user, text_of
):
    page = make_page(body="One.\n")
    save(session, make_user(display_name="Second Author"), page, "One. Two.\n", "added two")
    html = text_of(client.get(f"/pages/{page.slug}/history"))
    assert html.index("added two") < html.index("Created the page")
    assert "Second Author" in html and official.display_name in html


def test_history_paginates(client, session, make_page, official, text_of):
    page = make_page(body="v1\n")
    for number in range(2, 6):
        save(session, official, page, f"v{number}\n", f"summary {number}")
    first = text_of(client.get(f"/pages/{page.slug}/history?per_page=2"))
    third = text_of(client.get(f"/pages/{page.slug}/history?per_page=2&page=3"))
    assert "summary 5" in first and "summary 3" not in first
    assert "Page 1 of 3" in first
    assert "Created the page" in third and "summary 5" not in third


def test_history_offers_compare_radio_buttons(client, session, make_page, official, text_of):
    page = make_page(body="v1\n")
    save(session, official, page, "v2\n")
    html = text_of(client.get(f"/pages/{page.slug}/history"))
    assert 'name="from" value="1"' in html and 'name="to" value="2"' in html


def test_revision_page_shows_raw_source_on_request(client, session, make_page, official, text_of):
    page = make_page(body="# Title\n\n*stressed*\n")
    save(session, official, page, "changed\n")
    assert "<em>stressed</em>" in text_of(client.get(f"/pages/{page.slug}/revisions/1"))
    assert "*stressed*" in text_of(client.get(f"/pages/{page.slug}/revisions/1?view=source"))


def test_inline_diff_shows_inserted_and_deleted_words(client, session, make_page, official, text_of):
    page = make_page(body="The market opens at dawn.\n")
    save(session, official, page, "The market opens at noon.\n")
    html = text_of(client.get(f"/pages/{page.slug}/diff?from=1&to=2"))
    assert "<ins>noon</ins>" in html and "<del>dawn</del>" in html
    assert "1 word inserted" in html and "1 word deleted" in html


def test_side_by_side_diff_shows_both_columns(client, session, make_page, official, text_of):
    page = make_page(body="The market opens at dawn.\n")
    save(session, official, page, "The market opens at noon.\n")
    html = text_of(client.get(f"/pages/{page.slug}/diff?from=1&to=2&view=side"))
    assert 'class="diff diff-side"' in html
    assert "<ins>noon</ins>" in html and "<del>dawn</del>" in html
    assert "view=inline" in html


def test_diff_of_chinese_is_character_level(client, session, make_page, official, text_of):
    page = make_page(body="区政府在公示三十日后划定区域。\n")
    save(session, official, page, "区政府在公示六十日后划定区域。\n")
    html = text_of(client.get(f"/pages/{page.slug}/diff?from=1&to=2&view=inline"))
    assert "<del>三</del>" in html and "<ins>六</ins>" in html
    assert "公示" in html.split("<del>三")[0].split('class="diff diff-inline"')[1]


def test_diff_defaults_to_latest_change(client, session, make_page, official, text_of):
    page = make_page(body="Old words.\n")
    save(session, official, page, "New words.\n")
    html = text_of(client.get(f"/pages/{page.slug}/diff"))
    assert "<ins>New</ins>" in html


def test_diff_with_unknown_revision_is_not_found(client, make_page):
    page = make_page()
    assert client.get(f"/pages/{page.slug}/diff?from=1&to=7").status_code == 404


def test_blame_shows_authors_of_each_passage(client, session, make_page, official, make_user, text_of):
    page = make_page(body="Written by the official.\n")
    save(
        session,
        make_user(display_name="Rosa Resident"),
        page,
        "Written by the official.\nAdded by a resident.\n",
    )
    html = text_of(client.get(f"/pages/{page.slug}/blame"))
    passage = r"</summary>((?!</details>).)*</details>"
    assert re.search(f"r1 · {official.display_name} \\(Official\\){passage}Written by the official.", html)
    assert re.search(f"r2 · Rosa Resident{passage}Added by a resident.", html)
    assert f'href="/pages/{page.slug}/revisions/2"' in html


def test_blame_of_an_old_revision(client, session, make_page, official, make_user, text_of):
    page = make_page(body="First.\n")
    save(session, make_user(display_name="Rosa Resident"), page, "First.\nSecond.\n")
    html = text_of(client.get(f"/pages/{page.slug}/blame?revision=1"))
    assert "Rosa Resident" not in html.split('class="blame"')[1]


def test_revert_creates_a_new_revision(client, session, make_page, official, login):
    page = make_page(body="Good text.\n")
    save(session, official, page, "Vandalised.\n")
    login(official)
    response = client.post(
        f"/pages/{page.slug}/revert", data={"to_revision": "1", "summary": "undo", "confirm": "yes"}
    )
    assert response.status_code == 302
    current = pages.head_revision(session, page)
    assert (current.number, current.body, current.reverted_to) == (3, "Good text.\n", 1)


def test_revert_is_refused_to_residents(client, session, make_page, official, make_user, login):
    page = make_page(body="Good text.\n")
    save(session, official, page, "Other text.\n")
    login(make_user())
    assert client.post(f"/pages/{page.slug}/revert", data={"to_revision": "1"}).status_code == 403
    assert pages.head_revision(session, page).number == 2


def test_revert_button_shows_to_officials(client, session, make_page, official, login, text_of):
    page = make_page(body="Good text.\n")
    save(session, official, page, "Other text.\n")
    login(official)
    assert "Revert to this revision" in text_of(client.get(f"/pages/{page.slug}/revisions/1"))
    assert 'form="revert-1"' in text_of(client.get(f"/pages/{page.slug}/history"))


def test_revert_button_is_hidden_from_residents(
    client, session, make_page, official, make_user, login, text_of
):
    page = make_page(body="Good text.\n")
    save(session, official, page, "Other text.\n")
    login(make_user())
    assert "Revert to this revision" not in text_of(client.get(f"/pages/{page.slug}/revisions/1"))
    assert 'form="revert-1"' not in text_of(client.get(f"/pages/{page.slug}/history"))


LONG = "".join(f"Line {number} of the rules.\n" for number in range(1, 41))


def test_diff_folds_long_unchanged_stretches(client, session, make_page, official, text_of):
    page = make_page(body=LONG)
    save(session, official, page, LONG.replace("Line 20 of", "Line twenty of"))
    html = text_of(client.get(f"/pages/{page.slug}/diff"))
    assert "<ins>twenty</ins>" in html
    assert "unchanged lines" in html
    assert "Line 2 of the rules." not in html and "Line 18 of the rules." in html


@pytest.mark.parametrize("view", ["inline", "side"])
def test_diff_shows_whole_text_on_request(view, client, session, make_page, official, text_of):
    page = make_page(body=LONG)
    save(session, official, page, LONG.replace("Line 20 of", "Line twenty of"))
    html = text_of(client.get(f"/pages/{page.slug}/diff?full=1&view={view}"))
    assert "Line 2 of the rules." in html and "unchanged lines" not in html


def test_side_by_side_diff_folds_unchanged_rows(client, session, make_page, official, text_of):
    page = make_page(body=LONG)
    save(session, official, page, LONG.replace("Line 20 of", "Line twenty of"))
    html = text_of(client.get(f"/pages/{page.slug}/diff?view=side"))
    assert "unchanged lines" in html and "Line 2 of the rules." not in html


#: 140 changes, one a line, each between unchanged lines (a screen shows 100)
MANY = "".join(f"Clause {n} stays.\nClause {n} is old.\n" for n in range(1, 141))


@pytest.fixture
def many_changes(session, make_page, official):
    page = make_page(body=MANY)
    save(session, official, page, MANY.replace(" is old.", " is new."))
    return page


@pytest.mark.parametrize("view", ["auto", "inline", "side"])
def test_a_long_diff_comes_one_screen_of_changes_at_a_time(view, client, many_changes, text_of):
    base = f"/pages/{many_changes.slug}/diff?from=1&to=2&view={view}"
    first, second = (text_of(client.get(f"{base}&page={n}")) for n in (1, 2))
    assert "Changes 1 to 100 of 140" in first and 'id="change-100"' in first
    assert 'id="change-101"' not in first and "Clause 102 stays" not in first
    assert "Changes 101 to 140 of 140" in second and 'id="change-101"' in second
    assert 'id="change-100"' not in second and "Clause 100 is" not in second
    assert "Page 1 of 2" in first and "Page 2 of 2" in second


def test_the_change_links_at_a_screens_ends_lead_to_the_next_screen(client, many_changes, text_of):
    base = f"/pages/{many_changes.slug}/diff"
    first = text_of(client.get(f"{base}?from=1&to=2"))
    second = text_of(client.get(f"{base}?from=1&to=2&page=2"))
    assert f'href="{base}?from=1&amp;to=2&amp;page=2#change-101"' in first
    assert f'href="{base}?from=1&amp;to=2&amp;page=1#change-100"' in second
    assert 'href="#change-100"' in first and 'href="#change-102"' in second


def test_a_screen_past_the_last_shows_the_last(client, many_changes, text_of):
    html = text_of(client.get(f"/pages/{many_changes.slug}/diff?from=1&to=2&page=7"))
    assert "Changes 101 to 140 of 140" in html


def test_each_screen_of_a_kept_diff_is_its_own(client, many_changes, text_of):
    base = f"/pages/{many_changes.slug}/diff?from=1&to=2"
    for number, shown in ((1, "Changes 1 to 100"), (2, "Changes 101 to 140"), (1, "Changes 1 to 100")):
        assert shown in text_of(client.get(f"{base}&page={number}"))
    chinese = text_of(client.get(f"{base}&page=2", headers={"Accept-Language": "zh"}))
    assert "第 101 至 140 处改动，共 140 处" in chinese and 'id="change-101"' in chinese


def test_a_short_diff_is_one_screen_without_pages(client, session, make_page, official, text_of):
    page = make_page(body="a\nb\n")
    save(session, official, page, "a\nB\n")
    html = text_of(client.get(f"/pages/{page.slug}/diff?from=1&to=2"))
    assert "1 change" in html and "Changes 1 to" not in html and "Page 1 of" not in html

"""Readable diffs on every screen (issue 13, item 5): the layout that fits the screen (side by
side when wide, running text when narrow, by CSS from the same rows) is the default on a page's
diff, a suggestion's review and merge preview and a consultation's changes; changed words are
marked by more than colour; each change links to the previous and the next one; blame tells its
revision and author on hover and on tap. Sizes are measured in the browser tests; these hold the
markup and the CSS rules that give them."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from govwiki.services import pages, proposals

CSS = (Path(__file__).resolve().parents[2] / "static/css/site.css").read_text(encoding="utf-8")
TEXT = "Article 1. Stalls open at six.\n\nArticle 2. Fees are low.\n\nArticle 3. Bins are emptied daily.\n"
EDITED = TEXT.replace("six", "seven").replace("daily", "twice a day")


def save(session, user, page, body, summary=""):
    base = pages.head_revision(session, page).number
    return pages.save_page(session, user, page, body=body, summary=summary, base_revision=base)


@pytest.fixture
def edited(session, make_page, official):
    page = make_page(body=TEXT)
    save(session, official, page, EDITED, "later hours")
    return page


def diff_of(client, page, query=""):
    return client.get(f"/pages/{page.slug}/diff?from=1&to=2{query}").get_data(as_text=True)


def rules(media: str | None = None) -> str:
    """The CSS outside any media query (None) or inside the first `@media (media)` block."""
    text = re.sub(r"/\*.*?\*/", "", CSS, flags=re.S)
    if media is None:
        return re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", text)
    blocks = re.findall(r"@media \(" + re.escape(media) + r"\) \{((?:[^{}]*\{[^{}]*\})*[^{}]*)\}", text)
    return " ".join(blocks)


def declarations(css: str, selector: str) -> str:
    found = [
        body
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)
        if selector in [s.strip() for s in selectors.split(",")]
    ]
    assert found, f"no rule for {selector}"
    return " ".join(found)


def test_a_diff_fits_the_screen_by_default(client, edited):
    html = diff_of(client, edited)
    assert 'class="diff diff-side diff-auto"' in html
    assert re.search(r'<a href="[^"]*diff\?from=1&amp;to=2" aria-current="true">Fit the screen</a>', html)
    # each changed line also as one running text, for narrow screens
    both = re.findall(r'<td class="diff-both">(.*?)</td>', html, re.S)
    assert any("<del>six</del>" in cell and "<ins>seven</ins>" in cell for cell in both)


def test_history_compares_in_the_layout_that_fits_the_screen(client, edited):
    html = client.get(f"/pages/{edited.slug}/history").get_data(as_text=True)
    assert '<button type="submit" name="view" value="auto" class="button">Compare selected revisions' in html
    assert "diff-auto" in diff_of(client, edited, "&view=auto")


def test_inline_and_side_by_side_stay_on_offer(client, edited):
    assert 'class="diff diff-inline"' in diff_of(client, edited, "&view=inline")
    side = diff_of(client, edited, "&view=side")
    assert 'class="diff diff-side"' in side and "diff-auto" not in side and "diff-both" not in side


def test_css_picks_the_layout_by_screen_width():
    assert "display: none" in declarations(rules(), "td.diff-both")
    narrow = rules("max-width: 40rem")
    assert "display: block" in declarations(narrow, ".diff-auto td.diff-both")
    hidden = declarations(narrow, ".diff-auto tr.joined")
    assert "display: none" in hidden
    assert "display: none" in declarations(narrow, ".diff-auto tr.changed td.diff-old")


@pytest.mark.parametrize("view", ["", "&view=inline", "&view=side"])
def test_changed_words_are_announced_not_only_coloured(client, edited, view):
    html = diff_of(client, edited, view)
    assert (
        '<span class="visually-hidden">[inserted:</span><ins>seven</ins><span class="visually-hidden">]</span>'
        in html
    )
    assert (
        '<span class="visually-hidden">[deleted:</span><del>six</del><span class="visually-hidden">]</span>'
        in html
    )


def test_insertions_are_underlined_and_deletions_struck_through():
    assert "text-decoration: underline" in declarations(rules(), "ins")
    assert "text-decoration: line-through" in declarations(rules(), "del")


@pytest.mark.parametrize("view", ["", "&view=inline", "&view=side"])
def test_each_change_links_to_the_previous_and_the_next(client, edited, view):
    html = diff_of(client, edited, view)
    assert (
        'data-changes="2"' in html
        and "2 changes ·" in html
        and 'href="#change-1">go to the first change' in html
    )
    first = html[html.index('id="change-1"') : html.index('id="change-2"')]
    second = html[html.index('id="change-2"') :]
    assert 'href="#change-2" data-change-next' in first and "data-change-prev" not in first
    assert 'href="#change-1" data-change-prev' in second and "data-change-next" not in second
    assert 'aria-label="Next change"' in first and 'aria-label="Previous change"' in second


def test_change_links_are_24_px_tap_targets():
    rule = declarations(rules(), ".change-link")
    assert "min-width: 1.5rem" in rule and "min-height: 1.5rem" in rule


def test_a_diff_without_changes_has_no_change_links(client, session, make_page, official):
    page = make_page(body=TEXT)
    save(session, official, page, TEXT + "\n")  # a blank line: a change, and then none
    html = client.get(f"/pages/{page.slug}/diff?from=2&to=2").get_data(as_text=True)
    assert "data-change=" not in html and "go to the first change" not in html


def _ids(html: str) -> Counter:
    return Counter(re.findall(r'\sid="([^"]+)"', html))


def test_a_suggestion_shows_its_diff_and_merge_preview_with_distinct_change_ids(
    client, session, make_page, make_consultation, make_user
):
    page = make_page(make_consultation(edit_policy="suggest"), body=TEXT)
    proposal = proposals.submit_proposal(session, make_user(), page, body=EDITED, base_revision=1)
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert 'class="diff diff-side diff-auto"' in html
    assert 'id="change-1"' in html and 'id="merged-change-1"' in html
    assert 'href="#merged-change-2" data-change-next' in html
    assert [name for name, count in _ids(html).items() if count > 1] == []


def test_a_consultations_changes_fit_the_screen_with_ids_per_page(
    client, session, make_consultation, make_page, official
):
    consultation = make_consultation()
    first, second = make_page(consultation, body=TEXT), make_page(consultation, body=TEXT)
    for page in (first, second):
        save(session, official, page, EDITED)
    html = client.get(f"/consultations/{consultation.slug}/changes").get_data(as_text=True)
    assert f'id="p{first.id}-change-1"' in html and f'id="p{second.id}-change-1"' in html
    assert "As opened (revision 1)" in html
    assert [name for name, count in _ids(html).items() if count > 1] == []


def test_blame_tells_revision_and_author_on_hover_and_on_tap(client, session, make_page, make_user):
    page = make_page(body="Stalls open at six.\n")
    save(session, make_user(display_name="Rosa Resident"), page, "Stalls open at six.\nBins daily.\n", "bins")
    html = client.get(f"/pages/{page.slug}/blame").get_data(as_text=True)
    passage = re.search(
        r'<div class="blame-span band-\d" title="Revision 2 by Rosa Resident, [^"]+">'
        r'<details class="blame-passage"><summary class="blame-tag" title="Revision 2 by Rosa Resident, [^"]+">'
        r"r2 · Rosa Resident</summary>(.*?)</details>Bins daily.",
        html,
    )
    assert passage, "the passage's marker opens a card (details/summary, no script needed)"
    card = passage.group(1)
    assert f'href="/pages/{page.slug}/revisions/2">Revision 2</a>' in card
    assert "<time datetime=" in card and "“bins”" in card
    assert f'href="/pages/{page.slug}/diff?from=1&amp;to=2"' in card


def test_a_blame_marker_is_a_24_px_tap_target_that_opens_in_the_text():
    rule = declarations(rules(), ".blame-tag")
    assert "min-width: 1.5rem" in rule and "line-height: 1.375rem" in rule
    assert "display: block" in declarations(rules(), "details.blame-passage[open]")

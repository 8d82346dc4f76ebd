"""Comment anchors: finding a selection, and following it (or giving up) when the page changes."""

from __future__ import annotations

import pytest

from govwiki.core.anchors import (
    MAX_QUOTE_CHARS,
    OUTDATED,
    SEPARATOR,
    Placement,
    Remap,
    document_offset,
    locate,
    reanchor,
    reparagraph,
)

# --- locate -----------------------------------------------------------------------------------

PAGE = [
    "Market rules",
    "Vendors shall keep the pavement clear at all times.\nStalls may open at six.",
    "Inspectors visit each market once a month, and vendors shall keep the pavement clear.",
]


def test_locate_returns_the_exact_text_with_its_context_and_position():
    anchor = locate(PAGE, "keep the pavement", 1)
    assert (anchor.paragraph, anchor.start, anchor.end) == (1, 14, 31)
    assert anchor.quote == "keep the pavement"
    assert anchor.prefix == "Market rules\n\nVendors shall "
    assert anchor.suffix == " clear at all times.\nStalls may "
    assert anchor.position == len("Market rules\n\nVendors shall ")
    assert SEPARATOR.join(PAGE)[anchor.position :].startswith(anchor.quote)


def test_locate_matches_whitespace_loosely_and_trims_the_selection():
    anchor = locate(PAGE, "  all times.  Stalls\n\tmay ", 1)
    assert anchor.quote == "all times.\nStalls may"


def test_locate_prefers_the_occurrence_nearest_the_hint():
    page = ["the fee, the fee and the fee"]
    assert locate(page, "the fee", 0).start == 0
    assert locate(page, "the fee", 0, near=12).start == 9
    assert locate(page, "the fee", 0, near=100).start == 21


def test_locate_finds_overlapping_occurrences():
    assert locate(["aaaa"], "aa", 0, near=1).start == 1


def test_locate_without_a_paragraph_takes_the_first_that_holds_the_quote():
    assert locate(PAGE, "vendors shall").paragraph == 2


def test_locate_keeps_to_the_named_paragraph():
    assert locate(PAGE, "Inspectors", 1) is None


@pytest.mark.parametrize(
    "quote", ["", "   \n", "not on the page", "Market rules Vendors", "rules\n\nVendors"]
)
def test_locate_returns_none_for_blank_missing_or_cross_paragraph_quotes(quote):
    assert locate(PAGE, quote) is None


def test_locate_refuses_overlong_quotes_and_unknown_paragraphs():
    page = ["x" * (MAX_QUOTE_CHARS + 10)]
    assert locate(page, "x" * MAX_QUOTE_CHARS, 0) is not None
    assert locate(page, "x" * (MAX_QUOTE_CHARS + 1), 0) is None
    assert locate(PAGE, "Market", 3) is None and locate(PAGE, "Market", -1) is None


def test_locate_works_in_chinese():
    page = ["市场管理规定", "摊贩应当保持人行道畅通，不得占道经营。"]
    anchor = locate(page, "保持人行道畅通", 1)
    assert (anchor.start, anchor.end, anchor.prefix) == (4, 11, "市场管理规定\n\n摊贩应当")


def test_locate_does_not_invent_whitespace_the_text_lacks():
    assert locate(["摊贩应当保持人行道畅通"], "保持人行道 畅通") is None


def test_document_offset_counts_separators():
    assert document_offset(PAGE, 2, 5) == len(PAGE[0]) + len(PAGE[1]) + 2 * len(SEPARATOR) + 5


# --- re-anchoring examples, in English and in Chinese -------------------------------------------

DOCUMENTS = {
    "en": {
        "page": [
            "Market rules",
            "Vendors shall keep the pavement clear at all times, so that prams and wheelchairs can "
            "pass. Stalls may open from six in the morning until eight in the evening.",
            "Inspectors visit each market once a month and publish what they find on the portal.",
            "In winter residents also keep the pavement clear of snow in front of their homes.",
        ],
        "quote": "keep the pavement clear",
        "elsewhere": "Inspectors visit each market once a month",
        "edited_elsewhere": "Inspectors visit each market twice a month",
        "rewritten": "Vendors shall leave a way through at all times, so that prams and wheelchairs can "
        "pass. Stalls may open from six in the morning until eight in the evening.",
        "words_deleted": "Vendors shall not block the way, so that prams and wheelchairs can pass. Stalls "
        "may open from six in the morning until eight in the evening.",
    },
    "zh": {
        "page": [
            "市场管理规定",
            "摊贩应当保持人行道畅通，确保婴儿车和轮椅能够通行。摊位每天早上六点开市，晚上八点收市。",
            "检查人员每月检查一次各市场，并在门户网站上公布检查结果。",
            "冬季居民也应当保持人行道畅通，及时清扫自家门前的积雪。",
        ],
        "quote": "保持人行道畅通",
        "elsewhere": "检查人员每月检查一次各市场",
        "edited_elsewhere": "检查人员每月检查两次各市场",
        "rewritten": "摊贩应当留出通道，确保婴儿车和轮椅能够通行。摊位每天早上六点开市，晚上八点收市。",
        "words_deleted": "摊贩不得阻塞通道，确保婴儿车和轮椅能够通行。摊位每天早上六点开市，晚上八点收市。",
    },
}
LANGUAGES = sorted(DOCUMENTS)


def moved_to(language: str, new: list[str]) -> Placement:
    """Re-anchor the first occurrence of the document's quote (paragraph 1) into ``new``."""
    doc = DOCUMENTS[language]
    anchor = locate(doc["page"], doc["quote"], 1)
    [placement] = reanchor(doc["page"], new, [(anchor, anchor.placement)])
    assert placement.outdated or new[placement.paragraph][placement.start : placement.end] == doc["quote"]
    return placement


@pytest.mark.parametrize("language", LANGUAGES)
def test_kept_when_another_paragraph_is_edited(language):
    doc = DOCUMENTS[language]
    new = [p.replace(doc["elsewhere"], doc["edited_elsewhere"]) for p in doc["page"]]
    anchor = locate(doc["page"], doc["quote"], 1)
    assert moved_to(language, new) == anchor.placement


@pytest.mark.parametrize("language", LANGUAGES)
def test_kept_when_the_same_paragraph_is_edited_after_the_quote(language):
    doc = DOCUMENTS[language]
    new = list(doc["page"])
    new[1] = new[1][:-6] + ("until nine." if language == "en" else "九点收市。")
    assert moved_to(language, new) == locate(doc["page"], doc["quote"], 1).placement


@pytest.mark.parametrize("language", LANGUAGES)
def test_moved_when_paragraphs_are_inserted_before(language):
    doc = DOCUMENTS[language]
    new = ["A new introduction.", "第二段新的引言。", *doc["page"]]
    anchor = locate(doc["page"], doc["quote"], 1)
    assert moved_to(language, new) == Placement(3, anchor.start, anchor.end)


@pytest.mark.parametrize("language", LANGUAGES)
def test_moved_with_its_paragraph(language):
    page = DOCUMENTS[language]["page"]
    new = [page[0], page[2], page[3], page[1]]
    anchor = locate(page, DOCUMENTS[language]["quote"], 1)
    assert moved_to(language, new) == Placement(3, anchor.start, anchor.end)


@pytest.mark.parametrize("language", LANGUAGES)
def test_moved_with_its_paragraph_when_that_was_edited_too(language):
    page = DOCUMENTS[language]["page"]
    edited = page[1][:-6] + ("until nine." if language == "en" else "九点收市。")
    new = [page[0], page[2], page[3], edited]
    anchor = locate(page, DOCUMENTS[language]["quote"], 1)
    assert moved_to(language, new) == Placement(3, anchor.start, anchor.end)


@pytest.mark.parametrize("language", LANGUAGES)
def test_outdated_when_the_quoted_words_are_rewritten(language):
    doc = DOCUMENTS[language]
    new = [doc["page"][0], doc["rewritten"], *doc["page"][2:]]
    assert moved_to(language, new) == OUTDATED


@pytest.mark.parametrize("language", LANGUAGES)
def test_outdated_when_its_paragraph_is_deleted(language):
    page = DOCUMENTS[language]["page"]
    assert moved_to(language, [page[0], page[2]]) == OUTDATED


@pytest.mark.parametrize("language", LANGUAGES)
def test_never_reattached_to_the_same_words_in_another_sentence(language):
    doc = DOCUMENTS[language]
    new = [doc["page"][0], doc["words_deleted"], *doc["page"][2:]]
    assert doc["quote"] in new[3]  # the look-alike is there, with other context
    assert moved_to(language, new) == OUTDATED


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_outdated_comment_returns_when_its_text_is_restored(language):
    doc = DOCUMENTS[language]
    rewritten = [doc["page"][0], doc["rewritten"], *doc["page"][2:]]
    anchor = locate(doc["page"], doc["quote"], 1)
    [placement] = reanchor(doc["page"], rewritten, [(anchor, anchor.placement)])
    assert placement == OUTDATED
    assert reanchor(rewritten, doc["page"], [(anchor, placement)]) == [anchor.placement]


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_outdated_comment_stays_outdated_beside_a_look_alike(language):
    doc = DOCUMENTS[language]
    new = [doc["page"][0], doc["words_deleted"], *doc["page"][2:]]
    anchor = locate(doc["page"], doc["quote"], 1)
    assert reanchor(new, new + ["Appendix."], [(anchor, OUTDATED)]) == [OUTDATED]


BOILERPLATE = {
    "en": (
        "Vendors shall not block the pavement. Shops shall not block the pavement either.",
        "Vendors must keep to their pitch. Shops shall not block the pavement either.",
        "block the pavement",
    ),
    "zh": ("第一条 摊贩不得占道经营。第二条 商户不得占道经营。", "第二条 商户不得占道经营。", "不得占道经营"),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_never_reattached_to_a_repeated_phrase_in_the_same_paragraph(language):
    before, after, quote = BOILERPLATE[language]
    old = ["Title", before, "Closing words."]
    anchor = locate(old, quote, 1)
    assert anchor.start < len(before) // 2  # the first of the two
    assert reanchor(old, ["Title", after, "Closing words."], [(anchor, anchor.placement)]) == [OUTDATED]


def test_found_again_when_the_diff_cuts_through_an_unchanged_quote():
    old = ["Vendors shall keep the pavement clear at all times, so that prams can pass."]
    new = ["Vendors shall keep the Pavement clear at all times, so that prams can pass."]
    anchor = locate(old, "avement clear at", 0)  # a selection may start inside a word
    assert reanchor(old, new, [(anchor, anchor.placement)]) == [anchor.placement]


@pytest.mark.parametrize("language", LANGUAGES)
def test_follows_its_half_of_a_split_paragraph(language):
    page = DOCUMENTS[language]["page"]
    cut = page[1].index(".") + 1 if language == "en" else page[1].index("。") + 1
    new = [page[0], page[1][:cut], page[1][cut:], *page[2:]]
    anchor = locate(page, "morning" if language == "en" else "早上六点", 1)
    [placement] = reanchor(page, new, [(anchor, anchor.placement)])
    assert (placement.paragraph, placement.start) == (2, anchor.start - cut)


def test_a_placement_whose_text_does_not_hold_the_quote_is_treated_as_outdated():
    page = DOCUMENTS["en"]["page"]
    anchor = locate(page, "keep the pavement clear", 1)
    wrong = Placement(2, 0, len(anchor.quote))
    assert reanchor(page, page, [(anchor, wrong)]) == [anchor.placement]  # found by its context


def test_a_word_is_not_followed_into_a_longer_word():
    old = ["The fee is on the list of charges that the council reviews every year in May."]
    new = ["The fee is only the list of charges that the council reviews every year in May."]
    anchor = locate(old, "on", 0)
    assert reanchor(old, new, [(anchor, anchor.placement)]) == [OUTDATED]


def test_many_items_are_placed_in_order():
    page = DOCUMENTS["en"]["page"]
    anchors = [locate(page, q, i) for q, i in [("Market", 0), ("prams", 1), ("portal", 2), ("snow", 3)]]
    new = [page[0], page[2], page[3]]
    placements = reanchor(page, new, [(a, a.placement) for a in anchors])
    assert [p.paragraph for p in placements] == [0, None, 1, 2]


# --- whole-paragraph comments --------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_paragraphs_follow_inserts_moves_and_edits(language):
    doc = DOCUMENTS[language]
    page = doc["page"]
    assert reparagraph(page, ["New first.", *page], [0, 1, 2, 3]) == [1, 2, 3, 4]
    assert reparagraph(page, [page[0], page[2], page[3], page[1]], [1, 2, 3]) == [3, 1, 2]
    edited = [p.replace(doc["elsewhere"], doc["edited_elsewhere"]) for p in page]
    assert reparagraph(page, edited, [2]) == [2]


@pytest.mark.parametrize("language", LANGUAGES)
def test_paragraphs_deleted_or_rewritten_are_lost(language):
    doc = DOCUMENTS[language]
    page = doc["page"]
    assert reparagraph(page, [page[0], page[2], page[3]], [1]) == [None]
    rewritten = (
        "Something else entirely, about the budget." if language == "en" else "完全不同的内容，关于预算。"
    )
    assert reparagraph(page, [page[0], rewritten, page[2], page[3]], [1]) == [None]


def test_a_split_paragraph_goes_to_the_part_holding_most_of_it():
    old = ["First sentence is short. The second sentence is a good deal longer than the first one."]
    new = ["First sentence is short.", "The second sentence is a good deal longer than the first one."]
    assert reparagraph(old, new, [0]) == [1]


def test_merged_paragraphs_both_go_to_the_merged_one():
    old = ["One paragraph here.", "Another paragraph there."]
    assert reparagraph(old, ["One paragraph here. Another paragraph there."], [0, 1]) == [0, 0]


def test_unknown_paragraph_indices_map_to_none():
    assert reparagraph(["a"], ["a"], [1, -1]) == [None, None]


def test_an_empty_paragraph_follows_when_its_place_was_kept():
    old = ["Before the rule.", "", "After the rule."]
    assert reparagraph(old, ["New.", *old], [1]) == [2]
    assert reparagraph(old, [old[0], old[2]], [1]) == [None]


def test_remap_answers_placements_and_paragraphs_from_one_diff():
    page = DOCUMENTS["en"]["page"]
    anchor = locate(page, "prams", 1)
    remap = Remap(page, ["Intro.", *page])
    assert remap.placements([(anchor, anchor.placement)]) == [Placement(2, anchor.start, anchor.end)]
    assert remap.paragraphs([1]) == [2]


def test_an_anchor_on_a_rendered_page_follows_a_markdown_edit():
    from govwiki.core.markdown import render_markdown

    before = render_markdown(
        "# Rules\n\nVendors shall keep the **pavement** clear &amp; tidy.\n\n- one\n- two"
    )
    after = render_markdown(
        "# Rules\n\nIntro.\n\nVendors shall keep the *pavement* clear &amp; tidy.\n\n- one"
    )
    anchor = locate(before.paragraphs, "pavement clear & tidy", 1)
    [placement] = reanchor(before.paragraphs, after.paragraphs, [(anchor, anchor.placement)])
    assert placement == Placement(2, anchor.start, anchor.end)
    assert reparagraph(before.paragraphs, after.paragraphs, [0, 1, 2]) == [0, 2, 3]

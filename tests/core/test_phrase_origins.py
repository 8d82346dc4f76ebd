"""Which revision introduced a phrase, from one revision's blame: the newest writer of its
pieces, or the revision whose deletion joined them; case and line breaks do not matter."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govwiki.core.blame import carry_blame, initial_blame
from govwiki.core.diff import diff_texts
from govwiki.core.phrase_origins import context, occurrences, phrase_pattern
from tests.core.test_blame import histories

examples = settings(max_examples=150, deadline=None)


def _history(*texts):
    spans = initial_blame(texts[0], 1)
    for number, (old, new) in enumerate(zip(texts, texts[1:]), start=2):
        spans = carry_blame(spans, diff_texts(old, new), number)
    return texts[-1], spans


def test_a_phrase_written_in_one_revision_is_that_revision_s():
    text, spans = _history("Reply within 30 days.", "Reply within 45 days.")
    [found] = occurrences(text, spans, "45 days")
    assert (found.introduced, found.oldest) == (2, 1)
    assert occurrences(text, spans, "Reply within")[0].introduced == 1


def test_a_phrase_joined_by_a_deletion_is_the_deleting_revision_s():
    # "shall be" never stood in revision 1 or 2: revision 3 made it by taking "not" out
    text, spans = _history(
        "The fee shall not be 30 yuan.",
        "The fee shall not be 30 yuan. Ask.",
        "The fee shall be 30 yuan. Ask.",
    )
    assert occurrences(text, spans, "shall be")[0].introduced == 3
    assert occurrences(text, spans, "30 yuan")[0].introduced == 1


def test_case_and_any_white_space_match():
    text, spans = _history("第一条\n便民菜站  设置\n方案。")
    assert [f.start for f in occurrences(text, spans, "便民菜站 设置 方案")] == [4]
    text, spans = _history("Bus Lanes\nfirst.")
    assert len(occurrences(text, spans, "bus lanes first")) == 1


def test_every_place_is_found_with_its_context():
    text, spans = _history("Fees. Fees apply. No fees.")
    found = occurrences(text, spans, "fees")
    assert [f.start for f in found] == [0, 6, 21]
    assert context(text, found[1], chars=4) == ("es. ", "Fees", " app")
    assert context(text, found[0], chars=4) == ("", "Fees", ". Fe")


@pytest.mark.parametrize("phrase", ["", "   ", "\n\t"])
def test_a_phrase_of_white_space_finds_nothing(phrase):
    assert phrase_pattern(phrase) is None
    assert occurrences("Some text.", [(10, 1)], phrase) == []


def test_characters_of_regular_expressions_are_only_characters():
    text, spans = _history("Fee (a) + [b]* applies.")
    assert len(occurrences(text, spans, "(a) + [b]*")) == 1
    assert occurrences(text, spans, ".*") == []


def test_blame_that_does_not_cover_the_text_is_refused():
    with pytest.raises(ValueError):
        occurrences("abc", [(2, 1)], "a")


@examples
@given(histories(), st.data())
def test_the_phrase_stood_whole_in_the_revision_said_to_introduce_it(history, data):
    _, texts = history
    spans = initial_blame(texts[0], 0)
    for number, (old, new) in enumerate(zip(texts, texts[1:]), start=1):
        spans = carry_blame(spans, diff_texts(old, new), number)
    text = texts[-1]
    start = data.draw(st.integers(0, max(0, len(text) - 1)))
    phrase = text[start : start + data.draw(st.integers(1, 12))]
    pattern = phrase_pattern(phrase)
    for found in occurrences(text, spans, phrase):
        assert found.oldest <= found.introduced < len(texts)
        assert pattern.search(texts[found.introduced]), (phrase, found)

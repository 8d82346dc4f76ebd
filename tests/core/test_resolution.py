"""Texts for resolving conflicts by hand: resaving them never undoes anyone's change elsewhere."""

from hypothesis import given, settings
from hypothesis import strategies as st

from govwiki.core.merge import merge3
from govwiki.core.resolution import has_conflict_markers, marked_merge
from tests.resolving import resolve

#: what happens to one line of the base: kept, changed by one side, or changed by both
FATES = ("kept", "mine", "theirs", "both")


def _line(n: int, word: str) -> str:
    # Distinct words per line, and the edited word in the middle, so edits of neighbouring
    # lines never touch (a conflict is exactly a line both sides changed).
    return f"Clause {n} says {word} for district {n}.\n"


@st.composite
def edited_documents(draw):
    fates = draw(st.lists(st.sampled_from(FATES), min_size=1, max_size=12))
    chinese = draw(st.booleans())
    words = ("十日", "三十日", "四十日") if chinese else ("ten", "thirty", "forty")
    base = "".join(_line(n, words[0]) for n in range(len(fates)))
    mine = "".join(_line(n, words[1] if f in ("mine", "both") else words[0]) for n, f in enumerate(fates))
    theirs = "".join(
        _line(n, words[2] if f == "both" else words[1] if f == "theirs" else words[0])
        for n, f in enumerate(fates)
    )
    return fates, words, base, mine, theirs


@settings(max_examples=300, deadline=None)
@given(edited_documents(), st.sampled_from(("mine", "theirs")))
def test_resolving_a_marked_merge_keeps_every_change_outside_the_overlaps(document, keep):
    fates, words, base, mine, theirs = document
    resolved = resolve(marked_merge(base, mine, theirs, mine_label="yours", theirs_label="current"), keep)
    expected = []
    for n, fate in enumerate(fates):
        if fate == "both":
            word = words[1] if keep == "mine" else words[2]
        else:
            word = words[1] if fate in ("mine", "theirs") else words[0]
        expected.append(_line(n, word))
    assert resolved == "".join(expected)


@settings(max_examples=200, deadline=None)
@given(edited_documents())
def test_a_marked_merge_has_blocks_exactly_when_the_merge_conflicts(document):
    fates, _, base, mine, theirs = document
    text = marked_merge(base, mine, theirs, mine_label="yours", theirs_label="current")
    assert has_conflict_markers(text) == ("both" in fates)
    assert has_conflict_markers(text) == (not merge3(base, mine, theirs).clean)


def test_the_walkway_case_keeps_the_hours_whichever_side_is_kept():
    base = "Walkway 1.5 metres wide.\n\nMarkets open 06:00 to 09:00.\n"
    theirs = "Walkway 2 metres wide.\n\nMarkets open 05:30 to 09:00.\n"
    mine = "Walkway 1.8 metres wide.\n\nMarkets open 06:00 to 09:00.\n"
    text = marked_merge(base, mine, theirs, mine_label="yours", theirs_label="current")
    assert resolve(text, "mine") == "Walkway 1.8 metres wide.\n\nMarkets open 05:30 to 09:00.\n"
    assert resolve(text, "theirs") == theirs

"""Excluding: the documents one matcher matches less those another matches, however the
matcher is moved (next, skip_to, from its start), and through a real index."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from whoosh import fields
from whoosh import query as q
from whoosh.filedb.filestore import RamStorage
from whoosh.matching import ListMatcher

from govwiki.search.exclusion import Excluding, ExcludingMatcher

_IDS = st.lists(st.integers(0, 40), unique=True).map(sorted)


def _walk(matcher, skips: list[int]) -> list[int]:
    """The ids the matcher stands on, moved by `skip_to` to each of `skips` in turn (where it is
    still short of it) and by `next` otherwise."""
    seen, skips = [], list(skips)
    while matcher.is_active():
        seen.append(matcher.id())
        target = skips.pop(0) if skips else None
        if target is not None and target > matcher.id():
            matcher.skip_to(target)
        else:
            matcher.next()
    return seen


@given(_IDS, _IDS, st.lists(st.integers(0, 45), max_size=6))
def test_every_document_of_b_is_left_out_however_the_matcher_moves(wanted, excluded, skips):
    seen = _walk(ExcludingMatcher(ListMatcher(wanted), ListMatcher(excluded)), skips)
    assert not set(seen) & set(excluded)
    assert seen == sorted(set(seen)) and set(seen) <= set(wanted)
    if not skips:
        assert seen == [id for id in wanted if id not in excluded]


def test_a_first_match_after_an_excluded_document_that_does_not_match_is_left_out():
    # whoosh's AndNotMatcher gives [3, 4] here: it takes a's first match unless b stands on it
    assert list(ExcludingMatcher(ListMatcher([3, 4]), ListMatcher([1, 3])).all_ids()) == [4]


def test_through_an_index_the_query_leaves_out_what_b_matches():
    # "c" is the first match and excluded, and "a" (excluded, not a match) comes before it
    schema = fields.Schema(key=fields.ID(stored=True), body=fields.TEXT, place=fields.ID)
    index = RamStorage().create_index(schema)
    with index.writer() as writer:
        for key, body, place in [
            ("a", "bus", "2"),
            ("c", "ferry", "2"),
            ("b", "ferry", "1"),
            ("d", "ferry", "3"),
        ]:
            writer.add_document(key=key, body=body, place=place)
    with index.searcher() as searcher:
        hits = searcher.search(Excluding(q.Term("body", "ferry"), q.Term("place", "2")))
        assert sorted(hit["key"] for hit in hits) == ["b", "d"] and len(hits) == 2

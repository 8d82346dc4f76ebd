"""The search index on its own: Chinese and English precision, phrases, permissions inside the
query, filters, exact totals, escaped snippets, and queries of any shape."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govwiki.search.index import Document, SearchIndex, SearchRequest

VEGETABLE_STALLS = "城市管理执法局征集市民对便民菜站设置方案的意见"
APART = "蔬菜价格上涨，车站附近的摊位很多。"
STANDING = "他站在菜市场门口。"
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _doc(key, body, *, title="", kind="page", consultation=1, status="open", author="ann", day=0):
    return Document(
        key=key,
        kind=kind,
        title=title or key,
        body=body,
        consultation=consultation,
        status=status,
        author=author,
        updated=T0 + timedelta(days=day),
        slug=key,
    )


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    built = SearchIndex(str(tmp_path_factory.mktemp("index")))
    built.create()
    built.write(
        [
            _doc("page:1", VEGETABLE_STALLS, day=1),
            _doc("page:2", APART, day=2),
            _doc("page:3", STANDING, day=3),
            _doc("page:4", "The plan was drafted by the council.", title="Parking plan", day=4),
            _doc(
                "proposal:5", "Drafting rules for <script>alert(1)</script> parking.", kind="proposal", day=5
            ),
            _doc("page:6", "A secret draft of the parking rules.", consultation=2, day=6),
            _doc(
                "comment:7",
                "I support the parking draft.",
                kind="comment",
                author="bo",
                status="closed",
                day=7,
            ),
        ]
    )
    return built


def keys(index, text, **options) -> list[str]:
    options.setdefault("readable", frozenset({1}))
    return sorted(hit.key for hit in index.search(SearchRequest(text=text, **options)).hits)


@pytest.mark.parametrize("text", ["便民菜站", "菜站", "设置方案", "征集市民", "执法局"])
def test_chinese_words_and_parts_of_words_find_the_clause(index, text):
    assert keys(index, text) == ["page:1"]


def test_a_word_made_of_two_that_stand_apart_finds_neither(index):
    assert "page:2" not in keys(index, "菜站")
    assert "page:3" not in keys(index, "菜站")


def test_a_quoted_chinese_phrase_matches_the_phrase_only(index):
    assert keys(index, '"便民菜站"') == ["page:1"]
    assert keys(index, "「菜站设置」") == ["page:1"]
    assert keys(index, '"菜站市民"') == []


def test_english_words_match_their_stem(index):
    assert keys(index, "draft") == ["comment:7", "page:4", "proposal:5"]
    assert keys(index, "Drafting") == ["comment:7", "page:4", "proposal:5"]


def test_a_quoted_english_phrase_keeps_the_order(index):
    assert keys(index, '"plan was drafted"') == ["page:4"]
    assert keys(index, '"drafted plan"') == []


def test_every_part_must_match(index):
    assert keys(index, "draft council") == ["page:4"]
    assert keys(index, "draft 菜站") == []


def test_what_the_reader_may_not_read_is_never_found_nor_counted(index):
    found = index.search(SearchRequest(text="draft", readable=frozenset({1})))
    assert "page:6" not in [hit.key for hit in found.hits] and found.total == 3
    everything = index.search(SearchRequest(text="draft", readable=frozenset({1, 2})))
    assert everything.total == 4
    assert index.search(SearchRequest(text="draft", readable=frozenset())).total == 0


def test_filters_narrow_the_hits_and_the_total(index):
    assert keys(index, "draft", kinds=("comment",)) == ["comment:7"]
    assert keys(index, "draft", author="bo") == ["comment:7"]
    assert keys(index, "draft", status="closed") == ["comment:7"]
    assert keys(index, "draft", readable=frozenset({1, 2}), consultation=2) == ["page:6"]
    assert keys(index, "draft", since=T0 + timedelta(days=4), until=T0 + timedelta(days=5)) == [
        "page:4",
        "proposal:5",
    ]


def test_facets_count_every_kind_before_the_kind_filter(index):
    found = index.search(SearchRequest(text="draft", readable=frozenset({1}), kinds=("page",)))
    assert found.total == 1
    assert found.kinds == {"page": 1, "proposal": 1, "comment": 1, "consultation": 0}


def test_facets_count_consultations_and_statuses_with_every_other_filter(index):
    found = index.search(
        SearchRequest(text="draft", readable=frozenset({1, 2}), consultation=1, status="closed")
    )
    assert found.total == 1
    # per consultation: the status filter holds, the consultation filter does not
    assert found.consultations == {1: 1}
    # per status: within consultation 1, whatever the status
    assert found.statuses == {"open": 2, "closed": 1}
    unread = index.search(SearchRequest(text="draft", readable=frozenset({1})))
    assert 2 not in unread.consultations and unread.statuses == {"open": 2, "closed": 1}


def test_pages_of_hits_with_an_exact_total_newest_first(index):
    first = index.search(SearchRequest(text="draft", readable=frozenset({1}), sort="date", per_page=2))
    second = index.search(
        SearchRequest(text="draft", readable=frozenset({1}), sort="date", per_page=2, page=2)
    )
    assert (first.total, second.total) == (3, 3)
    assert [hit.key for hit in first.hits + second.hits] == ["comment:7", "proposal:5", "page:4"]
    beyond = index.search(SearchRequest(text="draft", readable=frozenset({1}), per_page=2, page=9))
    assert beyond.hits == [] and beyond.total == 3


def test_snippets_escape_the_text_and_mark_the_match(index):
    [hit] = index.search(SearchRequest(text="rules", readable=frozenset({1}))).hits
    assert "<script>" not in hit.snippet_html and "&lt;script&gt;" in hit.snippet_html
    assert "<mark" in hit.snippet_html
    [stalls] = index.search(SearchRequest(text="菜站", readable=frozenset({1}))).hits
    assert "<mark" in stalls.snippet_html


def test_replacing_and_removing_a_document(tmp_path):
    index = SearchIndex(str(tmp_path / "index"))
    index.create()
    index.write([_doc("page:1", "Old words.")])
    index.write([_doc("page:1", "New words.")])
    assert keys(index, "old") == [] and keys(index, "new") == ["page:1"]
    index.write(removed=["page:1"])
    assert keys(index, "new") == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        '"unbalanced',
        'draft"',
        "title:draft",
        "draft AND OR NOT (",
        "*?~^",
        "。，！？……",
        "\u202edraft\u202c",
        "\x00\x07draft",
        "draft " * 1000,
        "菜" * 5000,
    ],
)
def test_queries_of_any_shape_give_results_or_nothing(index, text):
    found = index.search(SearchRequest(text=text, readable=frozenset({1})))
    assert found.total >= 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_any_text_is_a_query(index, text):
    assert index.search(SearchRequest(text=text, readable=frozenset({1}))).total >= 0


def test_a_reader_of_consultations_with_nothing_indexed_finds_nothing(index):
    # whoosh takes a filter that matches no document for no filter; the rule is in the query
    assert keys(index, "draft", readable=frozenset({99})) == []
    assert keys(index, "draft", consultation=99) == []


def test_a_bulk_build_in_two_processes_keeps_every_document(tmp_path):
    built = SearchIndex(str(tmp_path / "bulk"))
    built.create()
    with built.bulk(procs=2) as batch:  # more than one job file of 100 for each process
        batch.put(_doc(f"page:{n}", f"Bus stop number {n}.", consultation=n % 3 + 1) for n in range(250))
    found = built.search(SearchRequest(text="bus", readable=frozenset({1, 2, 3}), per_page=5))
    assert found.total == 250 and found.consultations == {1: 84, 2: 83, 3: 83}


def test_a_reader_of_all_but_some_consultations_finds_and_counts_none_of_theirs(tmp_path):
    built = SearchIndex(str(tmp_path / "three"))
    built.create()
    built.write([_doc(f"page:{n}", "Ferry timetable.", consultation=n) for n in (1, 2, 3)])
    found = built.search(SearchRequest(text="ferry", readable=frozenset({1, 2})))
    assert sorted(hit.key for hit in found.hits) == ["page:1", "page:2"]
    assert found.total == 2 and found.consultations == {1: 1, 2: 1}
    everything = built.search(SearchRequest(text="ferry", readable=frozenset({1, 2, 3, 99})))
    assert everything.total == 3


def test_a_searcher_follows_an_index_swapped_in_under_the_same_name(tmp_path):
    folder, other = str(tmp_path / "index"), str(tmp_path / "other")
    for where, word in ((folder, "tram"), (other, "ferry")):  # both at the same generation
        made = SearchIndex(where)
        made.create()
        made.write([_doc("page:1", f"The {word} timetable.")])
    searching = SearchIndex(folder)
    assert searching.search(SearchRequest(text="tram", readable=frozenset({1}))).total == 1
    os.rename(folder, str(tmp_path / "old"))
    os.rename(other, folder)
    assert searching.search(SearchRequest(text="ferry", readable=frozenset({1}))).total == 1
    assert searching.search(SearchRequest(text="tram", readable=frozenset({1}))).total == 0


def test_an_answer_is_remembered_until_anyone_writes_to_the_index(tmp_path, monkeypatch):
    from govwiki.search import index as module

    folder = str(tmp_path / "index")
    searching, other_worker = SearchIndex(folder), SearchIndex(folder)
    searching.create()
    searching.write([_doc(f"page:{n}", "Ferry timetable.", consultation=n % 2 + 1, day=n) for n in range(5)])
    passes, real_counted = [], module.counted
    monkeypatch.setattr(module, "counted", lambda *args: passes.append(1) or real_counted(*args))

    def ask(**asked):
        return searching.search(SearchRequest(text="ferry", readable=frozenset({1, 2}), per_page=2, **asked))

    first = ask()
    assert ask() is first and len(passes) == 1
    # another page and another order are scored, but the total and the facets are not counted again
    second_page, by_date = ask(page=2), ask(sort="date")
    assert second_page.total == by_date.total == 5 and len(passes) == 1
    assert {hit.key for hit in second_page.hits}.isdisjoint(hit.key for hit in first.hits)
    # a reader with other rights has an answer of their own
    narrower = searching.search(SearchRequest(text="ferry", readable=frozenset({1}), per_page=2))
    assert narrower.total == 3 and len(passes) == 2
    # a commit by another process's writer is seen at once
    other_worker.write([_doc("page:9", "Ferry fares.", consultation=1)])
    assert ask().total == 6 and len(passes) == 3


def test_an_unreadable_consultation_is_left_out_when_its_document_comes_before_the_first_match(tmp_path):
    """Three consultations, one unreadable: its comment is the first match, and its other
    document (which does not match) is written before it. Neither the total nor the hits
    hold it, in the first state and after a commit that deletes another of its documents."""
    searching = SearchIndex(str(tmp_path / "index"))
    searching.create()
    searching.write(
        [
            _doc("page:1", "ferry", consultation=3, status="closed"),
            _doc("comment:2", "bus", kind="comment", consultation=2),
            _doc("page:3", "ferry fares", consultation=1, status="closed"),
            _doc("comment:4", "ferry fares", kind="comment", consultation=2),
            _doc("page:5", "ferry fares", consultation=1),
        ]
    )
    request = SearchRequest(text="ferry", readable=frozenset({1, 3}), status="open")
    first = searching.search(request)
    assert (first.total, [hit.key for hit in first.hits], first.consultations) == (1, ["page:5"], {1: 1})
    searching.write(removed=["comment:2", "page:5"])
    assert searching.search(request).total == 0


def _counts(result) -> tuple:
    return result.total, result.kinds, result.consultations, result.statuses


_EDITS = st.lists(
    st.tuples(
        st.sampled_from(["put", "remove"]),
        st.integers(0, 11),  # which document
        st.sampled_from(["ferry", "ferry fares", "bus"]),  # its text
        st.integers(1, 3),  # its consultation
        st.sampled_from(["open", "closed"]),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_EDITS, min_size=1, max_size=5))
def test_totals_and_facets_stay_exact_across_commits(tmp_path_factory, commits):
    """Each segment's count outlives the commit that follows it, less what that commit deleted:
    after any run of commits (each an update, an addition or a removal), every total and facet
    is what a worker that never searched before finds."""
    folder = str(tmp_path_factory.mktemp("index"))
    searching = SearchIndex(folder)
    searching.create()
    requests = [
        SearchRequest(text="ferry", readable=frozenset({1, 2, 3})),
        SearchRequest(text="ferry", readable=frozenset({1, 3}), status="open"),
        SearchRequest(text="ferry", readable=frozenset({1, 2, 3}), consultation=2, kinds=("comment",)),
    ]
    held = {}  # what the index should hold: key -> document
    for edits in commits:
        documents, removed = {}, []
        for action, number, text, consultation, status in edits:
            key = f"{'page' if number % 2 else 'comment'}:{number}"
            if action == "put":
                kind = key.split(":")[0]
                documents[key] = _doc(key, text, kind=kind, consultation=consultation, status=status)
            else:
                documents.pop(key, None)
                removed.append(key)
        searching.write(list(documents.values()), removed)
        for key in removed:
            held.pop(key, None)
        held.update(documents)
        for request in requests:
            assert _counts(searching.search(request)) == _counts(SearchIndex(folder).search(request))
            assert searching.search(request).total == sum(_answers(request, doc) for doc in held.values())


def _answers(request: SearchRequest, doc: Document) -> bool:
    """Whether `doc` (of the property test above) is one of the matches `request` asks for."""
    return (
        "ferry" in doc.body
        and doc.consultation in request.readable
        and request.status in (None, doc.status)
        and request.consultation in (None, doc.consultation)
        and (not request.kinds or doc.kind in request.kinds)
    )


def test_a_commit_counts_and_highlights_only_its_own_segment_again(tmp_path, monkeypatch):
    from govwiki.search import index as index_module
    from govwiki.search import scope as scope_module

    folder = str(tmp_path / "index")
    searching = SearchIndex(folder)
    searching.create()
    searching.write([_doc(f"page:{n}", f"Ferry timetable {n}.", day=n) for n in range(6)])
    counted, highlighted = [], []
    real_count, real_snippet = scope_module._counted_afresh, index_module._snippet
    monkeypatch.setattr(scope_module, "_counted_afresh", lambda *a: counted.append(1) or real_count(*a))
    monkeypatch.setattr(
        index_module, "_snippet", lambda hit: highlighted.append(hit["key"]) or real_snippet(hit)
    )
    request = SearchRequest(text="ferry", readable=frozenset({1}), sort="date")
    assert searching.search(request).total == 6 and len(counted) == 1 and len(highlighted) == 6

    counted.clear(), highlighted.clear()
    searching.write([_doc("page:9", "Ferry fares.", day=9)])  # a new segment
    result = searching.search(request)
    assert result.total == 7 and len(counted) == 1 and highlighted == ["page:9"]

    # an update deletes the old version in its segment (taken out of that segment's count,
    # which is not made again) and adds the new one, whose snippet is the new text's
    counted.clear(), highlighted.clear()
    searching.write([_doc("page:2", "Ferry to the islands.", day=10)])
    result = searching.search(request)
    assert result.total == 7 and len(counted) == 1 and highlighted == ["page:2"]
    assert "islands" in result.hits[0].snippet_html
    assert searching.search(SearchRequest(text="timetable", readable=frozenset({1}))).total == 5


def test_a_new_state_opens_only_the_segments_that_changed(tmp_path):
    folder = str(tmp_path / "index")
    searching, other_worker = SearchIndex(folder), SearchIndex(folder)
    searching.create()
    with searching.bulk() as batch:
        batch.put([_doc(f"page:{n}", f"Ferry timetable {n}.") for n in range(300)])
    request = SearchRequest(text="ferry", readable=frozenset({1}))

    def readers() -> dict:
        return {name: reader for name, (reader, _) in searching._readers.segments.items()}

    assert searching.search(request).total == 300
    ((big, before),) = readers().items()
    other_worker.write([_doc("comment:1", "Ferry fares.", kind="comment")])  # a new segment beside it
    assert searching.search(request).total == 301
    assert readers()[big] is before and len(readers()) == 2
    other_worker.write([_doc("page:5", "A bus timetable.")])  # deletes in the big segment
    assert searching.search(request).total == 300
    assert readers()[big] is not before and before.is_closed


def _ranked(result) -> list:
    return [(hit.key, hit.score) for hit in result.hits]


_RANKED_EDITS = st.lists(
    st.tuples(
        st.sampled_from(["put", "remove"]),
        st.integers(0, 14),  # which document
        st.sampled_from(["ferry", "ferry ferry fares", "the ferry to the islands and back", "bus"]),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_RANKED_EDITS, min_size=1, max_size=5))
def test_pages_of_hits_stay_exact_across_commits(tmp_path_factory, commits):
    """Each segment's ranked top outlives the commits that follow it, less what they deleted:
    after any run of commits, every page of hits, by relevance and by date, is the one a worker
    that never searched before finds, scores and all."""
    folder = str(tmp_path_factory.mktemp("index"))
    searching = SearchIndex(folder)
    searching.create()
    searching.write([_doc(f"page:{n}", "ferry " * (n % 4 + 1) + "timetable", day=n) for n in range(10, 30)])
    requests = [
        SearchRequest(text="ferry", readable=frozenset({1}), per_page=3, page=page, sort=sort)
        for page in (1, 2, 4)
        for sort in ("relevance", "date")
    ]
    for day, edits in enumerate(commits, start=100):
        documents, removed = {}, []
        for action, number, text in edits:
            key = f"page:{number}"
            if action == "put":
                documents[key] = _doc(key, text, day=day)
            else:
                documents.pop(key, None)
                removed.append(key)
        searching.write(list(documents.values()), removed)
        for request in requests:
            assert _ranked(searching.search(request)) == _ranked(SearchIndex(folder).search(request))


def test_a_commit_ranks_only_its_own_segment_again(tmp_path, monkeypatch):
    """The first search of a common word after a commit ranks the commit's new segment, not
    every document holding the word; the old segment's kept top serves while an update's
    deletions there leave it enough documents."""
    from govwiki.search import ranking

    folder = str(tmp_path / "index")
    searching = SearchIndex(folder)
    searching.create()
    with searching.bulk() as batch:
        batch.put([_doc(f"page:{n}", "ferry " * (n % 5 + 1) + "timetable", day=n) for n in range(300)])
    ranked, real = [], ranking._ranked_afresh
    monkeypatch.setattr(
        ranking,
        "_ranked_afresh",
        lambda reader, *a: ranked.append(reader.doc_count_all()) or real(reader, *a),
    )
    request = SearchRequest(text="ferry", readable=frozenset({1}), per_page=10)
    best = _ranked(searching.search(request))
    assert ranked == [300]

    ranked.clear()
    searching.write([_doc("comment:1", "Ferry fares.", kind="comment")])
    assert _ranked(searching.search(request)) == best  # a short text ranks below the long ones
    assert ranked and 300 not in ranked

    ranked.clear()
    updated = best[0][0]
    searching.write([_doc(updated, "A bus timetable.")])  # deletes the best hit in the big segment
    after = _ranked(searching.search(request))
    assert after[0] == best[1] and updated not in dict(after)
    assert ranked and 300 not in ranked, "the big segment's kept top still had ten documents"


def test_a_small_segment_leaves_every_other_score_as_it_was(tmp_path):
    """Scores come from the large segments' statistics alone, so a commit of a few documents
    changes no score in the others; a segment of a quarter of the largest one's size joins them,
    and then the statistics are theirs together."""
    from govwiki.search.ranking import BASE_SHARE

    folder = str(tmp_path / "index")
    searching = SearchIndex(folder)
    searching.create()
    with searching.bulk() as batch:
        batch.put([_doc(f"page:{n}", "ferry " * (n % 3 + 1) + "timetable") for n in range(40)])
    request = SearchRequest(text="ferry", readable=frozenset({1}), per_page=100)

    def pages() -> dict:
        return {key: score for key, score in _ranked(searching.search(request)) if key.startswith("page:")}

    before = pages()
    assert len(before) == 40
    searching.write([_doc("comment:1", "Ferry fares and ferry ferry timetables.", kind="comment")])
    assert pages() == before
    searching.write([_doc(f"comment:{n}", "ferry " * 3) for n in range(2, 2 + 40 // BASE_SHARE)])
    after = pages()
    assert after.keys() == before.keys() and all(after[key] != before[key] for key in before)

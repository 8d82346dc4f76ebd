"""The small helpers behind the views: safe redirects, pagination, folding diffs, conflicts."""

from __future__ import annotations

import pytest

from govwiki.core.diff import DiffOp
from govwiki.web.present import conflict_passages, fold_pieces, fold_rows
from govwiki.web.views import Pager, bounded_int, local_path


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/settings", "/settings"),
        ("/pages/a?revision=2", "/pages/a?revision=2"),
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("/\\evil.example", None),
        ("javascript:alert(1)", None),
        ("/\tjavascript", None),
        ("", None),
        (None, None),
    ],
)
def test_local_path_accepts_only_paths_on_this_site(target, expected):
    assert local_path(target) == expected


@pytest.mark.parametrize(
    "raw, expected", [("3", 3), ("-1", 1), ("abc", 1), (None, 1), ("99999999999999999999", 50)]
)
def test_bounded_int_clamps_and_defaults(raw, expected):
    assert bounded_int(raw, 1, 1, 50) == expected


def test_pager_counts_pages():
    assert Pager(page=2, per_page=10, total=25).pages == 3
    assert Pager(page=1, per_page=10, total=0).pages == 1
    assert Pager(page=3, per_page=10, total=25).has_next is False


def test_fold_rows_keeps_context_around_changes():
    rows = [{"changed": False, "left": None, "right": None} for _ in range(20)]
    rows[10] = {"changed": True, "left": None, "right": None}
    folded = fold_rows(rows, context=2)
    assert folded[0] == {"skipped": 8}
    assert sum(1 for row in folded if "changed" in row) == 5
    assert folded[-1] == {"skipped": 7}


def test_fold_rows_leaves_short_runs_alone():
    rows = [{"changed": index == 1} for index in range(4)]
    assert fold_rows(rows, context=1) == rows


def test_fold_pieces_keeps_every_change_and_the_lines_near_it():
    kept = "".join(f"line {n}\n" for n in range(30))
    pieces = fold_pieces([DiffOp("equal", kept), DiffOp("insert", "new\n"), DiffOp("equal", kept)], 2)
    assert {"op": "insert", "text": "new\n"} in pieces
    assert [p["skipped"] for p in pieces if "skipped" in p] == [28, 28]
    assert pieces[1]["text"] == "line 28\nline 29\n"


def test_conflict_passages_add_the_rest_of_the_line():
    base = "First line.\nThe fee is 30 yuan per day.\nLast line.\n"
    start = base.index("30")
    conflict = {"start": start, "end": start + 2, "base": "30", "mine": "45", "theirs": "60"}
    [passage] = conflict_passages(base, [conflict])
    assert (passage["before"], passage["after"]) == ("The fee is ", " yuan per day.")


def test_conflict_passages_tolerate_bad_offsets():
    [passage] = conflict_passages("short", [{"start": 10, "end": 99, "mine": "a", "theirs": "b"}])
    assert passage["before"] == passage["after"] == ""

"""The layout that fits the screen (aligned_rows: side by side when wide, running text when
narrow, from the same rows) and the numbering of a diff's changes (next / previous links)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from govwiki.core.diff import DiffOp, diff_texts
from govwiki.core.diff_views import aligned_rows, diff_screen, number_changes, side_by_side
from tests.core.test_diff import examples, revisions


def _narrow_text(rows, drop: str) -> str:
    """What a narrow screen shows, read as the old (drop inserts) or new (drop deletes) text:
    each changed stretch's running text, the unchanged lines once, joined rows not at all."""
    out = []
    for row in rows:
        if row.get("joined"):
            continue
        pieces = row["inline"] if row.get("inline") else row["left"]
        out.extend(p.text for p in pieces if p.op != drop)
    return "".join(out)


@examples
@given(revisions())
def test_aligned_rows_are_the_side_by_side_rows(pair):
    ops = diff_texts(*pair)
    strip = [{k: row[k] for k in ("left", "right", "changed")} for row in aligned_rows(ops)]
    assert strip == side_by_side(ops)


@examples
@given(revisions())
def test_the_narrow_layout_reads_as_both_texts(pair):
    old, new = pair
    rows = aligned_rows(diff_texts(old, new))
    assert _narrow_text(rows, "insert") == old
    assert _narrow_text(rows, "delete") == new


@examples
@given(revisions())
def test_every_changed_row_is_in_a_running_text(pair):
    for row in aligned_rows(diff_texts(*pair)):
        assert not row["changed"] or row.get("inline") or row.get("joined")
        assert not (row.get("inline") and row.get("joined"))


def test_a_joined_line_is_one_running_text():
    rows = aligned_rows(diff_texts("Stalls open\nat six.\n", "Stalls open at seven.\n"))
    first, *rest = rows
    assert "".join(p.text for p in first["inline"] if p.op != "insert") == "Stalls open\nat six.\n"
    assert rest and all(row["joined"] for row in rest)


def test_unchanged_lines_carry_no_running_text():
    rows = aligned_rows(diff_texts("a\nb\n", "a\nB\n"))
    assert "inline" not in rows[0] and rows[1]["inline"]


def test_changes_are_numbered_by_runs_and_the_last_is_marked():
    rows = [{"changed": c} for c in (False, True, True, False, True)] + [{"skipped": 4}, {"changed": True}]
    numbered = number_changes(rows)
    assert [row.get("change") for row in numbered] == [None, 1, None, None, 2, None, 3]
    assert [bool(row.get("last")) for row in numbered] == [False] * 6 + [True]
    assert "change" not in rows[1]  # the input (perhaps cached and shared) is left alone


def test_inline_pieces_are_numbered_by_runs_of_insertions_and_deletions():
    pieces = [p.to_dict() for p in (DiffOp("equal", "a "), DiffOp("delete", "b"), DiffOp("insert", "c"))]
    pieces += [DiffOp("equal", " d ").to_dict(), DiffOp("insert", "e").to_dict()]
    numbered = number_changes(pieces)
    assert [p.get("change") for p in numbered] == [None, 1, None, None, 2]
    assert numbered[4]["last"] and not numbered[1].get("last")


def test_a_diff_without_changes_has_no_numbers():
    assert number_changes([{"op": "equal", "text": "same"}]) == [{"op": "equal", "text": "same"}]


def _screens(items, per_screen):
    first = diff_screen(items, 1, per_screen)
    return [diff_screen(items, number, per_screen) for number in range(1, first.screens + 1)]


_items = st.lists(
    st.one_of(
        st.builds(lambda changed: {"changed": changed}, st.booleans()),
        st.builds(lambda n: {"skipped": n}, st.integers(3, 9)),
    ),
    max_size=40,
)


@given(_items, st.integers(1, 5))
def test_the_screens_of_a_diff_show_every_item_once_in_order(rows, per_screen):
    numbered = number_changes(rows)
    screens = _screens(numbered, per_screen)
    assert [item for screen in screens for item in screen.items] == numbered


@given(_items, st.integers(1, 5))
def test_each_screen_holds_its_own_changes_and_no_other(rows, per_screen):
    numbered = number_changes(rows)
    for screen in _screens(numbered, per_screen):
        changes = [item["change"] for item in screen.items if item.get("change")]
        assert changes == list(range(screen.first, screen.last + 1)) if screen.total else changes == []
        assert len(changes) <= per_screen
        assert screen.total == sum(1 for item in numbered if item.get("change"))


def test_a_screen_ends_after_the_fold_between_its_last_change_and_the_next():
    rows = [{"changed": True}, {"changed": False}, {"skipped": 5}, {"changed": False}, {"changed": True}]
    first, second = _screens(number_changes(rows), 1)
    assert [item.get("change") for item in first.items] == [1, None, None]
    assert second.items[0] == {"changed": False} and second.items[-1]["change"] == 2


def test_without_a_fold_the_next_screen_starts_at_its_first_change():
    rows = [{"changed": True}, {"changed": False}, {"changed": True}]
    first, second = _screens(number_changes(rows), 1)
    assert len(first.items) == 2 and second.items[0]["change"] == 2


def test_a_screen_past_the_last_is_the_last_and_a_diff_without_changes_is_one_screen():
    rows = number_changes([{"changed": True}, {"changed": False}, {"changed": True}])
    assert diff_screen(rows, 9, 1).number == 2 and diff_screen(rows, 9, 1).first == 2
    assert diff_screen(rows, 0, 1).number == 1
    same = diff_screen([{"changed": False}], 3, 100)
    assert (same.number, same.screens, same.first, same.last, same.total) == (1, 1, 0, 0, 0)

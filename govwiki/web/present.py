"""Shaping service results into what templates display: conflict passages, folded diffs,
blame bands."""

from __future__ import annotations

from govwiki.core.diff_views import aligned_rows, number_changes, side_by_side

#: characters of unchanged text shown on each side of a conflicting passage
CONTEXT_CHARS = 160
#: colour bands cycled through by blame (see .band-N in site.css)
BLAME_BANDS = 6
#: unchanged lines kept around each change when a diff is folded
DIFF_CONTEXT = 3


def conflict_passages(base_body: str, conflicts: list[dict]) -> list[dict]:
    """Each conflict with the rest of its line around it, so both versions read as sentences."""
    return [_with_context(base_body, conflict) for conflict in conflicts]


def _with_context(base: str, conflict: dict) -> dict:
    start, end = conflict.get("start"), conflict.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start <= end <= len(base):
        return {**conflict, "before": "", "after": ""}
    line_start = base.rfind("\n", 0, start) + 1
    line_end = base.find("\n", end)
    before = base[line_start:start]
    after = base[end : line_end if line_end != -1 else len(base)]
    if len(before) > CONTEXT_CHARS:
        before = "…" + before[-CONTEXT_CHARS:]
    if len(after) > CONTEXT_CHARS:
        after = after[:CONTEXT_CHARS] + "…"
    return {**conflict, "before": before, "after": after}


def blame_bands(spans) -> dict[int, int]:
    """Give each contributing revision a colour band, in order of first appearance."""
    bands: dict[int, int] = {}
    for span in spans:
        bands.setdefault(span.revision, len(bands) % BLAME_BANDS)
    return bands


def blame_sources(spans) -> list:
    """The revisions that wrote the text, newest first, one span each (for the legend)."""
    seen = {span.revision: span for span in spans}
    return [seen[number] for number in sorted(seen, reverse=True)]


#: the layouts of a diff: `auto` is side by side on wide screens and inline on narrow ones (by
#: CSS, from the same rows); `inline` and `side` are one layout on every screen
DIFF_VIEWS = ("auto", "inline", "side")


def diff_view(asked: str | None) -> str:
    """The layout a `?view=` asks for; anything else is the automatic one."""
    return asked if asked in DIFF_VIEWS else "auto"


def diff_layout(ops, view: str, full: bool) -> list[dict]:
    """What the diff template walks: inline pieces or rows (`auto`: rows that also hold each
    changed stretch as running text), folded unless `full`, with their changes numbered."""
    if view in ("auto", "side"):
        rows = aligned_rows(ops) if view == "auto" else side_by_side(ops)
        return number_changes(rows if full else fold_rows(rows))
    return number_changes([piece.to_dict() for piece in ops] if full else fold_pieces(ops))


def fold_rows(rows: list[dict], context: int = DIFF_CONTEXT) -> list[dict]:
    """Side-by-side rows with long runs of unchanged lines folded into `{"skipped": n}`."""
    near = {i + d for i, row in enumerate(rows) if row["changed"] for d in range(-context, context + 1)}
    folded: list[dict] = []
    run: list[dict] = []
    for index, row in enumerate(rows):
        if index in near:
            folded.extend(_fold_run(run))
            run = []
            folded.append(row)
        else:
            run.append(row)
    return folded + _fold_run(run)


def _fold_run(run: list[dict]) -> list[dict]:
    return [{"skipped": len(run)}] if len(run) > 2 else run


def fold_pieces(ops, context: int = DIFF_CONTEXT) -> list[dict]:
    """Inline diff pieces with long unchanged stretches cut to `context` lines around changes."""
    pieces: list[dict] = []
    last = len(ops) - 1
    for index, piece in enumerate(ops):
        if piece.op != "equal":
            pieces.append({"op": piece.op, "text": piece.text})
            continue
        lines = piece.text.splitlines(keepends=True)
        keep_head = context if index > 0 else 0
        keep_tail = context if index < last else 0
        hidden = len(lines) - keep_head - keep_tail
        if hidden <= 2:
            pieces.append({"op": "equal", "text": piece.text})
            continue
        pieces.append({"op": "equal", "text": "".join(lines[:keep_head])})
        pieces.append({"skipped": hidden})
        pieces.append({"op": "equal", "text": "".join(lines[len(lines) - keep_tail :])})
    return [piece for piece in pieces if piece.get("text") != ""]

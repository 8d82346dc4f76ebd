"""The readable cleanup of a diff: diff-match-patch's semantic cleanup, minus swallowed words.

``diff_cleanupSemantic`` folds an equality into the changes around it when it is no longer than
they are. Between two long inserts that folds whole unchanged words: "后划定便民摊点区域" kept
between two added clauses came out deleted and re-inserted, and blame, carried across the same
diff, credited it to the new revision. So an equality that holds a whole word (a Latin word or
number, or two CJK letters in a row) is never folded: it splits the ops into stretches that are
cleaned up one by one. Equalities of spaces, punctuation or a lone CJK character still fold, so
a reworded sentence does not turn into confetti.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from diff_match_patch import diff_match_patch

_DMP = diff_match_patch()

# CJK ideographs, kana, hangul, bopomofo, CJK punctuation and full-width forms: one token each,
# since these scripts do not separate words with spaces.
CJK = (
    "\u1100-\u11ff\u2e80-\u2fdf\u2ff0-\u303f\u3040-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe10-\ufe1f\ufe30-\ufe4f\uff00-\uffef"
    "\U0001b000-\U0001b16f\U00020000-\U0003ffff"
)

_LATIN = rf"[^\W_{CJK}]"  # a letter or digit outside the CJK blocks
_CJK_LETTER = rf"[{CJK}](?<![\W_])"  # an ideograph, kana or hangul; not CJK punctuation
# In a token diff every token is whole, so any Latin letter means a whole word.
_TOKEN_WORD = re.compile(rf"{_LATIN}|{_CJK_LETTER}{_CJK_LETTER}")
# In a character diff an equality may begin or end inside a word: only a word with a character
# of the equality on each side, neither of them a letter or digit, is sure to be whole.
_CHAR_WORD = re.compile(rf"{_CJK_LETTER}{_CJK_LETTER}|(?<=.)(?<!{_LATIN}){_LATIN}+(?!{_LATIN})(?=.)", re.S)

Ops = list[tuple[int, str]]


def holds_word(text: str) -> bool:
    """Tell whether a run of whole tokens holds a word a reader would miss if it were folded."""
    return _TOKEN_WORD.search(text) is not None


def holds_whole_word(text: str) -> bool:
    """`holds_word` for a run of characters that may start or end inside a word."""
    return _CHAR_WORD.search(text) is not None


def cleanup_readable(ops: Ops, keep: Callable[[str], bool]) -> Ops:
    """Return ops after the semantic cleanup, never folding an equality whose text `keep`s.

    `keep` receives the equality's text as diff-match-patch sees it (decode stand-ins first).
    """
    result: Ops = []
    stretch: Ops = []
    for op, text in ops:
        if op == _DMP.DIFF_EQUAL and keep(text):
            result += _cleaned(stretch)
            result.append((op, text))
            stretch = []
        else:
            stretch.append((op, text))
    result += _cleaned(stretch)
    return result


def _cleaned(stretch: Ops) -> Ops:
    """Clean up one stretch; one without both an equality and a change has nothing to fold."""
    ops = {op for op, _ in stretch}
    if _DMP.DIFF_EQUAL in ops and len(ops) > 1:
        _DMP.diff_cleanupSemantic(stretch)
    return stretch

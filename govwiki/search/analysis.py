"""How searchable text becomes terms: words for English, jieba words and character bigrams for
Chinese (and the other scripts written without spaces).

Two analyzers, one per field kind (see ../shared/reference/dependencies.md, "Chinese text"):

- `word_analyzer`: English words lowercased, stop words dropped, stemmed (`draft` finds
  "drafted"); every run of CJK text cut into words by jieba. Positions are numbered 0, 1, 2… in
  order, never by character offset (jieba's own whoosh analyzer numbers by offset, which breaks
  phrase queries), and character offsets are kept for highlighting.
- `bigram_analyzer`: every CJK run as overlapping character pairs (便民菜站 → 便民 民菜 菜站), a
  run of one character as itself. A phrase of bigrams is an exact substring match, so 菜站 finds
  "便民菜站" even where jieba cut it 菜 / 站, and never matches 蔬菜 … 车站 apart.

The classes live at module level: whoosh pickles them into the index's schema.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator

import jieba
from whoosh.analysis import LowercaseFilter, StemFilter, StopFilter, Token, Tokenizer

#: Han (with extensions and compatibility ideographs), kana and hangul: scripts without spaces
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
CJK_RUN = re.compile(f"[{_CJK}]+")
#: a run of CJK text, or a word of any other script (letters, digits, joined by ' . - _)
_PIECE = re.compile(f"[{_CJK}]+|[^\\W{_CJK}]+(?:['._-][^\\W{_CJK}]+)*")

jieba.setLogLevel(logging.WARNING)


def use_cache_folder(folder: str) -> None:
    """Where jieba keeps its 9 MB dictionary cache (by default the system's temp folder)."""
    jieba.dt.tmp_dir = folder


def load_dictionary() -> None:
    jieba.initialize()


def normalise(text: str) -> str:
    """Full-width letters and digits as ASCII (NFKC, character by character) and control or format
    characters (bidi overrides, zero-width joiners) as spaces, so that they neither split nor hide
    words. Keeps the length: offsets into the result are offsets into `text`, for highlighting."""
    return text.translate(_NORMAL)


class _NormalChars(dict):
    """`_normal_char` of each code point, worked out once: str.translate looks every character up
    here in C, ~20× faster than a Python loop over a 2 KB text (normalising was the largest part
    of indexing)."""

    def __missing__(self, point: int) -> str:
        self[point] = _normal_char(chr(point))
        return self[point]


_NORMAL = _NormalChars()


def _normal_char(c: str) -> str:
    if c.isascii():
        return c if c.isprintable() or c in "\t\n" else " "
    if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp"):
        return " "
    folded = unicodedata.normalize("NFKC", c)
    return folded if len(folded) == 1 else c


def is_cjk(text: str) -> bool:
    return CJK_RUN.fullmatch(text) is not None


def word_spans(text: str) -> Iterator[tuple[str, int, int]]:
    """(word, start, end) in reading order: jieba's words inside CJK runs, other words whole."""
    for piece in _PIECE.finditer(text):
        if is_cjk(piece.group()):
            for word, start, end in jieba.tokenize(piece.group()):
                if word.strip():
                    yield word, piece.start() + start, piece.start() + end
        else:
            yield piece.group(), piece.start(), piece.end()


def bigram_spans(text: str) -> Iterator[tuple[str, int, int]]:
    """(pair, start, end) of every CJK run; a run of one character yields that character."""
    for run in CJK_RUN.finditer(text):
        chars = run.group()
        if len(chars) == 1:
            yield chars, run.start(), run.end()
        for i in range(len(chars) - 1):
            yield chars[i : i + 2], run.start() + i, run.start() + i + 2


class _SpanTokenizer(Tokenizer):
    """A whoosh tokenizer over `spans(text)`, numbering positions one by one."""

    spans = staticmethod(word_spans)

    def __eq__(self, other):
        return type(self) is type(other)

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for number, (text, start, end) in enumerate(self.spans(normalise(value))):
            token.text, token.boost, token.stopped = text, 1.0, False
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = start_pos + number
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


class WordTokenizer(_SpanTokenizer):
    spans = staticmethod(word_spans)


class BigramTokenizer(_SpanTokenizer):
    spans = staticmethod(bigram_spans)


def word_analyzer():
    # minsize=1: a one-character Chinese word (对, 菜) is a word; only English stop words go
    return WordTokenizer() | LowercaseFilter() | StopFilter(minsize=1) | StemFilter()


def bigram_analyzer():
    return BigramTokenizer()


def terms(analyzer, text: str) -> list[str]:
    """The terms `analyzer` makes of `text`, in order (as a query sees them)."""
    return [token.text for token in analyzer(text, mode="query")]

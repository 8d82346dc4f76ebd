"""A person's search text as a whoosh query, whatever its shape.

Nothing in the text is syntax except double quotes (straight, curly or 「」) around a phrase: field
names, operators, brackets and wildcards are words like any other, an unbalanced quote quotes
nothing, and text with no words at all makes no query (an empty result, never an error). Every
part must match (AND). A word of English matches its stem in the title or the text; a run of
Chinese matches as a phrase of jieba's words or, exactly, as a phrase of character bigrams; a
quoted phrase matches its words in order.
"""

from __future__ import annotations

import re

from whoosh import query as q

from govwiki.search.analysis import CJK_RUN, bigram_analyzer, normalise, terms, word_analyzer

#: longer text is cut here: no one searches with more, and every part is a clause
MAX_QUERY_CHARS = 500
#: at most this many parts (quoted phrases and words) are used
MAX_PARTS = 32
WORD_FIELDS = ("title", "body")
BIGRAM_FIELD = "cjk"

_QUOTES = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "『": '"', "』": '"', "＂": '"'})
_PART = re.compile(r'"([^"]*)"|([^\s"]+)')

_words = word_analyzer()
_bigrams = bigram_analyzer()


def parse(text: str) -> q.Query | None:
    """The query for `text`, or None when it has nothing to look for."""
    text = normalise(text[:MAX_QUERY_CHARS]).translate(_QUOTES)
    if text.count('"') % 2:
        text = text.replace('"', " ")
    clauses = []
    for phrase, bare in _PART.findall(text)[:MAX_PARTS]:
        clause = _phrase(phrase) if phrase else _bare(bare)
        if clause is not None:
            clauses.append(clause)
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else q.And(clauses)


def _bare(text: str) -> q.Query | None:
    """A part without quotes: each CJK run in it and each other word must match."""
    pieces = []
    for run in re.split(f"({CJK_RUN.pattern})", text):
        if CJK_RUN.fullmatch(run):
            pieces.append(_phrase(run))
        else:
            pieces.extend(_either_field(q.Term, word) for word in terms(_words, run))
    pieces = [piece for piece in pieces if piece is not None]
    if not pieces:
        return None
    return pieces[0] if len(pieces) == 1 else q.And(pieces)


def _phrase(text: str) -> q.Query | None:
    words = terms(_words, text)
    options = []
    if words:
        options.append(_either_field(_sequence, words))
    if CJK_RUN.fullmatch(text.strip()):
        options.append(_substring(text.strip()))
    if not options:
        return None
    return options[0] if len(options) == 1 else q.Or(options)


def _substring(run: str) -> q.Query:
    """Documents that contain the CJK run `run` exactly."""
    if len(run) == 1:
        # a single character: a run of its own, or the first or second half of a pair
        return q.Or(
            [q.Term(BIGRAM_FIELD, run), q.Prefix(BIGRAM_FIELD, run), q.Wildcard(BIGRAM_FIELD, "?" + run)]
        )
    return _sequence(BIGRAM_FIELD, terms(_bigrams, run))


def _sequence(field: str, words: list[str]) -> q.Query:
    return q.Term(field, words[0]) if len(words) == 1 else q.Phrase(field, words)


def _either_field(make, words) -> q.Query:
    return q.Or([make(field, words) for field in WORD_FIELDS])

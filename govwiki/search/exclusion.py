"""`Excluding(a, b)`: the documents `a` matches that `b` does not, scored on `a` alone.

The permission rule leaves unreadable consultations out with it. whoosh's own `AndNot` cannot be
trusted to: its matcher (`whoosh.matching.AndNotMatcher`, whoosh-reloaded 2.7.5), when made,
looks past `a`'s first match only where `b` stands on that very document. When `b` stands on an
earlier one, `a`'s first match is taken even if `b` matches it too: a draft's page that was the
first match, after the draft's own document (which was not), was shown to everyone. Once moved,
the matcher does look past excluded documents; here it does so from the start too, and a
`skip_to` that takes `a` past its last document no longer asks it where it stands.
"""

from __future__ import annotations

from whoosh import query as q
from whoosh.matching import AndNotMatcher, ReadTooFar


class Excluding(q.AndNot):
    """whoosh's `AndNot` with a matcher that excludes every document `b` matches."""

    def matcher(self, searcher, context=None):
        return ExcludingMatcher(
            self.a.matcher(searcher, context), self.b.matcher(searcher, searcher.boolean_context())
        )


class ExcludingMatcher(AndNotMatcher):
    """`AndNotMatcher` that starts on `a`'s first document `b` does not match."""

    def _find_first(self):
        if self.a.is_active() and self.b.is_active():
            self._find_next()

    def skip_to(self, id):
        if not self.a.is_active():
            raise ReadTooFar
        if id <= self.a.id():
            return False
        moved = self.a.skip_to(id)
        if self.a.is_active() and self.b.is_active():
            self.b.skip_to(id)
            self._find_next()
        return moved

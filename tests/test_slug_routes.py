"""Slugs never collide with the words of the site's own addresses.

`/consultations/new` and `/consultations/<slug>` share a place in the URL: a consultation
called `new` would be stored and then have no page. This walks the URL map (web and API) and
finds every fixed word that sits where a consultation or page slug goes; each must be reserved,
so a route added tomorrow cannot be forgotten.
"""

from __future__ import annotations

from govwiki.core.slugs import RESERVED_SLUGS

#: the path word before a slug → what kind of slug it is (a new kind must be added here)
SLUG_KINDS = {"consultations": "consultation", "pages": "page"}


def _segments(rule) -> list[str]:
    return rule.rule.strip("/").split("/")


def route_words(app) -> dict[str, set[str]]:
    """For each slug kind, the fixed words other routes put where its slug goes."""
    rules = [_segments(rule) for rule in app.url_map.iter_rules()]
    slots = {
        (tuple(parts[:i]), parts[i - 1])
        for parts in rules
        for i, part in enumerate(parts)
        if part == "<slug>"
    }
    words: dict[str, set[str]] = {}
    for prefix, before in slots:
        assert before in SLUG_KINDS, f"a slug follows /{before}/: say here what kind of slug it is"
        found = {
            p[len(prefix)]
            for p in rules
            if len(p) > len(prefix)
            and tuple(p[: len(prefix)]) == prefix
            and not p[len(prefix)].startswith("<")
        }
        words.setdefault(SLUG_KINDS[before], set()).update(found)
    return words


def test_the_walk_finds_the_slug_places_and_the_route_words(app):
    words = route_words(app)
    assert set(words) == {"consultation", "page"}
    assert "new" in words["consultation"]  # /consultations/new beside /consultations/<slug>


def test_every_route_word_in_a_slug_place_is_reserved(app):
    for kind, found in route_words(app).items():
        assert found <= RESERVED_SLUGS, f"{kind} slugs must not be {sorted(found - RESERVED_SLUGS)}"

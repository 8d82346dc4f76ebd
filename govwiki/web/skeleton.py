"""Pages rendered once for everyone who sees them alike, with holes for what is personal.

A page view is mostly the same for every reader of one kind (signed out; a resident; an official
of the consultation): the text, its table of contents, the contributors, the discussion. Only a
few parts differ per person: the header with their name and notification count, the watch
button, the actions under the comments they wrote, supported or reported, and the CSRF token in
every form. Rendering the whole layout for each request costs many times what those parts cost,
so a view renders the page once as a *skeleton*: its HTML cut at the personal parts. Each later
request fills the holes and joins the pieces.

Templates mark a personal part with the globals ``hole_start(name, key=None)`` and ``hole_end()``
around an ``{% include %}`` of the part's own template. In a plain render both print nothing. While
a skeleton is being built they print markers, and the part's template is rendered as a stranger
would see it (``viewer()`` is None): that rendering is kept as the hole's default. When the
skeleton is filled, `fill` asks for each hole's HTML; a filler that has nothing for a hole (a
comment the reader did not write, support or report) leaves the default in place. The CSRF
token is a hole too: the token the build saw is cut out of the whole HTML, so every form of a
cached page carries the token of the person it is served to.

Markers carry a random number chosen when this module is imported, so no text of a page (which
is escaped and sanitized anyway) can imitate one.

The shared pieces are kept encoded, with a digest of the whole skeleton: a filled page is joined
as bytes, and its ETag comes from that digest and the personal parts alone (http_cache), so a
request never encodes or hashes the shared HTML again (half a megabyte for a long diff).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from flask import current_app, g
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from govwiki.security import actor

_SECRET = secrets.token_hex(8)
_MARK = re.compile(f"\x00{_SECRET}:(start|end|csrf):([^\x00]*)\x00")
_TOKEN = f"\x00{_SECRET}:csrf:\x00"


@dataclass(frozen=True)
class Hole:
    """A personal part: its name (the part's kind), its key (e.g. a comment id) and the HTML a
    stranger would see there."""

    name: str
    key: str
    #: None for a part that is always filled (the build's rendering was someone's own)
    default: str | None


@dataclass(frozen=True)
class Skeleton:
    """A page's HTML as alternating pieces: UTF-8 bytes (the same for every reader) and holes."""

    pieces: tuple[bytes | Hole | None, ...]  # None marks where the CSRF token goes
    #: sha256 of every piece in order (holes by name, key and default): what the skeleton shows
    digest: bytes

    @property
    def weight(self) -> int:
        return sum(
            sys.getsizeof(p if isinstance(p, bytes) else getattr(p, "default", None) or "")
            for p in self.pieces
        )

    def holes(self, name: str) -> list[str]:
        """The keys of the holes called `name`, in page order."""
        return [p.key for p in self.pieces if isinstance(p, Hole) and p.name == name]


#: fills one hole: (name, key) → the personal HTML, or None to keep the stranger's default
Filler = Callable[[str, str], str | None]


def building() -> bool:
    """Whether the current render builds a skeleton (personal parts render as for a stranger)."""
    return g.get("govwiki_skeleton_build", False)


def viewer():
    """The person the HTML being rendered is for: None while building a skeleton."""
    return None if building() else actor()


def hole_start(name: str, key: object = None, shared: bool = True) -> Markup:
    """Where a personal part begins. `shared=False`: the part is always filled per request, and
    what the build rendered there (for the person whose request built the skeleton) is dropped."""
    if not building():
        return Markup("")
    return Markup(f"\x00{_SECRET}:start:{'' if shared else '!'}{name}/{'' if key is None else key}\x00")


def hole_end() -> Markup:
    return Markup(f"\x00{_SECRET}:end:\x00") if building() else Markup("")


def build(render: Callable[[], str]) -> Skeleton:
    """Run `render` (a full template render) as a skeleton build and cut its result."""
    g.govwiki_skeleton_build = True
    try:
        html = render()
    finally:
        g.govwiki_skeleton_build = False
    token = g.get(current_app.config["WTF_CSRF_FIELD_NAME"])  # set once a form of the page asked
    if token:
        html = html.replace(token, _TOKEN)
    pieces = tuple(piece.encode() if isinstance(piece, str) else piece for piece in _cut(html))
    return Skeleton(pieces, _digest(pieces))


def _digest(pieces) -> bytes:
    """The same in every worker: token places count alike, never by this process's marker."""
    hasher = hashlib.sha256()
    for piece in pieces:
        if isinstance(piece, bytes):
            part = piece
        elif piece is None:
            part = b"\0token"
        else:
            part = f"{piece.name}\0{piece.key}\0{_neutral(piece.default or '')}".encode()
        hasher.update(len(part).to_bytes(8, "big") + part)  # the lengths keep the cuts apart
    return hasher.digest()


def _neutral(html: str) -> str:
    """`html` with its token places as every worker writes them."""
    return html.replace(_TOKEN, "\0token")


def _cut(html: str):
    """Split the marked HTML into strings, holes and token places (holes never nest)."""
    position, opened, inside = 0, None, []
    for match in _MARK.finditer(html):
        kind, value = match.groups()
        text = html[position : match.start()]
        position = match.end()
        if kind == "csrf":
            if opened is None:
                yield text
                yield None
            else:  # in a hole's default: replaced when the default is used
                inside.append(text + _TOKEN)
        elif kind == "start":
            yield text
            opened, inside = value, []
        else:
            inside.append(text)
            name, _, key = opened.partition("/")
            shared = not name.startswith("!")
            yield Hole(name.lstrip("!"), key, "".join(inside) if shared else None)
            opened = None
    yield html[position:]


def shareable(html: str) -> str:
    """`html` rendered for this request, with its CSRF token made a place for another's."""
    token = g.get(current_app.config["WTF_CSRF_FIELD_NAME"])
    return html.replace(token, _TOKEN) if token else html


class Filled(NamedTuple):
    """A skeleton filled for one request."""

    body: bytes
    #: the skeleton's digest
    digest: bytes
    #: what was filled in, in page order (each hole's HTML, each token place), token places
    #: neutral: with the digest, all the answer's ETag needs
    personal: tuple[str, ...]

    @property
    def html(self) -> str:
        return self.body.decode()


def fill(skeleton: Skeleton, filler: Filler) -> Filled:
    """The page for the current request: every hole filled, every form with this session's token."""
    token = None
    out, personal = [], []
    for piece in skeleton.pieces:
        if isinstance(piece, bytes):
            out.append(piece)
            continue
        if piece is None:
            html = _TOKEN
        else:
            found = filler(piece.name, piece.key)
            if found is None and piece.default is None:
                raise LookupError(f"no HTML for the personal part {piece.name!r}")  # never someone else's
            html = piece.default if found is None else found
        personal.append(_neutral(html))
        if _TOKEN in html:
            token = token or generate_csrf()
            html = html.replace(_TOKEN, token)
        out.append(html.encode())
    return Filled(b"".join(out), skeleton.digest, tuple(personal))


def install(app) -> None:
    app.add_template_global(hole_start)
    app.add_template_global(hole_end)
    app.add_template_global(viewer)

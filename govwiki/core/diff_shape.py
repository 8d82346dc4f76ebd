"""A diff kept beside the revision it leads to, as the shape of its pieces.

A revision's diff from the one before it is computed when it is saved (blame and the stored
word counts need it); keeping its shape (each piece's kind and length, not its text) lets the
first view of that change, in any worker and after any restart, rebuild it from the two bodies
instead of diffing two 1 MB texts again (~0.4 s). The shape names the sha256 of the text it was
computed from and the diff's version: one that does not fit the two texts it is given (another
old text, a new version of the diff, a damaged value) is refused, and the caller diffs afresh.

Layout: ``GWD``, the version and the old text's sha256 (hex), each ended by a zero byte, then
one zlib stream of one little-endian uint32 per piece, ``length << 2 | kind``.
"""

from __future__ import annotations

import sys
import zlib
from array import array

from govwiki.core.diff import DiffOp

_MAGIC = b"GWD"
_KINDS = ("equal", "insert", "delete")
_CODES = {kind: code for code, kind in enumerate(_KINDS)}
#: a piece's length must fit in the 30 bits above its kind
_MAX_LENGTH = (1 << 30) - 1


def pack_shape(ops, old_sha256: str, version: str) -> bytes | None:
    """The shape of `ops`, the diff from the text whose sha256 is `old_sha256`; None for a
    diff too long to keep this way."""
    pieces = array("I")
    for piece in ops:
        if len(piece.text) > _MAX_LENGTH:
            return None
        pieces.append(len(piece.text) << 2 | _CODES[piece.op])
    if sys.byteorder == "big":
        pieces.byteswap()
    return _header(old_sha256, version) + zlib.compress(pieces.tobytes(), 1)


def unpack_shape(
    packed: bytes | None, old_sha256: str, version: str, old: str, new: str
) -> tuple[DiffOp, ...] | None:
    """The diff of `old` to `new` from its shape, or None when `packed` is not the shape of a
    diff of this version from this old text to a text as long as `new`."""
    if not packed:
        return None
    header = _header(old_sha256, version)
    if not packed.startswith(header):
        return None
    inflate = zlib.decompressobj()
    try:
        pieces = array("I", inflate.decompress(packed[len(header) :]))
    except (zlib.error, ValueError):
        return None
    if not inflate.eof or inflate.unused_data:
        return None
    if sys.byteorder == "big":
        pieces.byteswap()
    return _rebuild(pieces, old, new)


def _rebuild(pieces: array, old: str, new: str) -> tuple[DiffOp, ...] | None:
    ops = []
    at_old = at_new = 0
    for value in pieces:
        kind, length = value & 3, value >> 2
        if kind == 0:
            text = old[at_old : at_old + length]
            at_old, at_new = at_old + length, at_new + length
        elif kind == 1:
            text = new[at_new : at_new + length]
            at_new += length
        elif kind == 2:
            text = old[at_old : at_old + length]
            at_old += length
        else:
            return None
        if len(text) != length or not length:
            return None
        ops.append(DiffOp(_KINDS[kind], text))
    if at_old != len(old) or at_new != len(new):
        return None
    if any(op.op == "equal" and op.text != new[start : start + len(op.text)] for op, start in _starts(ops)):
        return None
    return tuple(ops)


def _starts(ops):
    """Each piece with where it starts in the new text."""
    at = 0
    for op in ops:
        yield op, at
        if op.op != "delete":
            at += len(op.text)


def _header(old_sha256: str, version: str) -> bytes:
    return _MAGIC + version.encode("ascii") + b"\0" + old_sha256.encode("ascii") + b"\0"

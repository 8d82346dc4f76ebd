"""Secret tokens of links and API access: random, shown once, kept only as their sha256."""

from __future__ import annotations

import hashlib
import secrets


def new_token(prefix: str = "") -> str:
    """A token of 32 random bytes, URL-safe."""
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored of a token: a lookup by hash never needs the token itself."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()

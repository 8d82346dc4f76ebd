"""Password hashes: Argon2id for every new one; older (werkzeug) hashes verify once more and are
replaced at the next successful sign-in.

The cost is the app's `PASSWORD_COST` (OWASP's current minimum for Argon2id: 19 MiB of memory,
2 passes, 1 lane; about 25 ms on one core); the tests configure a cheap one. Checking a password
of an account that does not exist verifies against a dummy hash of the same cost, so that the
time of an answer does not tell whether the account exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import HashingError, InvalidHashError, VerificationError
from flask import current_app, has_app_context
from werkzeug.security import check_password_hash

#: what an Argon2 hash starts with (its parameters follow, so a cost change is seen too)
ARGON2_PREFIX = "$argon2"
#: where create_app keeps the configured cost
EXTENSION = "govwiki_password_cost"


@dataclass(frozen=True)
class Cost:
    """Argon2id parameters: passes over memory, KiB of memory, lanes."""

    time_cost: int = 2
    memory_cost: int = 19 * 1024
    parallelism: int = 1


#: OWASP Password Storage Cheat Sheet, Argon2id: m=19 MiB, t=2, p=1
OWASP = Cost()


def init_app(app) -> None:
    """Read `PASSWORD_COST` (a dict of Cost's fields) once; a bad one stops the app at start."""
    try:
        cost = Cost(**app.config["PASSWORD_COST"])
        _hasher(cost).hash("check")
    except (TypeError, ValueError, HashingError) as error:
        raise RuntimeError(f"PASSWORD_COST: {error}") from None
    app.extensions[EXTENSION] = cost


def hash_password(password: str) -> str:
    """An Argon2id hash of `password` at the configured cost."""
    return _hasher(_cost()).hash(password)


def verify(stored: str | None, password: str) -> bool:
    """Whether `password` matches the stored hash (Argon2id, or werkzeug's older formats)."""
    password = password if isinstance(password, str) else ""
    if not stored:
        return verify_nothing(password)
    if stored.startswith(ARGON2_PREFIX):
        try:
            return _hasher(_cost()).verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    try:
        return check_password_hash(stored, password)
    except ValueError:  # an unknown method: no password matches it
        return False


def verify_nothing(password: str) -> bool:
    """Spend the time of a real check, against a hash no password is stored as; always False."""
    try:
        _hasher(_cost()).verify(_dummy_hash(_cost()), password if isinstance(password, str) else "")
    except (VerificationError, InvalidHashError):
        pass
    return False


def needs_upgrade(stored: str) -> bool:
    """Whether a hash that just verified should be made again: not Argon2id, or another cost."""
    if not stored.startswith("$argon2id$"):
        return True
    try:
        return _hasher(_cost()).check_needs_rehash(stored)
    except InvalidHashError:
        return True


def _cost() -> Cost:
    return current_app.extensions.get(EXTENSION, OWASP) if has_app_context() else OWASP


@lru_cache(maxsize=8)
def _hasher(cost: Cost) -> PasswordHasher:
    return PasswordHasher(
        time_cost=cost.time_cost, memory_cost=cost.memory_cost, parallelism=cost.parallelism
    )


@lru_cache(maxsize=8)
def _dummy_hash(cost: Cost) -> str:
    return _hasher(cost).hash("no account has this password")

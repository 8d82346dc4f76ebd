"""The server clock every deadline is measured by; call `clock.now()` so tests can move time."""

from __future__ import annotations

from datetime import datetime

from govwiki.models.base import utcnow


def now() -> datetime:
    return utcnow()

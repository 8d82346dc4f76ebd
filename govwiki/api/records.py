"""API: records."""
from __future__ import annotations

from govwiki.api import api  # noqa: F401

"""HTML pages: proposals."""
from __future__ import annotations

from flask import Blueprint

proposals = Blueprint("proposals", __name__)

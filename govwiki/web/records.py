"""HTML pages: records."""
from __future__ import annotations

from flask import Blueprint

records = Blueprint("records", __name__)

"""HTML pages: notifications."""
from __future__ import annotations

from flask import Blueprint

notifications = Blueprint("notifications", __name__)

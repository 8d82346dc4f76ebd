"""The address of an invitation's link (for the mail, the API's answer and the officials' page)."""

from __future__ import annotations

from flask import url_for


def invitation_link(token: str) -> str:
    return url_for("invitations.landing", token=token, _external=True)

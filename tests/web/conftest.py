"""Helpers for the HTML tests."""

from __future__ import annotations

import pytest
from markupsafe import escape

#: the XSS payload used throughout: it must never reach a page unescaped
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def text_of():
    """Return a response's body as text."""

    def text(response) -> str:
        return response.get_data(as_text=True)

    return text


def escaped(value: str) -> str:
    """How templates write `value` into a page."""
    return str(escape(value))


def multipart(fields: dict) -> dict:
    """A multipart/form-data body as a browser sends it (the test client's own spools to a file
    it never closes)."""
    boundary = "govwiki-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    body = ("".join(parts) + f"--{boundary}--\r\n").encode("utf-8")
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


@pytest.fixture
def resident(make_user):
    return make_user("resident", "rosa-resident", display_name="Rosa Resident")

"""The discussion on a phone: tap targets of at least 24 × 24 px (WCAG 2.2, 2.5.8) for every
control of a comment and paragraph, and replies that stop moving right on a narrow screen.
Sizes are measured in a browser; these tests hold the CSS rules that give them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "static/css/comments.css").read_text(encoding="utf-8")


def _rules(css: str) -> list[tuple[list[str], str]]:
    text = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return [
        ([s.strip() for s in sel.split(",")], body) for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text)
    ]


def _rule(selector: str, css: str = CSS) -> str:
    found = [body for selectors, body in _rules(css) if selector in selectors]
    assert found, f"no rule for {selector}"
    return " ".join(found)


@pytest.mark.parametrize(
    "selector",
    [".para-tools a", ".comment-action", ".comment-actions .link-button", ".comment-time", ".in-reply-to a"],
)
def test_each_control_is_at_least_24_px_high(selector):
    height = re.search(r"min-height:\s*([\d.]+)rem", _rule(selector))
    assert height and float(height.group(1)) >= 1.5


def test_deep_replies_stop_indenting_on_a_phone():
    phone = CSS[CSS.index("@media (max-width: 40rem)") :]
    block = phone[: phone.index("}\n}") + 3]
    assert "margin-left: 0" in _rule('.comment[data-depth="2"] .replies', block)

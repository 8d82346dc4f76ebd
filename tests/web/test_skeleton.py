"""Skeletons: a page cut at its personal parts, filled per request (web/skeleton.py)."""

import pytest
from flask import render_template_string
from flask_wtf.csrf import generate_csrf

from govwiki.web import skeleton

TEMPLATE = (
    "<p>{{ text }}</p>"
    "{{ hole_start('mine', 7) }}<b>{{ 'mine' if viewer() else 'stranger' }}</b>"
    '<input value="{{ csrf_token() }}">{{ hole_end() }}'
    "{{ hole_start('header', shared=false) }}<i>builder's own</i>{{ hole_end() }}"
    '<input value="{{ csrf_token() }}">'
)


def _build(text="shared"):
    return skeleton.build(lambda: render_template_string(TEMPLATE, text=text))


def test_a_plain_render_shows_no_markers(app):
    with app.test_request_context("/"):
        html = render_template_string(TEMPLATE, text="x")
    assert "\x00" not in html and "<i>builder's own</i>" in html


def test_holes_keep_the_strangers_version_and_drop_the_builders_own(app):
    with app.test_request_context("/"):
        built = _build()
        token = generate_csrf()
    (mine,) = [p for p in built.pieces if isinstance(p, skeleton.Hole) and p.name == "mine"]
    (header,) = [p for p in built.pieces if isinstance(p, skeleton.Hole) and p.name == "header"]
    assert mine.key == "7" and "<b>stranger</b>" in mine.default
    assert header.default is None
    assert all(
        token.encode() not in (p if isinstance(p, bytes) else (getattr(p, "default", None) or "").encode())
        for p in built.pieces
    )


def test_filling_puts_this_requests_token_in_every_form(app):
    with app.test_request_context("/"):
        built = _build()
    with app.test_request_context("/"):
        html = skeleton.fill(built, lambda name, key: "<i>yours</i>" if name == "header" else None).html
        token = generate_csrf()
    assert html.count(f'value="{token}"') == 2
    assert "<b>stranger</b>" in html and "<i>yours</i>" in html and "\x00" not in html


def test_a_part_nobody_filled_is_an_error_never_someone_elses(app):
    with app.test_request_context("/"):
        built = _build()
        with pytest.raises(LookupError):
            skeleton.fill(built, lambda name, key: None)


def test_text_cannot_imitate_a_marker(app):
    forged = "\x00deadbeefdeadbeef:start:header/\x00 evil \x00deadbeefdeadbeef:end:\x00"
    with app.test_request_context("/"):
        built = _build(text=forged)
        html = skeleton.fill(built, lambda name, key: "" if name == "header" else None).html
    assert "evil" in html
    assert [p.name for p in built.pieces if isinstance(p, skeleton.Hole)] == ["mine", "header"]

"""Interface language: English or Simplified Chinese, chosen by ?lang=, a cookie, or the browser."""

from __future__ import annotations

from flask import Flask, current_app, request

from flask_babel import get_locale

from govwiki.extensions import babel


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    wanted = request.args.get("lang") or request.cookies.get("lang")
    if wanted in languages:
        return wanted
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _remember_choice(response):
    wanted = request.args.get("lang")
    if wanted in current_app.config["LANGUAGES"]:
        response.set_cookie(
            "lang",
            wanted,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["SECURE_COOKIES"],
        )
    return response


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.after_request(_remember_choice)


def current_locale() -> str:
    """The language of this request, as a code the catalogues know (en, zh)."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])

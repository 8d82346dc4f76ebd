"""Interface language: English or Simplified Chinese, chosen by ?lang= (this page), then the
signed-in person's choice in their settings (users.locale), then the `lang` cookie a ?lang= left,
then the browser's Accept-Language."""

from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_babel import get_locale
from flask_login import current_user

from govwiki.extensions import babel


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = _signed_in_choice()
    wanted = request.args.get("lang") or chosen or request.cookies.get("lang")
    if wanted in languages:
        return wanted
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _signed_in_choice() -> str:
    """The language the signed-in person chose ("" for none). Only a session that names a
    user is asked: loading the user of any other would make Flask-Login write to the session."""
    if "_user_id" not in session and not request.headers.get("Authorization"):
        return ""
    return current_user.locale if current_user.is_authenticated else ""


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

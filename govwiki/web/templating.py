"""Template helpers shared by the HTML blueprints: labels, dates, the language switch."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, url_for
from flask_babel import format_decimal, get_locale, ngettext

from govwiki.core import moments
from govwiki.core.policy import TRANSITIONS
from govwiki.security import actor
from govwiki.services import clock
from govwiki.web import labels, skeleton
from govwiki.web.views import sign_in_url

#: the `lang` attribute for each interface language
LANGUAGE_TAGS = {"en": "en", "zh": "zh-Hans"}


def install(state) -> None:
    """Register the helpers once per app (each HTML blueprint asks, the first one does it)."""
    app: Flask = state.app
    if app.extensions.get("govwiki_web_templating"):
        return
    app.extensions["govwiki_web_templating"] = True
    app.context_processor(_context)
    app.add_template_filter(when)
    app.add_template_filter(size)
    app.add_template_filter(readable_size)
    app.add_template_filter(number)
    app.add_template_filter(labels.service_text, "service_text")
    app.add_template_global(labels, "labels")
    app.add_template_global(TRANSITIONS, "transitions")
    app.add_template_global(lang_url)
    app.add_template_global(sign_in_url)
    skeleton.install(app)


def number(value: int) -> str:
    """A count as the reader's language writes it (1,400)."""
    return format_decimal(value)


def compile_all(app: Flask) -> int:
    """Compile every template into the app's template cache now; returns how many.

    gunicorn's master calls this before it forks (gunicorn.conf.py): each worker then starts
    with the compiled templates in memory it shares, and the first request of each kind in each
    worker does not pay for compiling its templates (0.14 s for a diff's).
    """
    env = app.jinja_env
    names = env.list_templates()
    for name in names:
        env.get_template(name)
    return len(names)


def _context() -> dict:
    locale = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    return {"current_actor": actor(), "locale": locale, "locale_tag": LANGUAGE_TAGS.get(locale, locale)}


def site_zone() -> ZoneInfo:
    """The site's time zone (GOVWIKI_TIMEZONE, checked when the app was created)."""
    return moments.zone(current_app.config["TIMEZONE"])


def zone_label() -> str:
    """The site's time zone as a form names it: "UTC", or "Asia/Shanghai, UTC+8" (the offset now)."""
    name = current_app.config["TIMEZONE"]
    offset = moments.offset_name(clock.now().astimezone(site_zone()).utcoffset())
    return offset if name == offset else f"{name}, {offset}"


def when(value) -> str:
    """A moment in the site's time zone, its offset from UTC named: "2027-01-31 17:00 UTC+8"."""
    if value is None:
        return ""
    return moments.shown(value, site_zone())


def size(value: int) -> str:
    return ngettext("%(num)d byte", "%(num)d bytes", value)


def readable_size(value) -> str:
    """A size limit as people read it: "2 MB", "20 KB", "512 bytes"."""
    if not isinstance(value, int) or isinstance(value, bool):
        return "?"
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if value >= scale:
            return f"{format_decimal(round(value / scale, 1), format='#,##0.#')} {unit}"
    return size(value)


def lang_url(code: str) -> str:
    """This page in another language (the home page when this one cannot be fetched again)."""
    rule = request.url_rule
    if rule is None or "GET" not in (rule.methods or ()) or request.endpoint is None:
        return url_for("consultations.home", lang=code)
    args = request.args.to_dict(flat=False)
    args["lang"] = code
    return url_for(request.endpoint, **{**args, **(request.view_args or {})})

"""Who is asking: sessions, bearer tokens, CSRF, rate limits and protective headers."""

from __future__ import annotations

from flask import Flask, g, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from govwiki import browser_sessions, rate_limits
from govwiki.extensions import csrf, db, limiter, login_manager
from govwiki.models import User
from govwiki.services import passwords
from govwiki.services.errors import NotFound, ServiceError

# No inline script or style anywhere: templates load /static files only.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https: data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    # "basic" marks a session from a new network non-fresh instead of dropping it: a phone moving
    # from Wi-Fi to mobile data must not lose a half-written edit.
    login_manager.session_protection = "basic"
    login_manager.login_view = "auth.login"
    csrf.init_app(app)
    passwords.init_app(app)
    app.config.setdefault("RATELIMIT_ENABLED", True)
    rate_limits.check_settings(app)
    limiter.init_app(app)
    _trust_proxies(app, app.config["TRUSTED_PROXIES"])
    app.before_request(_refuse_nul_in_address)
    app.after_request(_protective_headers)
    app.after_request(browser_sessions.set_cookies)


def _trust_proxies(app: Flask, count: int) -> None:
    """Take the client address from X-Forwarded-For as set by `count` reverse proxies in front.

    Behind a proxy every request comes from the proxy's address, so signed-out limits (sign-in,
    registration) would count the whole city as one client; without one the header is the
    client's own claim and must be ignored, or anyone could pick a fresh address per request."""
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count)


def _refuse_nul_in_address() -> None:
    """A NUL in the URL is refused before any view runs: PostgreSQL cannot even compare text
    holding one (a 500), SQLite would store it. No slug or name can hold one, so the path is a
    404; a query value, which no form sends, is a 400."""
    if "\x00" in request.path:
        raise NotFound("There is nothing at this address.")
    if any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
        raise ServiceError("The address contains a NUL character.")


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """The session's user, while its server session is open and the person may sign in (not
    deactivated or suspended since): one query (browser_sessions.load_session_user)."""
    return browser_sessions.load_session_user(user_id)


@login_manager.request_loader
def _load_user_from_token(req) -> User | None:
    """Authenticate `Authorization: Bearer <token>` (the API marks such requests CSRF-free), or
    else sign in again from the remember-me cookie."""
    from govwiki.services.accounts import user_for_token

    scheme, _, token = req.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return browser_sessions.load_remembered_user(req)
    if not token.strip():
        return None
    user = user_for_token(db.session, token.strip())
    g.token_authenticated = user is not None
    return user


def actor() -> User | None:
    """The signed-in user as services expect it: a User, or None when signed out."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def bearer_attempted() -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


def _protective_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response

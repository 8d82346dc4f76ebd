"""Configuration: defaults in code, then the instance config file, then GOVWIKI_* variables,
then the test dict. Defaults make a fresh checkout run on SQLite in the instance folder."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from flask import Flask

from govwiki.core import moments
from govwiki.core.diff import DEFAULT_TIMEOUT

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Defaults:
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    #: cookies only over HTTPS; None: on unless DEBUG or TESTING (set by GOVWIKI_SECURE_COOKIES)
    SECURE_COOKIES = None
    WTF_CSRF_TIME_LIMIT = None  # a long edit must not lose its CSRF token; the session bounds it
    #: largest page body in bytes (UTF-8); larger bodies answer 413
    MAX_PAGE_BYTES = 2 * 1024 * 1024
    #: largest comment body in bytes
    MAX_COMMENT_BYTES = 20 * 1024
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
    LANGUAGES = ("en", "zh")
    #: where rate-limit counters live: memory:// (per process) or redis://host:port/db (shared)
    RATELIMIT_STORAGE_URI = "memory://"
    # A Redis that stops answering must not hang every write: give up on it after half a second
    # and count in each worker's memory until it answers again (Flask-Limiter logs the switch).
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    # Limits per kind of write (govwiki/rate_limits.py), per signed-in user or, signed out, per
    # address; several windows are separated by ";". Sized for a busy consultation: a person
    # working hard stays well inside them, a script does not.
    #: page saves and reverts, web and API together (an expert redrafting saves often)
    RATELIMIT_EDITS = "30/minute;600/day"
    #: suggestions submitted
    RATELIMIT_PROPOSALS = "10/minute;100/day"
    #: comments and replies posted
    RATELIMIT_COMMENTS = "10/minute;100/day"
    #: supports ("+1") given or taken back
    RATELIMIT_SUPPORTS = "60/minute"
    #: comments flagged for moderation
    RATELIMIT_FLAGS = "20/hour"
    #: sign-in attempts per address (a brake on password guessing)
    RATELIMIT_SIGN_IN = "20/minute"
    #: sign-in attempts per account typed, from every address together, whether or not the
    #: account exists (a brake on guessing one person's password from many addresses)
    RATELIMIT_SIGN_IN_ACCOUNT = "10/minute;100/day"
    #: accounts created per address (a brake on spam; a public meeting on one Wi-Fi shares it)
    RATELIMIT_REGISTRATION = "30/hour"
    #: every write of the API together, per client, on top of the limits above
    RATELIMIT_WRITES = "120/minute"
    #: editor previews (the preview beside the edit box, and the forms' Preview button): not
    #: saves, so they never count against the limits above, but rendering is work
    RATELIMIT_PREVIEWS = "120/minute;3000/day"
    #: reverse proxies in front whose X-Forwarded-For is trusted for the client address (0: none)
    TRUSTED_PROXIES = 0
    #: seconds a diff may spend before it settles for a coarser (still exact) answer
    DIFF_TIMEOUT = DEFAULT_TIMEOUT
    #: bytes of finished page views each worker keeps (web/page_cache.py), least recently used out
    PAGE_CACHE_BYTES = 64 * 1024 * 1024
    PER_PAGE_DEFAULT = 50
    PER_PAGE_MAX = 200
    #: IANA name of the zone pages show times in and deadlines are entered in (the API keeps UTC)
    TIMEZONE = "UTC"
    #: seconds a shared cache (a reverse proxy) may answer signed-out readers from its copy; what
    #: is personal to one visitor is never shared (govwiki/http_cache.py)
    PUBLIC_MAX_AGE = 60
    #: where mail leaves: smtp://[user:password@]host[:port][?starttls=true] or smtps://…; empty
    #: means every mail is written as an .eml file into `outbox/` in the instance folder
    MAIL_URL = ""
    MAIL_FROM = "GovWiki <govwiki@localhost>"
    #: the site's address as readers reach it: links in mail the worker writes (notifications,
    #: digests, unsubscribing) start with it, since the worker answers no request to learn it
    PUBLIC_URL = "http://127.0.0.1:5000"
    #: Argon2id cost of new password hashes (services/passwords.py): OWASP's minimum, 19 MiB of
    #: memory, 2 passes, 1 lane; hashes of another cost are made again at the next sign-in
    PASSWORD_COST = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}


#: GOVWIKI_<NAME> environment variables and the config key each one sets
ENVIRONMENT = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY": "SECRET_KEY",
    "RATELIMIT_STORAGE_URL": "RATELIMIT_STORAGE_URI",
    "RATELIMIT_EDITS": "RATELIMIT_EDITS",
    "RATELIMIT_PROPOSALS": "RATELIMIT_PROPOSALS",
    "RATELIMIT_COMMENTS": "RATELIMIT_COMMENTS",
    "RATELIMIT_SUPPORTS": "RATELIMIT_SUPPORTS",
    "RATELIMIT_FLAGS": "RATELIMIT_FLAGS",
    "RATELIMIT_SIGN_IN": "RATELIMIT_SIGN_IN",
    "RATELIMIT_REGISTRATION": "RATELIMIT_REGISTRATION",
    "RATELIMIT_WRITES": "RATELIMIT_WRITES",
    "RATELIMIT_PREVIEWS": "RATELIMIT_PREVIEWS",
    "TRUSTED_PROXIES": "TRUSTED_PROXIES",
    "MAX_PAGE_BYTES": "MAX_PAGE_BYTES",
    "MAX_COMMENT_BYTES": "MAX_COMMENT_BYTES",
    "TIMEZONE": "TIMEZONE",
    "PAGE_CACHE_BYTES": "PAGE_CACHE_BYTES",
    "PUBLIC_MAX_AGE": "PUBLIC_MAX_AGE",
    "INDEX_DIR": "INDEX_DIR",
    "MAIL_URL": "MAIL_URL",
    "MAIL_FROM": "MAIL_FROM",
    "PUBLIC_URL": "PUBLIC_URL",
    "SECURE_COOKIES": "SECURE_COOKIES",
    "RATELIMIT_SIGN_IN_ACCOUNT": "RATELIMIT_SIGN_IN_ACCOUNT",
}
INTEGER_KEYS = {
    "MAX_PAGE_BYTES",
    "MAX_COMMENT_BYTES",
    "TRUSTED_PROXIES",
    "PAGE_CACHE_BYTES",
    "PUBLIC_MAX_AGE",
}


def instance_path() -> str:
    """Return the absolute instance folder from GOVWIKI_INSTANCE_PATH (default `instance/`)."""
    return str(Path(os.environ.get("GOVWIKI_INSTANCE_PATH", PROJECT_ROOT / "instance")).resolve())


def load_config(app, test_config: dict | None) -> None:
    """Fill `app.config` in order: defaults, instance file, environment, test dict."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for name, key in ENVIRONMENT.items():
        value = os.environ.get(f"GOVWIKI_{name}")
        if value:
            app.config[key] = int(value) if key in INTEGER_KEYS else value
    if test_config:
        app.config.update(test_config)
    _derive_request_caps(app.config)
    _derive_secure_cookies(app.config)
    _fill_instance_defaults(app)
    _check_timezone(app.config["TIMEZONE"])
    _check_mail_url(app.config["MAIL_URL"])
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])


#: room in a request for everything but the text: other fields, multipart headers, JSON keys
REQUEST_OVERHEAD = 1024 * 1024


def _derive_request_caps(config) -> None:
    """Size the whole-request caps so that a text over the page limit still arrives.

    A refused text can only be handed back if the request could be read. Form encoding triples
    UTF-8 text at worst (each byte of a Chinese character becomes %XX), JSON's \\u escapes
    double it, multipart (which the edit forms use) sends it as it is: three times the page
    limit lets every body up to the limit arrive in any encoding, and bodies well over it arrive
    to be refused with their text.
    """
    cap = 3 * config["MAX_PAGE_BYTES"] + REQUEST_OVERHEAD
    for key in ("MAX_CONTENT_LENGTH", "MAX_FORM_MEMORY_SIZE"):
        if config.get(key) in (None, Flask.default_config.get(key)):  # not set by anyone here
            config[key] = cap


#: how GOVWIKI_SECURE_COOKIES may be written
YES, NO = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def _derive_secure_cookies(config) -> None:
    """Mark every cookie `Secure` (sent over HTTPS only) in production: by default whenever the
    app runs neither in debug mode nor under test; GOVWIKI_SECURE_COOKIES=0 turns it off (plain
    HTTP on a trusted network), =1 on."""
    value = config.get("SECURE_COOKIES")
    if isinstance(value, str):
        word = value.strip().lower()
        if word not in YES | NO:
            raise RuntimeError(f'GOVWIKI_SECURE_COOKIES: "{value}" is neither 1 nor 0')
        value = word in YES
    if value is None:
        value = not (config.get("DEBUG") or config.get("TESTING"))
    config["SECURE_COOKIES"] = bool(value)
    config["SESSION_COOKIE_SECURE"] = config["REMEMBER_COOKIE_SECURE"] = bool(value)


def _check_mail_url(url) -> None:
    from govwiki.mail.transport import check_mail_url

    try:
        check_mail_url(url)
    except ValueError as error:
        raise RuntimeError(f"GOVWIKI_MAIL_URL: {error}") from None


def _check_timezone(name) -> None:
    """Refuse to start with a time zone nobody can show times in (a typo would show wrong hours)."""
    try:
        moments.zone(name)
    except ValueError as error:
        raise RuntimeError(f"GOVWIKI_TIMEZONE: {error}") from None


def normalise_database_url(url: str) -> str:
    """Point plain postgresql:// URLs at psycopg 3 (SQLAlchemy would pick psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _fill_instance_defaults(app) -> None:
    folder = Path(app.instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", f"sqlite:///{folder / 'govwiki.sqlite3'}")
    app.config.setdefault("INDEX_DIR", str(folder / "search-index"))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(folder / "secret_key")


def _instance_secret(path: Path) -> str:
    """Read the secret key kept in the instance folder, generating it the first time."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(path)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return _read_secret(path)


def _read_secret(path: Path) -> str:
    # Another process may have created the file a moment ago and not written it yet.
    for _ in range(100):
        secret = path.read_text().strip()
        if secret:
            return secret
        time.sleep(0.01)
    raise RuntimeError(f"the secret key file {path} is empty; delete it or set GOVWIKI_SECRET_KEY")

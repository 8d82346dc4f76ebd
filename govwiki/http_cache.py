"""HTTP caching: a validator on every read, and a rule for who may keep a copy.

Every successful GET or HEAD gets a strong ETag computed from the body it sends, so a client
that asks again with `If-None-Match` gets `304 Not Modified` and no body while nothing it shows
has changed. A new revision, a hidden comment, a status change or another language changes the
body and with it the ETag: nothing has to remember to bump a version. (The answer is still
rendered; what a 304 saves is sending it, most of a page on a phone.) A view whose answer cannot
change after a known moment may declare it with `last_modified()` for `If-Modified-Since`.

Who may keep a copy is decided once the response is complete, after every other hook:
- an answer to someone signed in (by session or by API token) is `no-store`: it shows their
  name, notifications, settings or private drafts, and no cache, not even the browser's (a
  shared computer's back button, a disk cache), may keep it;
- another personal answer (setting a cookie, showing flashed messages or holding a CSRF
  token) is `private, no-cache`: the browser keeps it and revalidates, a shared cache never
  stores it, and no one else ever gets it;
- any other read is `public, max-age=PUBLIC_MAX_AGE`, so that a reverse proxy can answer
  signed-out readers for a short while;
- errors and writes are `no-store`.
Reads vary on Cookie, Accept-Language and Authorization, everything that picks their content.

A form built for a signed-out reader but not shown (the page prepares its comment form, the
consultation its management forms) would store a CSRF secret in a new session, and that cookie
alone would make the answer personal: such an unused secret is dropped before the session is saved.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user

READS = ("GET", "HEAD")
#: request headers that choose what a read shows: the session (who, flashes), the language, a token
VARY = ("Cookie", "Accept-Language", "Authorization")
#: where a view leaves the moment its answer last changed (see `last_modified`)
LAST_MODIFIED = "http_cache_last_modified"


def init_app(app: Flask) -> None:
    max_age = app.config["PUBLIC_MAX_AGE"]
    if not isinstance(max_age, int) or max_age < 0:
        raise RuntimeError(f"GOVWIKI_PUBLIC_MAX_AGE must be a whole number of seconds, not {max_age!r}")
    # Flask runs after_request hooks in reverse order of registration: first in the list, this one
    # runs after all the others and sees every cookie they set (the language, "remember me").
    # Only the session cookie comes later, and `_personal` asks the session about it.
    app.after_request_funcs.setdefault(None, []).insert(0, _cache_headers)


def last_modified(moment: datetime) -> None:
    """Declare when this view's answer last changed: only where nothing else in it can change
    (not the layout, not who is asking), or `If-Modified-Since` would keep a stale copy."""
    setattr(g, LAST_MODIFIED, moment)


def _cache_headers(response: Response) -> Response:
    """Say who may keep this answer and for how long; give a read its validators (or a 304)."""
    if response.direct_passthrough:
        # Static files (send_file) bring their own validators and Cache-Control; keep them,
        # unless this answer sets a cookie (a ?lang= choice is remembered on any request).
        if "Set-Cookie" in response.headers or session.modified:
            _forbid_sharing(response)
        return response
    response.vary.update(VARY)
    if request.method not in READS or response.status_code >= 400:
        response.headers["Cache-Control"] = "no-store"
        return response
    _drop_unused_csrf_secret(response)
    personal = _personal(response)
    if "Cache-Control" in response.headers:  # the view chose (the favicon): never shared if personal
        if personal:
            _forbid_sharing(response)
    elif current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    elif personal:
        response.headers["Cache-Control"] = "private, no-cache"
    else:
        response.headers["Cache-Control"] = f"public, max-age={current_app.config['PUBLIC_MAX_AGE']}"
    if response.status_code == 200 and response.is_sequence:
        _make_conditional(response)
    return response


def _make_conditional(response: Response) -> None:
    """Set the validators, and turn the answer into a 304 when the client's copy is current."""
    if "ETag" not in response.headers:
        response.set_etag(_fingerprint(response.get_data()))
    moment = g.get(LAST_MODIFIED)
    if moment is not None:
        response.last_modified = moment
    response.make_conditional(request)


def _fingerprint(body: bytes) -> str:
    """The ETag of a body. A CSRF token is signed with the time, so it differs every second: it is
    left out and the session's secret put in its stead, so that a signed-in reader's page keeps
    its ETag while the token it holds stays valid (tokens do not expire by age here)."""
    token = _neutral_token()
    if token:
        body = body.replace(token, b"")
    return _sealed(hashlib.sha256(body), token)


def fingerprint_of_parts(digest: bytes, parts) -> str:
    """The ETag of an answer joined from shared HTML named by `digest` (a skeleton's, which
    leaves the token out) and this request's own `parts`: as `_fingerprint`, without hashing
    the shared HTML again."""
    token = _neutral_token()
    hasher = hashlib.sha256(digest)
    for part in parts:
        data = part.encode()
        if token:
            data = data.replace(token, b"")
        hasher.update(len(data).to_bytes(8, "big") + data)
    if not token and _csrf_token():  # tokens expire by age: each one is part of what is sent
        hasher.update(_csrf_token().encode())
    return _sealed(hasher, token)


def _neutral_token() -> bytes | None:
    """This request's CSRF token when it may be left out of ETags (tokens that never expire)."""
    token = _csrf_token()
    if token and current_app.config.get("WTF_CSRF_TIME_LIMIT") is None:
        return token.encode()
    return None


def _sealed(hasher, token: bytes | None) -> str:
    if token:
        hasher.update(b"\0" + str(session.get(_csrf_field(), "")).encode())
    return hasher.hexdigest()[:32]


def _personal(response: Response) -> bool:
    """Whether this answer belongs to one visitor, so that no shared cache may keep it."""
    return (
        "Set-Cookie" in response.headers
        or _session_cookie_pending()  # showing flashed messages takes them out of the session
        or _holds_csrf_token(response)
        or current_user.is_authenticated
    )


def _session_cookie_pending() -> bool:
    """Whether Flask will write the session cookie on this response (it does so after the hooks)."""
    app = current_app._get_current_object()
    return app.session_interface.should_set_cookie(app, session)


def _holds_csrf_token(response: Response) -> bool:
    """A page holding the visitor's CSRF token must never reach another visitor."""
    token = _csrf_token()
    return bool(token) and token.encode() in response.get_data()


def _drop_unused_csrf_secret(response: Response) -> None:
    """Forget a CSRF secret this request made for a form it did not show, so that the session is
    not written (and the answer not made personal) for nothing."""
    field = _csrf_field()
    if not _csrf_token() or _holds_csrf_token(response) or field not in session:
        return
    app = current_app._get_current_object()
    incoming = app.session_interface.open_session(app, request)
    if incoming is None or field in incoming:
        return  # the visitor's existing secret: their other pages' forms still need it
    session.pop(field)
    if dict(session) == dict(incoming):
        session.modified = False


def _forbid_sharing(response: Response) -> None:
    response.cache_control.public = False
    response.cache_control.s_maxage = None
    response.cache_control.private = True


def _csrf_field() -> str:
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


def _csrf_token() -> str | None:
    """The CSRF token this request generated (Flask-WTF keeps it in `g`), if any."""
    return g.get(_csrf_field())

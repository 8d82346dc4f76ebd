"""Run in a separate process by test_sign_in_throttle: one gunicorn worker's app, trying
passwords on the sign-in form with the rate limits counted where `storage_uri` says."""

from __future__ import annotations

import os
import tempfile


def warm_up() -> None:
    """Import the app ahead of the first try (a second of work a worker does at start)."""
    import govwiki  # noqa: F401


def guess(database_url: str, storage_uri: str, limits: dict, login: str, addresses: list) -> list:
    """Try a wrong password on `login` once from each of `addresses`; return the statuses."""
    from govwiki import create_app
    from govwiki.extensions import db

    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "x",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": storage_uri,
        **limits,
    }
    with tempfile.TemporaryDirectory(prefix=f"govwiki-worker-{os.getpid()}-") as folder:
        app = create_app(config, instance=folder)
        client = app.test_client()
        statuses = [
            client.post(
                "/login", data={"login": login, "password": "a guess"}, environ_base={"REMOTE_ADDR": address}
            ).status_code
            for address in addresses
        ]
        with app.app_context():
            db.engine.dispose()
    return statuses

"""Run in a separate process by test_redis_limits: one gunicorn worker's app, saving a page
through the API with the rate limits counted where `storage_uri` says."""

from __future__ import annotations

import os
import tempfile


def warm_up() -> None:
    """Import the app ahead of the first save (a second of work a worker does at start)."""
    import govwiki  # noqa: F401


def save_page(
    database_url: str, storage_uri: str, edits_limit: str, token: str, slug: str, times: int
) -> list:
    """Save the page `times` times on its head; return the statuses."""
    from govwiki import create_app
    from govwiki.extensions import db

    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "x",
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": storage_uri,
        "RATELIMIT_EDITS": edits_limit,
    }
    headers = {"Authorization": f"Bearer {token}"}
    with tempfile.TemporaryDirectory(prefix=f"govwiki-worker-{os.getpid()}-") as folder:
        app = create_app(config, instance=folder)
        client = app.test_client()
        statuses = []
        for n in range(times):
            head = client.get(f"/api/v1/pages/{slug}").get_json()["head_revision"]
            body = f"Saved by process {os.getpid()}, save {n}.\n"
            response = client.put(
                f"/api/v1/pages/{slug}", json={"body": body, "base_revision": head}, headers=headers
            )
            statuses.append(response.status_code)
        with app.app_context():
            db.engine.dispose()
    return statuses

"""Run in a separate process by test_search_workers: saves pages through the API of its own app,
sharing the search index folder with the other processes (as gunicorn workers do)."""

from __future__ import annotations

import os
import tempfile


def save_pages(database_url: str, index_dir: str, token: str, edits: list[tuple[str, str]]) -> list[int]:
    """PUT each (slug, body) on revision 1; return the statuses."""
    from govwiki import create_app

    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "x",
        "RATELIMIT_ENABLED": False,
        "INDEX_DIR": index_dir,
    }
    app = create_app(config, instance=tempfile.mkdtemp(prefix=f"govwiki-{os.getpid()}-"))
    client = app.test_client()
    statuses = []
    for slug, body in edits:
        response = client.put(
            f"/api/v1/pages/{slug}",
            json={"body": body, "base_revision": 1},
            headers={"Authorization": f"Bearer {token}"},
        )
        statuses.append(response.status_code)
        response.close()  # as a server does once the body is sent: the index is updated then
    with app.app_context():
        from govwiki.extensions import db

        db.engine.dispose()
    return statuses

"""Run in a separate process by test_concurrency: saves through the API of its own app."""

from __future__ import annotations

import os
import tempfile


def save_paragraphs(
    database_url: str, token: str, slug: str, indexes: list[int], base: str, base_revision: int
) -> list[tuple[int, int]]:
    """PUT one edit per index (each rewriting its own paragraph); return (index, status) pairs."""
    from govwiki import create_app

    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "x",
        "RATELIMIT_ENABLED": False,
    }
    app = create_app(config, instance=tempfile.mkdtemp(prefix=f"govwiki-{os.getpid()}-"))
    client = app.test_client()
    outcomes = []
    for index in indexes:
        body = edit_paragraph(base, index)
        response = client.put(
            f"/api/v1/pages/{slug}",
            json={"body": body, "base_revision": base_revision, "summary": f"p{index}"},
            headers={"Authorization": f"Bearer {token}"},
        )
        outcomes.append((index, response.status_code))
    with app.app_context():
        from govwiki.extensions import db

        db.engine.dispose()
    return outcomes


def make_base(paragraphs: int) -> str:
    return (
        "\n\n".join(f"Article {i}: the original wording of this article." for i in range(paragraphs)) + "\n"
    )


def edit_paragraph(base: str, index: int) -> str:
    return base.replace(f"Article {index}: the original", f"Article {index}: the amended-{index}")

"""The route reference of docs/API.md, written from the OpenAPI document so the two never drift.

docs/API.md has a hand-written part (conventions, errors, what the fields mean) above a marker
line and this generated part below it. `make api-docs` rewrites the generated part;
a test fails when the committed file differs from what this module writes.

    python -m govwiki.api.reference        # rewrite docs/API.md
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

MARKER = "<!-- Generated from the OpenAPI document by `make api-docs`; do not edit below this line. -->"
DOCUMENT_PATH = Path(__file__).resolve().parents[2] / "docs" / "API.md"


def reference_markdown(document: dict) -> str:
    """The routes and the schemas of an OpenAPI document as Markdown tables."""
    lines = [
        "## Routes",
        "",
        "| method and path | what it does | request body | success |",
        "| --- | --- | --- | --- |",
    ]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            request = _schema_name(
                operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            )
            status, response = _success(operation)
            lines.append(
                f"| `{method.upper()} {path}` | {operation['summary']} | {request or '—'} | {status} {response} |"
            )
    lines += [
        "",
        "## Objects",
        "",
        "Fields as the OpenAPI document declares them (`/api/v1/openapi.json`).",
        "",
    ]
    for name, schema in document["components"]["schemas"].items():
        lines.append(f"- **{name}**: {_fields(schema)}")
    return "\n".join(lines) + "\n"


def _fields(schema: dict) -> str:
    """The fields of an object schema; `allOf` parts as "everything of X, and …"."""
    if "allOf" in schema:
        return ", and ".join(
            f"everything of {_schema_name(part)}" if "$ref" in part else _fields(part)
            for part in schema["allOf"]
        )
    return ", ".join(f"`{field}`" for field in schema.get("properties", {}))


def _success(operation: dict) -> tuple[str, str]:
    status = next(code for code in operation["responses"] if code.startswith("2"))
    (schema,) = (media["schema"] for media in operation["responses"][status]["content"].values())
    return status, _schema_name(schema) or "object"


def _schema_name(schema: dict | None) -> str | None:
    """`Page` for a reference, `list of Page` for a paginated listing, None for none."""
    if not schema:
        return None
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[1]
    items = schema.get("properties", {}).get("items", {}).get("items")
    if items and "$ref" in items:
        return f"list of {items['$ref'].rsplit('/', 1)[1]}"
    return None


def with_reference(current: str, document: dict) -> str:
    """The docs/API.md text with everything below the marker regenerated."""
    if MARKER not in current:
        raise ValueError(f"{DOCUMENT_PATH} has lost its marker line: {MARKER}")
    return current.split(MARKER)[0] + MARKER + "\n\n" + reference_markdown(document)


def openapi_document() -> dict:
    """The API's OpenAPI document, from an app that touches no database."""
    from govwiki import create_app
    from govwiki.api.openapi import document

    with tempfile.TemporaryDirectory() as instance:
        app = create_app(
            {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "docs"}, instance=instance
        )
        with app.app_context():
            return document("/api/v1")


def main() -> int:
    DOCUMENT_PATH.write_text(with_reference(DOCUMENT_PATH.read_text(), openapi_document()))
    print(f"wrote {DOCUMENT_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

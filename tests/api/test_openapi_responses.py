"""The OpenAPI document describes what the API really sends: responses holding nulls (no one
decided yet, a consultation-wide event without a page, a watched consultation) validate
against it. schemathesis checks the same against a live server in `make test-fuzz`."""

import pytest

from govwiki.api.openapi import document
from govwiki.services import proposals

TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "integer": int,
    "number": (int, float),
}


def problems(value, schema: dict, components: dict, where: str = "$") -> list[str]:
    """Check `value` against the subset of OpenAPI 3.0 schemas the document uses."""
    if "$ref" in schema:
        return problems(value, components[schema["$ref"].rsplit("/", 1)[1]], components, where)
    if "allOf" in schema:
        return [p for part in schema["allOf"] for p in problems(value, part, components, where)]
    if value is None:
        return [] if schema.get("nullable") or "type" not in schema else [f"{where} is null"]
    kind = schema.get("type")
    if kind and (not isinstance(value, TYPES[kind]) or (kind == "integer" and isinstance(value, bool))):
        return [f"{where} is not {kind}: {value!r}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{where} = {value!r} not in {schema['enum']}"]
    found = []
    if kind == "object":
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                found += problems(value[name], sub, components, f"{where}.{name}")
    if kind == "array":
        for index, item in enumerate(value):
            found += problems(item, schema.get("items", {}), components, f"{where}[{index}]")
    return found


@pytest.fixture
def check(app):
    spec = document("http://localhost/api/v1")
    components = spec["components"]["schemas"]

    def check(client, method: str, path: str, template: str, **kwargs):
        response = client.open(f"/api/v1{path}", method=method.upper(), **kwargs)
        operation = spec["paths"][template][method]
        status = str(response.status_code)
        assert status in operation["responses"], (status, response.get_data(as_text=True))
        schema = operation["responses"][status]["content"]["application/json"]["schema"]
        assert problems(response.get_json(), schema, components) == []

    return check


def test_responses_with_nulls_match_the_document(
    client, check, make_page, make_user, bearer, session, official
):
    page = make_page()
    slug, consultation = page.slug, page.consultation.slug
    resident = make_user()
    proposal = proposals.submit_proposal(session, resident, page, body="Other text.\n", base_revision=1)
    headers = bearer(official)
    client.put(f"/api/v1/consultations/{consultation}/watch", headers=headers)
    check(client, "get", "/watchlist", "/watchlist", headers=headers)
    check(client, "get", f"/pages/{slug}/revisions", "/pages/{p}/revisions")
    check(client, "get", f"/pages/{slug}/revisions/1", "/pages/{p}/revisions/{n}")
    check(client, "get", f"/proposals/{proposal.id}", "/proposals/{id}")
    check(client, "get", f"/pages/{slug}/proposals", "/pages/{p}/proposals")
    check(client, "get", f"/consultations/{consultation}/history", "/consultations/{c}/history")
    check(client, "get", f"/consultations/{consultation}/report", "/consultations/{c}/report")
    check(client, "get", f"/consultations/{consultation}/audit", "/consultations/{c}/audit", headers=headers)
    check(client, "get", "/notifications", "/notifications", headers=headers)


def test_error_responses_match_the_document(client, check, make_page, bearer, official):
    make_page()
    check(client, "get", "/pages/nope", "/pages/{p}")
    check(client, "get", "/pages/a-page/revisions?page=2147483647", "/pages/{p}/revisions")
    check(
        client,
        "post",
        "/pages/a-page/revert",
        "/pages/{p}/revert",
        json={"to_revision": 2**63},
        headers=bearer(official),
    )

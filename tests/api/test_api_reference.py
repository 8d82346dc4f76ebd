"""docs/API.md is true to the API: its route table is the OpenAPI document's."""

from govwiki.api.reference import DOCUMENT_PATH, MARKER, openapi_document, with_reference


def test_the_committed_api_reference_is_generated_from_the_openapi_document():
    current = DOCUMENT_PATH.read_text()
    assert current == with_reference(current, openapi_document()), (
        "run `make api-docs` and commit docs/API.md"
    )


def test_every_operation_of_the_openapi_document_has_a_row():
    generated = DOCUMENT_PATH.read_text().split(MARKER)[1]
    for path, operations in openapi_document()["paths"].items():
        for method in operations:
            assert f"| `{method.upper()} {path}` |" in generated

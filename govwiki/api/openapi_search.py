"""The OpenAPI part of search (operation and schemas)."""

from __future__ import annotations

from govwiki.api.openapi_types import INTEGER, PAGINATION, STRING, TIME, obj, ref
from govwiki.search.index import KINDS
from govwiki.services.search import SORTS, STATUSES


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "schema": schema, "description": description}


def _counts(description: str) -> dict:
    return {"type": "object", "additionalProperties": INTEGER, "description": description}


SEARCH_PARAMETERS = [
    _query(
        "q",
        STRING,
        "words to find (Chinese or English); a quoted phrase matches in order; any text is a query, "
        "text with no words finds nothing",
    ),
    _query("type", STRING, f"only these kinds, separated by commas: {', '.join(KINDS)}"),
    _query("consultation", STRING, "only in this consultation (its slug)"),
    _query(
        "status",
        {"type": "string", "enum": list(STATUSES)},
        "a proposal's, a comment's or the consultation's",
    ),
    _query("author", STRING, "only what this username wrote"),
    _query(
        "since",
        STRING,
        "changed at or after: ISO 8601 with offset, or a date (from the start of that day, UTC)",
    ),
    _query(
        "until", STRING, "changed at or before: ISO 8601 with offset, or a date (to the end of that day, UTC)"
    ),
    _query("sort", {"type": "string", "enum": list(SORTS), "default": "relevance"}, "date: newest first"),
    *PAGINATION,
]

SEARCH_SCHEMAS = {
    "SearchHit": obj(
        type={"type": "string", "enum": list(KINDS)},
        id=INTEGER,
        title=STRING,
        url=STRING,
        snippet_html={
            "type": "string",
            "description": "the matching text, HTML-escaped, with matches in <mark>",
        },
        score={"type": "number"},
        status=STRING,
        author={"type": "string", "description": "username"},
        updated_at=TIME,
    ),
    "SearchResults": obj(
        items={"type": "array", "items": ref("SearchHit")},
        page=INTEGER,
        per_page=INTEGER,
        total={**INTEGER, "description": "every hit you may read, after the filters"},
        facets=obj(
            type=_counts("hits per kind with every filter but `type`"),
            consultation=_counts("hits per consultation (by slug) with every filter but `consultation`"),
            status=_counts("hits per status with every filter but `status`"),
        ),
    ),
}

SEARCH_OPERATIONS = [
    (
        "get",
        "/search",
        "Search everything you may read (pages, proposals, comments, consultations)",
        None,
        200,
        ref("SearchResults"),
        SEARCH_PARAMETERS,
    )
]

SEARCH_ERRORS = {"/search": {"503": "search_rebuilding: the index is being rebuilt; see Retry-After"}}

"""How the OpenAPI document describes HTTP caching of reads (govwiki/http_cache.py): every GET
answers with a strong ETag, takes If-None-Match, and answers 304 without a body to a client
whose copy is current."""

from __future__ import annotations

from govwiki.api.openapi_types import STRING

ETAG = {"description": "strong validator of this answer; send it back in If-None-Match", "schema": STRING}
CACHE_CONTROL = {
    "description": "`public, max-age=60` (GOVWIKI_PUBLIC_MAX_AGE) when signed out; `no-store` with a "
    "token or a session, so that no cache, shared or the client's, keeps it",
    "schema": STRING,
}
LAST_MODIFIED = {
    "description": "when both `from` and `to` are given (two fixed revisions never change): "
    "If-Modified-Since works too",
    "schema": STRING,
}
#: reads that may also send Last-Modified
DATED = {"/pages/{p}/diff"}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "the ETag of the copy you hold: 304 without a body while it is current",
    "schema": STRING,
}
IF_MODIFIED_SINCE = {
    "name": "If-Modified-Since",
    "in": "header",
    "required": False,
    "description": "the Last-Modified date of the copy you hold (a diff between two given revisions)",
    "schema": STRING,
}
NOT_MODIFIED = {
    "description": "not modified: the If-None-Match ETag (or, where Last-Modified was sent, the "
    "If-Modified-Since date) is current; no body",
    "headers": {"ETag": ETAG, "Cache-Control": CACHE_CONTROL},
}


def with_validators(operation: dict, path: str, success: str) -> dict:
    """A read operation with its caching headers, the If-None-Match parameter and the 304."""
    responses = dict(operation["responses"])
    headers = {"ETag": ETAG, "Cache-Control": CACHE_CONTROL}
    parameters = [*operation["parameters"], IF_NONE_MATCH]
    if path in DATED:
        headers["Last-Modified"] = LAST_MODIFIED
        parameters.append(IF_MODIFIED_SINCE)
    responses[success] = {**responses[success], "headers": headers}
    responses["304"] = NOT_MODIFIED
    return {**operation, "parameters": parameters, "responses": responses}

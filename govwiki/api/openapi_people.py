"""The OpenAPI part of people: a person's public profile (govwiki/api/people.py)."""

from __future__ import annotations

from govwiki.api.openapi_types import BOOLEAN, STRING, obj, ref

PEOPLE_SCHEMAS = {
    "Profile": obj(
        username=STRING,
        display_name=STRING,
        affiliation=STRING,
        suspended=BOOLEAN,
        roles={
            "type": "array",
            "description": "the person's roles, in the consultations you may read only",
            "items": obj(
                consultation=STRING,
                title=STRING,
                role={"type": "string", "enum": ["official", "expert"]},
                url=STRING,
            ),
        },
        contributions_url=STRING,
        html_url=STRING,
    )
}

PEOPLE_OPERATIONS = [
    (
        "get",
        "/users/{name}",
        "A person's public profile: name, affiliation and roles in the consultations you may read",
        None,
        200,
        ref("Profile"),
        [],
    )
]

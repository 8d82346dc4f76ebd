"""Building blocks of the OpenAPI document shared by its parts (openapi.py, openapi_comments.py)."""

from __future__ import annotations

PAGINATION = [
    # page × per_page may not pass 2147483647 (the rows skipped are counted in a database integer)
    {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "format": "int32", "minimum": 1, "default": 1},
    },
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 200, "default": 50},
    },
]


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(**properties) -> dict:
    return {"type": "object", "properties": properties}


def needs(schema: dict, *names: str) -> dict:
    """`schema` with the fields a request must carry (a missing one is a 422)."""
    return {**schema, "required": list(names)}


# Every number is a 32-bit database integer; saying so lets a client (and schemathesis) know
# the bounds, beyond which the API answers 422.
STRING, INTEGER, BOOLEAN = {"type": "string"}, {"type": "integer", "format": "int32"}, {"type": "boolean"}
TIME = {"type": "string", "format": "date-time", "nullable": True}
#: a merged proposal of which some changes were declined; `status` stays "merged"
PARTIAL = {
    "type": "boolean",
    "description": "true when the proposal was partly merged: an official accepted "
    'only some of its changes (status stays "merged"; the others are in `declined`)',
}
#: one numbered change: a passage of the base and what the proposal makes of it
CHANGE = obj(index=INTEGER, start=INTEGER, end=INTEGER, base=STRING, text=STRING)
USER = obj(
    username=STRING,
    display_name=STRING,
    suspended={"type": "boolean", "description": "present (true) when an admin suspended the account"},
    role={
        "type": "string",
        "enum": ["official", "expert"],
        "description": "present where the person is named in a consultation they hold a role in "
        "(revisions, blame, proposals, comments, timelines, reports): that role, from its memberships",
    },
    affiliation={"type": "string", "description": "beside `role`: the affiliation the person gave"},
)
# Words changed: inserted/deleted count a Latin word or a CJK character each; the rest split them.
STATS = obj(
    **dict.fromkeys(
        (
            "inserted",
            "deleted",
            "inserted_words",
            "deleted_words",
            "inserted_characters",
            "deleted_characters",
        ),
        INTEGER,
    )
)
#: who decided, merged or acted: nobody yet, or the command line
MAYBE_USER = {**USER, "nullable": True}
#: a page or consultation a record item may not have (a consultation-wide event has no page)
MAYBE_BRIEF = {**obj(slug=STRING, title=STRING, url=STRING), "nullable": True}

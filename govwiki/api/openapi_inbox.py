"""The OpenAPI part of official responses and the feedback inbox (operations and schemas)."""

from __future__ import annotations

from govwiki.api.openapi_types import INTEGER, PAGINATION, STRING, TIME, USER, needs, obj, ref

KIND = {"type": "string", "enum": ["comment", "proposal"]}

INBOX_SCHEMAS = {
    "AnswerInput": obj(
        body={
            "type": "string",
            "nullable": True,
            "description": "the consultation's reply, posted under the comment as an official comment; "
            "without it the comment is only marked answered",
        }
    ),
    "AnswerResult": {
        **obj(comment=ref("Comment"), reply=ref("Comment")),
        "description": "the answered comment, and the official reply when a body was given (absent otherwise)",
    },
    "InboxItem": {
        **obj(
            kind=KIND,
            id=INTEGER,
            at=TIME,
            page=obj(slug=STRING, title=STRING, url=STRING),
            author=USER,
            read={"type": "boolean", "description": "the calling official has marked it read"},
            answered={
                "type": "boolean",
                "description": "a comment marked answered; a proposal decided (merged, rejected or withdrawn)",
            },
            url=STRING,
            comment=ref("Comment"),
            proposal=ref("Proposal"),
        ),
        "description": "something the consultation received from someone other than its officials: "
        "`comment` is set for a comment, `proposal` for a proposal",
    },
    "Inbox": obj(
        items={"type": "array", "items": ref("InboxItem")},
        page=INTEGER,
        per_page=INTEGER,
        total=INTEGER,
        unread={
            "type": "integer",
            "format": "int32",
            "description": "items of the whole inbox you have not read",
        },
    ),
    "InboxReadInput": needs(
        obj(
            items={
                "type": "array",
                "minItems": 1,
                "maxItems": 200,
                "items": needs(obj(kind=KIND, id={**INTEGER, "minimum": 1}), "kind", "id"),
            },
            read={"type": "boolean", "default": True, "description": "false marks the items unread again"},
        ),
        "items",
    ),
    "InboxReadResult": obj(changed=INTEGER, unread=INTEGER),
}

FILTERS = [
    {
        "name": "page_slug",
        "in": "query",
        "description": "only the items on this page of the consultation (`page` is the page number of the list)",
        "schema": STRING,
    },
    {
        "name": "status",
        "in": "query",
        "schema": {"type": "string", "enum": ["unanswered", "answered", "all"], "default": "all"},
    },
    {"name": "kind", "in": "query", "schema": KIND},
]

#: (method, path, summary, request schema, success status, response schema, extra parameters)
INBOX_OPERATIONS = [
    ("post", "/comments/{id}/answer", "Answer a comment as the consultation (its officials, in every state): "
     "mark it answered, and post the reply if a body is given", "AnswerInput", 200, ref("AnswerResult"), []),
    ("get", "/consultations/{c}/inbox", "Everything the consultation received, newest first (its officials)",
     None, 200, ref("Inbox"), PAGINATION + FILTERS),
    ("post", "/consultations/{c}/inbox/read", "Mark inbox items read (or unread) for yourself",
     "InboxReadInput", 200, ref("InboxReadResult"), []),
]  # fmt: skip

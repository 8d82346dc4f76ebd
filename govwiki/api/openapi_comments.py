"""The comment routes' part of the OpenAPI document (operations and schemas)."""

from __future__ import annotations

from govwiki.api.openapi_types import BOOLEAN, INTEGER, MAYBE_USER, STRING, TIME, obj, ref

NULLABLE_INT = {"type": "integer", "format": "int32", "nullable": True}
NULLABLE_STRING = {"type": "string", "nullable": True}

ANCHOR = {
    **obj(
        quote=NULLABLE_STRING,
        prefix=STRING,
        suffix=STRING,
        paragraph=INTEGER,
        start=NULLABLE_INT,
        end=NULLABLE_INT,
        position=NULLABLE_INT,
        outdated=BOOLEAN,
        current={**obj(paragraph=NULLABLE_INT, start=NULLABLE_INT, end=NULLABLE_INT), "nullable": True},
    ),
    "nullable": True,
    "description": "where the comment was written (W3C TextQuote/TextPosition in `revision`) and where it "
    "points in the current text; `outdated` when the quoted text is gone",
}

COMMENT_SCHEMAS = {
    "Comment": {
        **obj(
            id=INTEGER,
            page=STRING,
            author=MAYBE_USER,
            parent_id=NULLABLE_INT,
            in_reply_to=NULLABLE_INT,
            depth=INTEGER,
            revision=INTEGER,
            anchor=ANCHOR,
            status={"type": "string", "enum": ["visible", "deleted", "hidden"]},
            official=BOOLEAN,
            created_at=TIME,
            edited_at=TIME,
            supports=INTEGER,
            supported=BOOLEAN,
            answered=BOOLEAN,
            answered_at=TIME,
            answered_by=MAYBE_USER,
            url=STRING,
            body={
                "type": "string",
                "description": "absent for tombstones, and for hidden comments "
                "to everyone but the consultation's officials",
            },
            html=STRING,
            hidden_reason=STRING,
            replies={"type": "array", "items": ref("Comment")},
        ),
        "required": ["id", "status", "revision"],
    },  # fmt: skip
    "CommentInput": {
        **obj(body=STRING, parent_id=INTEGER, anchor=obj(quote=STRING, paragraph=INTEGER, near=INTEGER)),
        "required": ["body"],
    },
    "CommentEdit": {**obj(body=STRING), "required": ["body"]},
    "CommentThreads": obj(items={"type": "array", "items": ref("Comment")}, total=INTEGER, threads=INTEGER),
    "SupportResult": obj(id=INTEGER, supports=INTEGER, supported=BOOLEAN),
    "CommentVersions": obj(
        items={"type": "array", "items": obj(body=STRING, written_at=TIME, replaced_at=TIME)}, total=INTEGER
    ),
    "AnnotationPage": {
        "type": "object",
        "description": "W3C Web Annotation collection page (JSON-LD)",
        "properties": {"items": {"type": "array", "items": {"type": "object"}}},
    },
}

PARAGRAPH = [{"name": "paragraph", "in": "query", "schema": {"type": "integer", "format": "int32"}}]

#: (method, path, summary, request schema, success status, response schema, extra parameters)
COMMENT_OPERATIONS = [
    ("get", "/pages/{p}/comments", "The page's comment threads (optionally one paragraph's)", None, 200,
     ref("CommentThreads"), PARAGRAPH),
    ("post", "/pages/{p}/comments", "Comment on the page, a paragraph or a quoted passage, or reply",
     "CommentInput", 201, ref("Comment"), []),
    ("get", "/comments/{id}", "One comment", None, 200, ref("Comment"), []),
    ("patch", "/comments/{id}", "Edit your comment (earlier versions are kept)", "CommentEdit", 200,
     ref("Comment"), []),
    ("delete", "/comments/{id}", "Delete your comment (a tombstone stays, replies stay)", None, 200,
     ref("Comment"), []),
    ("post", "/comments/{id}/support", "Support a comment (once per person)", None, 200, ref("SupportResult"), []),
    ("delete", "/comments/{id}/support", "Take back your support", None, 200, ref("SupportResult"), []),
    ("get", "/comments/{id}/versions", "Earlier texts of a comment (the consultation's officials)", None, 200,
     ref("CommentVersions"), []),
    ("get", "/pages/{p}/annotations", "The page's comments as W3C Web Annotations (JSON-LD)", None, 200,
     ref("AnnotationPage"), []),
]  # fmt: skip

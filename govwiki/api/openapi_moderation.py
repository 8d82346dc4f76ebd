"""The moderation routes' part of the OpenAPI document (operations and schemas)."""

from __future__ import annotations

from govwiki.api.openapi_types import INTEGER, MAYBE_USER, PAGINATION, STRING, TIME, needs, obj, ref

REASON = {"type": "string", "maxLength": 1000}

MODERATION_SCHEMAS = {
    "FlagInput": needs(
        obj(reason={**REASON, "description": "why the comment should be looked at"}), "reason"
    ),
    "HideInput": needs(
        obj(reason={**REASON, "description": 'public: the comment reads "hidden by a moderator: <reason>"'}),
        "reason",
    ),
    "Flag": obj(
        id=INTEGER,
        comment=INTEGER,
        reason=STRING,
        created_at=TIME,
        by={**MAYBE_USER, "description": "who reported it (in the moderation queue only)"},
    ),
    "DismissResult": obj(id=INTEGER, dismissed=INTEGER, open_flags=INTEGER),
    "ModerationItem": obj(
        comment=ref("Comment"),
        open_flags=INTEGER,
        last_flagged_at=TIME,
        flags={"type": "array", "items": ref("Flag")},
    ),
    "ModerationQueue": obj(
        items={"type": "array", "items": ref("ModerationItem")}, page=INTEGER, per_page=INTEGER, total=INTEGER
    ),
}

#: (method, path, summary, request schema, success status, response schema, extra parameters)
MODERATION_OPERATIONS = [
    ("post", "/comments/{id}/flag", "Report a comment to the moderators with a reason (once per person)",
     "FlagInput", 201, ref("Flag"), []),
    ("post", "/comments/{id}/hide", "Hide a comment behind a public reason (the consultation's officials)",
     "HideInput", 200, ref("Comment"), []),
    ("post", "/comments/{id}/unhide", "Show a hidden comment again (the consultation's officials)", None, 200,
     ref("Comment"), []),
    ("post", "/comments/{id}/dismiss-flags", "Dismiss a comment's open reports (the consultation's officials)",
     None, 200, ref("DismissResult"), []),
    ("get", "/consultations/{c}/moderation", "Reported comments, most recently reported first (its officials)",
     None, 200, ref("ModerationQueue"), PAGINATION),
]  # fmt: skip

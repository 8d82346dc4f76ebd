"""The OpenAPI part of expert invitations (operations and schemas)."""

from __future__ import annotations

from govwiki.api.openapi_types import INTEGER, PAGINATION, STRING, TIME, USER, needs, obj, ref

MAYBE_USER = {**USER, "nullable": True}
MAYBE_TIME = {**TIME, "nullable": True}

INVITATION_SCHEMAS = {
    "NewInvitation": needs(
        obj(
            email={"type": "string", "format": "email", "maxLength": 254},
            note={"type": "string", "maxLength": 2000, "description": "sent with the invitation"},
            expires_in_days={"type": "integer", "minimum": 1, "maximum": 90, "default": 14},
        ),
        "email",
    ),
    "Invitation": obj(
        id=INTEGER,
        consultation={**STRING, "description": "the consultation's slug"},
        email=STRING,
        note=STRING,
        status={"type": "string", "enum": ["pending", "accepted", "expired", "revoked"]},
        invited_by=USER,
        created_at=TIME,
        sent_at={**TIME, "description": "when the current link was made and mailed"},
        expires_at=TIME,
        accepted_by=MAYBE_USER,
        accepted_at=MAYBE_TIME,
        revoked_at=MAYBE_TIME,
        url={
            **STRING,
            "description": "the link with its single-use token: only in the answer that made it "
            "(creating or resending); it is never stored",
        },
    ),
    "Invitations": obj(
        items={"type": "array", "items": ref("Invitation")}, page=INTEGER, per_page=INTEGER, total=INTEGER
    ),
    "AcceptInvitation": needs(obj(token=STRING), "token"),
    "AcceptedInvitation": obj(
        consultation={**STRING, "description": "the consultation's slug"},
        role={
            "type": "string",
            "enum": ["expert", "official"],
            "description": "expert; official when an official of the consultation accepted",
        },
        invitation=INTEGER,
    ),
}

#: (method, path, summary, request schema, success status, response schema, extra parameters)
INVITATION_OPERATIONS = [
    ("post", "/consultations/{c}/invitations", "Invite an expert by e-mail (its officials); the link is mailed "
     "and returned once", "NewInvitation", 201, ref("Invitation"), []),
    ("get", "/consultations/{c}/invitations", "The consultation's invitations with their status (its officials)",
     None, 200, ref("Invitations"), PAGINATION),
    ("post", "/invitations/{id}/resend", "Send a pending or expired invitation again with a new link "
     "(the old one stops working)", None, 200, ref("Invitation"), []),
    ("delete", "/invitations/{id}", "Revoke an invitation (its officials)", None, 200, ref("Invitation"), []),
    ("post", "/invitations/accept", "Accept an invitation as the signed-in user, the verified owner of the "
     "invited address: the expert role in its consultation", "AcceptInvitation", 200,
     ref("AcceptedInvitation"), []),
]  # fmt: skip

INVITATION_ERRORS = {
    "/invitations/accept": {
        "403": "invitation_for_another_address: the caller's e-mail address is not the invited one; "
        "email_not_verified: it is, but the caller has not confirmed it yet",
        "410": "gone: the invitation was used, has expired or was revoked",
    }
}

"""The mail preferences' part of the OpenAPI document (operations and schemas)."""

from __future__ import annotations

from govwiki.api.openapi_types import BOOLEAN, obj, ref
from govwiki.core.mail_choices import CATEGORIES, MODES

MODE = {"type": "string", "enum": list(MODES)}
_CHOICES = {
    category: {**MODE, "description": "kinds: " + ", ".join(kinds)} for category, kinds in CATEGORIES.items()
}

MAIL_SCHEMAS = {
    "MailPreferencesInput": {
        **obj(**_CHOICES),
        "additionalProperties": False,
        "description": "the groups to change (the others stay); an unknown group is a 422",
    },
    "MailPreferences": obj(
        preferences=obj(**_CHOICES),
        verified={**BOOLEAN, "description": "whether the address is verified: no mail goes out until it is"},
    ),
}

#: (method, path, summary, request schema, success status, response schema, extra parameters)
MAIL_OPERATIONS = [
    (
        "get",
        "/me/mail-preferences",
        "What you are mailed about: at once, in a daily digest, or not, per group of notifications",
        None,
        200,
        ref("MailPreferences"),
        [],
    ),
    (
        "put",
        "/me/mail-preferences",
        "Change what you are mailed about",
        "MailPreferencesInput",
        200,
        ref("MailPreferences"),
        [],
    ),
]

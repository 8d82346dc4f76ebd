"""Field checks shared by the services: each returns a message for the `fields` of a 422."""

from __future__ import annotations

from datetime import datetime

from govwiki.core.messages import Message, readable_size
from govwiki.core.slugs import is_valid_slug
from govwiki.core.text import display_problems, text_problems
from govwiki.services.errors import Invalid, TooLarge


def check_display(fields: dict, name: str, value, *, max_length: int, required: bool = True) -> str:
    """Validate a short display field (title, name): a string without control characters."""
    if value is None and required:
        fields[name] = Message("required")
        return ""
    if not isinstance(value, str):
        fields[name] = Message("must be text")
        return ""
    value = value.strip()
    if required and not value:
        fields[name] = Message("required")
    elif len(value) > max_length:
        fields[name] = Message("at most %(count)d characters", count=max_length)
    else:
        problem = text_problems(value) or display_problems(value)
        if problem:
            fields[name] = problem
    return value


def check_text(fields: dict, name: str, value, *, max_length: int, required: bool = False) -> str:
    """Validate free text (summary): a string without NUL or control characters."""
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        fields[name] = Message("must be text")
        return ""
    if required and not value.strip():
        fields[name] = Message("required")
    elif len(value) > max_length:
        fields[name] = Message("at most %(count)d characters", count=max_length)
    else:
        problem = text_problems(value)
        if problem:
            fields[name] = problem
    return value.strip()


def one_of(choices) -> Message:
    """The message for a value outside a fixed list (the choices are codes, never translated)."""
    return Message("must be one of: %(choices)s", choices=", ".join(choices))


def check_choice(fields: dict, name: str, value, choices) -> str:
    if value not in choices:
        fields[name] = one_of(choices)
    return value


def check_slug(fields: dict, name: str, value) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not is_valid_slug(value):
        fields[name] = Message("lowercase ASCII letters, digits and single hyphens")
        return None
    return value


def check_datetime(fields: dict, name: str, value) -> datetime | None:
    """Accept an aware datetime or an ISO 8601 string with offset; return it or None."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            fields[name] = Message("an ISO 8601 date and time with offset, e.g. 2026-12-31T17:00:00+08:00")
            return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        fields[name] = Message("an ISO 8601 date and time with offset, e.g. 2026-12-31T17:00:00+08:00")
        return None
    return value


def check_body(value, *, max_bytes: int, field: str = "body", **details) -> str:
    """Validate a Markdown body; 413 when too large, 422 when not text. `details` go back."""
    from govwiki.core.text import clean_text

    if not isinstance(value, str):
        raise Invalid({field: Message("must be text")}, **details)
    if len(value.encode("utf-8", "surrogatepass")) > max_bytes:
        raise TooLarge(
            Message("The text is larger than the limit of %(size)s.", size=readable_size(max_bytes)),
            limit=max_bytes,
        )
    problem = text_problems(value)
    if problem:
        raise Invalid({field: problem}, **details)
    return clean_text(value)


def raise_if(fields: dict, **details) -> None:
    if fields:
        raise Invalid(fields, **details)

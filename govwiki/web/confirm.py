"""The second step before an action that takes something away: withdrawing or rejecting a
suggestion, closing or withdrawing a consultation, reverting a page.

The first POST of such a form, without `confirm=yes`, changes nothing: it answers with a page
that says what will happen and repeats the form (every field that was sent, the typed reason in
an editable box) with a clearly labelled confirm button and a way back. It is plain HTML, so it
works without JavaScript. Only an action that would go ahead asks: one the visitor may not take
goes straight to the service and is refused there, exactly as before. The API has no such step.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, request

#: the form field (and value) of the confirm button
FIELD, YES = "confirm", "yes"
#: fields the confirmation page writes itself (or that only named the first button)
NOT_REPEATED = {"csrf_token", "submit", FIELD}


@dataclass(frozen=True)
class Question:
    """What the confirmation page asks: a heading, what will happen, the button, the way back."""

    heading: str
    consequence: str
    button: str
    cancel_url: str


def confirmed() -> bool:
    """Whether this POST came from the confirm button of the second step."""
    return request.form.get(FIELD) == YES


def should_ask(ready: bool) -> bool:
    """Ask first when the action would go ahead and this is not yet the confirming POST."""
    return ready and not confirmed()


def ask(question: Question, *, editable=None):
    """The confirmation page: the same form again, `editable` (a WTForms field) shown to edit."""
    skip = NOT_REPEATED | ({editable.name} if editable is not None else set())
    kept = [(name, value) for name, value in request.form.items(multi=True) if name not in skip]
    html = render_template(
        "confirm.html",
        question=question,
        action=request.path,
        kept=kept,
        editable=editable,
        field=FIELD,
        yes=YES,
    )
    return html, 200

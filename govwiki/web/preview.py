"""The editor's preview: Markdown rendered by the pages' own renderer and sanitizer, so what a
writer previews is what the page will show.

Two ways in, one fragment (`templates/_preview.html`):
- without JavaScript, the Preview button of an edit form (a submit button named `preview`)
  sends the form to its own view, which shows the form again with the text kept and the
  preview beside it (`wants_preview`, `preview_of`);
- with JavaScript, static/js/site.js posts the box's text to `POST /preview` (CSRF-checked like
  every form) and puts the answer beside the box.

Previews save nothing, so they are counted against their own limit (`limit("previews")`), never
against the saves or suggestions the same form sends (`saving` / `wants_preview` as exemptions).
These routes join the `pages` blueprint where it is made.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template, request

from govwiki.core.markdown import Rendered, render_markdown
from govwiki.rate_limits import limit
from govwiki.routing import Routes
from govwiki.web.forms import unix_newlines

routes = Routes()

#: the name of the Preview submit button on the edit forms
FIELD = "preview"


@dataclass(frozen=True)
class Preview:
    """What the preview fragment shows: the rendered text, or why there is none."""

    rendered: Rendered | None
    #: the text is over the page size limit: it would not be saved, so it is not rendered
    too_large: bool = False
    limit: int = 0

    @property
    def empty(self) -> bool:
        return self.rendered is not None and not self.rendered.html.strip()


def wants_preview() -> bool:
    """True when a form was sent with its Preview button (or to the preview endpoint)."""
    return request.method == "POST" and (request.endpoint == "pages.preview" or FIELD in request.form)


def saving() -> bool:
    """True when a form was sent to be saved, not previewed."""
    return not wants_preview()


def preview_of(body: str | None) -> Preview:
    """Render `body` as a page would show it, unless it is too large to be saved at all."""
    text = body or ""
    most = current_app.config["MAX_PAGE_BYTES"]
    if len(text.encode("utf-8", "surrogatepass")) > most:
        return Preview(None, too_large=True, limit=most)
    return Preview(render_markdown(text), limit=most)


@routes.post("/preview")
@limit("previews")
def preview():
    """The preview fragment of the posted `body` (413 when it is over the page size limit)."""
    shown = preview_of(unix_newlines(request.form.get("body")))
    html = render_template("_preview.html", preview=shown)
    return html, 413 if shown.too_large else 200

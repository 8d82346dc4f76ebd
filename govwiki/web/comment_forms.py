"""The forms of the discussion: a new comment (on the page, a paragraph, a quoted passage or as a
reply) and the edit of one's own comment. They check only what a browser can get wrong; the
comments service decides everything else, and its refusals come back onto the same form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField, TextAreaField

from govwiki.services.comments import Target
from govwiki.web.forms import unix_newlines
from govwiki.web.views import whole_number

#: the longest quote a form carries (longer selections are cut by site.js before sending)
MAX_QUOTE_CHARS = 2000


def _body(label) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[unix_newlines],
        description=_l("Public, with your name. Markdown works: **bold**, lists, links."),
        render_kw={"rows": 5, "spellcheck": "true", "data-autosave": ""},
    )


class CommentForm(FlaskForm):
    body = _body(_l("Your comment"))
    #: the comment this one answers (a reply)
    parent_id = HiddenField()
    #: the paragraph of the page's head it is about, and the words quoted from it
    paragraph = HiddenField()
    quote = HiddenField()
    #: where in the paragraph the quote was selected (chooses between repeated words)
    near = HiddenField()
    #: the page revision whose paragraphs the form names (the page may change while one writes)
    revision = HiddenField()
    submit = SubmitField(_l("Post comment"))

    def parent(self) -> int | None:
        return whole_number(self.parent_id.data)

    def revision_number(self) -> int | None:
        return whole_number(self.revision.data)

    def paragraph_number(self) -> int | None:
        number = whole_number(self.paragraph.data)
        return number if number is not None and number >= 0 else None

    def target(self) -> Target:
        """What the comment is about, as the service takes it."""
        quote = (self.quote.data or "")[:MAX_QUOTE_CHARS] or None
        near = whole_number(self.near.data)
        return Target(
            paragraph=self.paragraph_number(),
            quote=quote if quote and quote.strip() else None,
            near=near if near is not None and near >= 0 else None,
        )


class EditCommentForm(FlaskForm):
    body = _body(_l("Your comment"))
    submit = SubmitField(_l("Save changes"))

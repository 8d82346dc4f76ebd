"""Comments on the web: post (on the page, a paragraph, a quoted passage), reply, edit, delete,
support, and a permalink that opens the page's discussion where the comment is.

Every form works without JavaScript, and no refusal costs anyone their text: signed out, the
consultation closed, empty, too long, too many, an expired form, a quote no longer on the page
— each shows the form again with the typed text in the box and says why.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session as cookie
from flask import url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from flask_limiter import RateLimitExceeded
from markupsafe import Markup

from govwiki.core.messages import Message
from govwiki.core.policy import Action, may_change_own
from govwiki.errors import error_response
from govwiki.rate_limits import limit, refusal, retry_headers
from govwiki.security import actor
from govwiki.services import comment_views
from govwiki.services import comments as service
from govwiki.services import pages as page_service
from govwiki.services import people
from govwiki.services.access import load_page
from govwiki.services.errors import Conflict, ServiceError
from govwiki.services.errors import refusal as policy_refusal
from govwiki.web import confirm, discussion, templating
from govwiki.web.comment_forms import CommentForm, EditCommentForm
from govwiki.web.labels import N_, service_text
from govwiki.web.views import ID, gate, session

comments = Blueprint("comments", __name__)
limit("writes")(comments)  # every form write, as every API write (rate_limits.py)
comments.record_once(templating.install)

#: the session key naming the draft a successful post or edit has made obsolete
SENT_DRAFT = "govwiki_comment_draft_sent"

# Fixed messages of the comments service, listed so that they are extracted and translated.
SERVICE_MESSAGES = (
    N_("No such comment."),
    N_("This comment can no longer be edited."),
    N_("This comment can no longer be supported."),
    N_("must be a comment on this page"),
    N_("that comment was deleted"),
    N_("the quoted text is not on the current page"),
    N_("must be a paragraph of the current page"),
    N_("The page is changing too fast to post your comment now; your text is below."),
)


@comments.get("/pages/<slug>/comments/new")
def new(slug: str):
    page = load_page(session(), actor(), slug)
    form = CommentForm(
        formdata=None,
        paragraph=request.args.get("paragraph"),
        quote=request.args.get("quote"),
        near=request.args.get("near"),
        revision=page.head_number,
    )
    return gate(page.consultation, Action.COMMENT) or _form_page(page, form)


@comments.route("/pages/<slug>/comments", methods=["GET", "POST"])
@limit("comments")
def create(slug: str):
    page = load_page(session(), actor(), slug)
    if request.method == "GET":  # e.g. reloading a refused form's address: the discussion is there
        return redirect(url_for("pages.show", slug=page.slug, _anchor="discussion"))
    form = CommentForm()
    replying = bool(form.parent_id.data)
    try:
        if not replying:
            discussion.follow_paragraph(page, form)
        comment = service.post_comment(
            session(),
            actor(),
            page,
            body=form.body.data,
            # a malformed id goes to the service as it came, to be refused with the text kept
            parent_id=form.parent() if form.parent() is not None else (form.parent_id.data or None),
            target=service.Target() if replying else form.target(),
            max_bytes=current_app.config["MAX_COMMENT_BYTES"],
        )
    except ServiceError as error:
        return _refused(page, form, error)
    flash(_("Your comment was posted."), "posted")
    cookie[SENT_DRAFT] = draft_key(page, form)
    return redirect(url_for(".show", comment_id=comment.id))


@comments.get(f"/comments/<{ID}:comment_id>/versions")
def versions(comment_id: int):
    """The earlier texts of an edited or deleted comment, for the consultation's officials."""
    comment = service.load_comment(session(), actor(), comment_id)
    earlier = [
        (version, Markup(comment_views.comment_html(version.body)))
        for version in service.versions(session(), actor(), comment)
    ]
    return render_template("comments/versions.html", comment=comment, page=comment.page, earlier=earlier)


@comments.get(f"/comments/<{ID}:comment_id>")
def show(comment_id: int):
    """Open the page's discussion on the screen that holds the comment."""
    comment = service.load_comment(session(), actor(), comment_id)
    page = comment.page
    plan = discussion.outline(page)
    screen = discussion.screen_of(plan, plan.thread_of(comment.id))
    args = {"comments": screen} if screen > 1 else {}
    return redirect(url_for("pages.show", slug=page.slug, _anchor=f"comment-{comment.id}", **args))


@comments.get(f"/comments/<{ID}:comment_id>/reply")
def reply(comment_id: int):
    comment = service.load_comment(session(), actor(), comment_id)
    form = CommentForm(formdata=None, parent_id=comment.id)
    return gate(comment.page.consultation, Action.COMMENT) or _form_page(comment.page, form)


@comments.route(f"/comments/<{ID}:comment_id>/edit", methods=["GET", "POST"])
@limit("comments")
def edit(comment_id: int):
    comment = service.load_comment(session(), actor(), comment_id)
    form = EditCommentForm()
    if not form.is_submitted():
        refused = gate(comment.page.consultation, Action.COMMENT)
        if refused is not None:
            return refused
        _require_editable(comment)
        form.body.data = comment.body
        return _edit_page(comment, form)
    try:
        service.edit_comment(
            session(),
            actor(),
            comment,
            body=form.body.data,
            max_bytes=current_app.config["MAX_COMMENT_BYTES"],
        )
    except ServiceError as error:
        session().rollback()
        _attach(form, error)
        return _edit_page(comment, form, error=error, status=error.status)
    flash(_("Your comment was updated."), "posted")
    cookie[SENT_DRAFT] = f"comment-{comment.page.slug}-edit-{comment.id}"
    return redirect(url_for(".show", comment_id=comment.id))


@comments.post(f"/comments/<{ID}:comment_id>/delete")
def delete(comment_id: int):
    comment = service.load_comment(session(), actor(), comment_id)
    mine = actor() is not None and actor().id == comment.author_id
    if confirm.should_ask(mine and comment.status != "deleted"):
        return confirm.ask(
            confirm.Question(
                _("Delete your comment?"),
                _(
                    "Its text will be removed from the discussion and “comment deleted” shown in its "
                    "place. Replies to it stay. This cannot be undone."
                ),
                _("Yes, delete my comment"),
                url_for(".show", comment_id=comment.id),
            )
        )
    service.delete_comment(session(), actor(), comment)
    flash(_("Your comment was deleted."), "info")
    return redirect(url_for(".show", comment_id=comment.id))


@comments.post(f"/comments/<{ID}:comment_id>/support")
@limit("supports")
def support(comment_id: int):
    comment = service.load_comment(session(), actor(), comment_id)
    supported = request.form.get("supported") != "0"
    service.support_comment(session(), actor(), comment, supported=supported)
    return redirect(url_for(".show", comment_id=comment.id))


@comments.errorhandler(CSRFError)
def _csrf_refused(error: CSRFError):
    """An expired form must not cost anyone their text: show it again, with a fresh token."""
    refused = ServiceError(
        _(
            "Your session expired or the form was too old, so nothing was sent. "
            "Your text is below: check it and send it again."
        )
    )
    return _refused_request(refused, 400) or _plain_error(400, error.description)


@comments.errorhandler(RateLimitExceeded)
def _too_many(error: RateLimitExceeded):
    """Too many comments in a short time: the form again with the text, and when to retry."""
    refused = refusal(error)
    headers = retry_headers(refused)
    shown = _refused_request(refused, 429)
    if shown is not None:
        return (*shown, headers)
    return error_response(429, refused.to_dict(), headers)


# --- rendering -------------------------------------------------------------------------------


def draft_key(page, form: CommentForm) -> str:
    """The name under which site.js keeps a copy of a new comment's text in the browser."""
    if form.parent_id.data:
        return f"comment-{page.slug}-reply-{form.parent_id.data}"
    number = form.paragraph_number()
    return f"comment-{page.slug}-para-{number}" if number is not None else f"comment-{page.slug}-new"


def sent_draft() -> str | None:
    """The draft a post or edit just made obsolete (once), for the page to forget it."""
    return cookie.pop(SENT_DRAFT, None) if SENT_DRAFT in cookie else None


def _require_editable(comment) -> None:
    """Before showing the edit form: only its author edits a comment, and only while it is shown."""
    who = actor()
    verdict = may_change_own(who.role if who else None, who is not None and who.id == comment.author_id)
    if not verdict:
        raise policy_refusal(verdict.reason)
    if comment.status != "visible":
        raise Conflict("comment_gone", Message("This comment can no longer be edited."))


def _form_page(page, form: CommentForm, *, status: int = 200, **context):
    """The page of one comment form: a new comment, on a paragraph or a passage, or a reply."""
    parent = _parent(page, form)
    number = form.paragraph_number() if parent is None else None
    head = page_service.head_revision(session(), page)
    paragraphs = discussion.paragraphs_of(head)
    text = paragraphs[number] if number is not None and number < len(paragraphs) else None
    html = render_template(
        "comments/new.html",
        page=page,
        form=form,
        parent=parent,
        roles=people.roles_in(session(), page.consultation) if parent is not None else None,
        paragraph=number if text is not None else None,
        paragraph_text=text,
        passage=discussion.passage(text, form.quote.data, form.near.data) if text is not None else None,
        quote=form.quote.data if parent is None else None,
        form_key=draft_key(page, form),
        error=context.pop("error", None),
        error_message=context.pop("error_message", None),
        **context,
    )
    return html, status


def _parent(page, form: CommentForm):
    """The comment being answered, if the form names one the visitor may read on this page."""
    number = form.parent()
    if number is None:
        return None
    try:
        parent = service.load_comment(session(), actor(), number)
    except ServiceError:
        return None
    if parent.page_id != page.id:
        return None
    return comment_views.view_of(parent, service.may_moderate(session(), actor(), page))


def _edit_page(comment, form: EditCommentForm, *, status: int = 200, **context):
    html = render_template(
        "comments/edit.html",
        page=comment.page,
        comment=comment,
        form=form,
        form_key=f"comment-{comment.page.slug}-edit-{comment.id}",
        error=context.pop("error", None),
        error_message=context.pop("error_message", None),
    )
    return html, status


def _refused(page, form: CommentForm, error: ServiceError):
    session().rollback()
    _attach(form, error)
    return _form_page(page, form, error=error, status=error.status)


def _attach(form, error: ServiceError) -> None:
    """The service's field messages: on the text box, or above the form for the hidden fields."""
    for name, message in (getattr(error, "fields", None) or {}).items():
        if name == "body":
            form.body.errors = [*form.body.errors, service_text(message)]
        else:
            form.form_errors.append(service_text(message))


def _refused_request(refused: ServiceError, status: int):
    """Show the refused form of this request again, if it was one of ours and can be read."""
    refused.status = status
    args = request.view_args or {}
    try:
        if request.endpoint == "comments.create":
            page = load_page(session(), actor(), args["slug"])
            form = CommentForm()
            return _form_page(page, form, error=refused, status=status)
        if request.endpoint == "comments.edit" and request.method == "POST":
            comment = service.load_comment(session(), actor(), args["comment_id"])
            return _edit_page(comment, EditCommentForm(), error=refused, status=status)
    except (ServiceError, KeyError):
        return None
    return None


def _plain_error(status: int, message: str):
    return error_response(status, {"code": "csrf_failed", "message": message})


#: templates of other parts that add to each comment's actions, shown once they exist
COMMENT_PARTS = ("comments/_moderate.html",)


def comment_parts() -> tuple[str, ...]:
    """The templates of COMMENT_PARTS that exist (looked up once per app, not per comment)."""
    found = current_app.extensions.get("govwiki_comment_parts")
    if found is None:
        names = set(current_app.jinja_env.list_templates())
        found = tuple(name for name in COMMENT_PARTS if name in names)
        current_app.extensions["govwiki_comment_parts"] = found
    return found


def _install(state) -> None:
    state.app.add_template_global(sent_draft, "sent_comment_draft")
    state.app.add_template_global(comment_parts)


comments.record_once(_install)

"""The OpenAPI 3 document of the API, built from one table of operations so that a test can
check it against the app's URL map (a route missing here fails that test)."""

from __future__ import annotations

from flask import jsonify, url_for

from govwiki.routing import Routes
from govwiki.api.openapi_caching import with_validators
from govwiki.api.openapi_comments import COMMENT_OPERATIONS, COMMENT_SCHEMAS
from govwiki.api.openapi_inbox import INBOX_OPERATIONS, INBOX_SCHEMAS
from govwiki.api.openapi_mail import MAIL_OPERATIONS, MAIL_SCHEMAS
from govwiki.api.openapi_invitations import INVITATION_ERRORS, INVITATION_OPERATIONS, INVITATION_SCHEMAS
from govwiki.api.openapi_moderation import MODERATION_OPERATIONS, MODERATION_SCHEMAS
from govwiki.api.openapi_people import PEOPLE_OPERATIONS, PEOPLE_SCHEMAS
from govwiki.api.openapi_search import SEARCH_ERRORS, SEARCH_OPERATIONS, SEARCH_SCHEMAS
from govwiki.api.openapi_types import (
    PAGINATION,
    ref,
    obj,
    needs,
    STRING,
    INTEGER,
    BOOLEAN,
    TIME,
    PARTIAL,
    CHANGE,
    USER,
    STATS,
    MAYBE_USER,
    MAYBE_BRIEF,
)

routes = Routes()


SCHEMAS = {
    **COMMENT_SCHEMAS,
    **INBOX_SCHEMAS,
    **INVITATION_SCHEMAS,
    **MAIL_SCHEMAS,
    **SEARCH_SCHEMAS,
    **MODERATION_SCHEMAS,
    **PEOPLE_SCHEMAS,
    "Error": obj(
        error=obj(
            code=STRING, message=STRING, fields={"type": "object"}, retry_after=INTEGER, rate_limit=STRING
        )
    ),
    "User": USER,
    "PageRef": obj(slug=STRING, title=STRING, revision=INTEGER, updated_at=TIME, url=STRING),
    "Consultation": obj(
        slug=STRING,
        title=STRING,
        summary=STRING,
        status={"type": "string", "enum": ["draft", "open", "closed", "adopted", "withdrawn"]},
        edit_policy={"type": "string", "enum": ["comment", "suggest", "edit"]},
        visibility={"type": "string", "enum": ["public", "invited"]},
        opens_at=TIME,
        closes_at=TIME,
        created_by=USER,
        pages={"type": "array", "items": ref("PageRef")},
    ),
    "ConsultationInput": obj(
        title=STRING,
        summary=STRING,
        slug=STRING,
        edit_policy={"type": "string", "enum": ["comment", "suggest", "edit"]},
        visibility={"type": "string", "enum": ["public", "invited"]},
        closes_at=TIME,
        status={"type": "string", "enum": ["draft", "open", "closed", "adopted", "withdrawn"]},
    ),
    "Page": obj(
        slug=STRING,
        title=STRING,
        consultation=STRING,
        revision=INTEGER,
        head_revision=INTEGER,
        body=STRING,
        html=STRING,
        updated_at=TIME,
        merged=BOOLEAN,
        unchanged=BOOLEAN,
        contributors={"type": "array", "items": obj(username=STRING, display_name=STRING, revisions=INTEGER)},
    ),
    "PageInput": needs(obj(title=STRING, body=STRING, slug=STRING, summary=STRING), "title", "body"),
    "Edit": needs(obj(body=STRING, summary=STRING, base_revision=INTEGER), "body", "base_revision"),
    "Revision": obj(
        number=INTEGER,
        author=USER,
        summary=STRING,
        created_at=TIME,
        size=INTEGER,
        characters=INTEGER,
        words=INTEGER,
        # words inserted and deleted since the parent revision (each Latin word and each CJK
        # character counts one), counted at save time; all of the text for the first revision
        changes=obj(inserted=INTEGER, deleted=INTEGER),
        sha256=STRING,
        parent={"type": "integer", "nullable": True},
        merged_by=MAYBE_USER,
        body=STRING,
    ),
    "Diff": obj(
        **{"from": INTEGER, "to": INTEGER},
        ops={
            "type": "array",
            "items": obj(op={"type": "string", "enum": ["equal", "insert", "delete"]}, text=STRING),
        },
        stats=STATS,
    ),
    "Blame": obj(
        revision=INTEGER, spans={"type": "array", "items": obj(text=STRING, revision=INTEGER, author=USER)}
    ),
    "PhraseOrigins": obj(
        revision={**INTEGER, "description": "the revision whose text was searched"},
        total={**INTEGER, "description": "places the phrase stands (the first 100 are listed)"},
        items={
            "type": "array",
            "items": obj(
                start={**INTEGER, "description": "offset in the revision's text, in code points"},
                end=INTEGER,
                before={**STRING, "description": "up to 80 characters before the phrase"},
                text={**STRING, "description": "the phrase as the text writes it"},
                after=STRING,
                introduced=ref("Revision"),
                oldest={**INTEGER, "description": "the oldest revision that wrote a piece of it"},
            ),
        },
    ),
    "Revert": needs(obj(to_revision=INTEGER, summary=STRING), "to_revision"),
    # Proposals (suggested edits): numbered changes against the base, for partial merges. A change
    # groups the hunks of one sentence (or of adjacent words across a sentence end), so accepting
    # it takes all of them.
    "Proposal": obj(
        id=INTEGER,
        page=STRING,
        author=USER,
        summary=STRING,
        base_revision=INTEGER,
        status={"type": "string", "enum": ["open", "merged", "rejected", "withdrawn"]},
        created_at=TIME,
        updated_at=TIME,
        decided_by=MAYBE_USER,
        decided_at=TIME,
        reason=STRING,
        merged_revision={"type": "integer", "nullable": True},
        body=STRING,
        partial=PARTIAL,
        declined={
            "type": "array",
            "items": CHANGE,
            "description": "the changes not accepted in a partial merge, each as its whole passage",
        },
        mergeable={"type": "boolean", "nullable": True},
        overlaps={"type": "array", "items": INTEGER},
        url=STRING,
    ),
    "ProposalReview": {
        "allOf": [
            {"$ref": "#/components/schemas/Proposal"},
            obj(
                diff=obj(
                    **{"from": INTEGER},
                    ops={"type": "array", "items": obj(op=STRING, text=STRING)},
                    stats=STATS,
                ),
                hunks={
                    "type": "array",
                    "description": "the numbered changes to accept (the numbers `accept` takes); "
                    "each replaces base[start:end] with text, and `parts` are the word-level edits inside it",
                    "items": {
                        "allOf": [
                            CHANGE,
                            obj(
                                parts={
                                    "type": "array",
                                    "items": obj(start=INTEGER, end=INTEGER, base=STRING, text=STRING),
                                }
                            ),
                        ]
                    },
                },
                version=STRING,
                head_revision=INTEGER,
                conflicts={
                    "type": "array",
                    "items": obj(start=INTEGER, end=INTEGER, base=STRING, mine=STRING, theirs=STRING),
                },
                preview={"type": "string", "nullable": True},
                marked_body={"type": "string", "nullable": True},
            ),
        ]
    },
    "ProposalInput": obj(body=STRING, summary=STRING, base_revision=INTEGER),
    "NewProposal": needs(obj(body=STRING, summary=STRING, base_revision=INTEGER), "body", "base_revision"),
    "MergeInput": obj(
        body=STRING,
        base_revision=INTEGER,
        accept={
            "type": "array",
            "items": INTEGER,
            "description": "change numbers (the `index` of the review's `hunks`, for the `version` "
            "reviewed) to merge; every word-level edit of a chosen change is taken, the other "
            "changes are declined and the proposal is partly merged",
        },
        version=STRING,
        reason=STRING,
    ),
    "RejectInput": needs(obj(reason=STRING), "reason"),
    "Decision": obj(
        status=STRING,
        revision=INTEGER,
        partial=PARTIAL,
        unchanged=BOOLEAN,
        proposal={"$ref": "#/components/schemas/Proposal"},
    ),
    "Notification": obj(
        id=INTEGER,
        kind={
            **STRING,
            "description": "page_edited, status_changed, proposal_submitted, proposal_merged, "
            "proposal_partly_merged, proposal_rejected, page_commented (new comments on a watched page, "
            "one a page a day), comment_replied (replies to your comment, one a comment a day), "
            "official_response (an official replied to your comment or marked it answered)",
        },
        count=INTEGER,
        unread=BOOLEAN,
        read_at=TIME,
        created_at=TIME,
        updated_at=TIME,
        consultation=MAYBE_BRIEF,
        page=MAYBE_BRIEF,
        proposal={"type": "integer", "nullable": True},
        details={"type": "object"},
        diff_url={"type": "string", "nullable": True},
        comment={
            **obj(id=INTEGER, url=STRING, html_url=STRING),
            "nullable": True,
            "description": "for the kinds about comments (page_commented, comment_replied, "
            "official_response): the comment the entry leads to, in the API and on its page",
        },
        text={**STRING, "description": "what happened, as one sentence in the caller's language"},
        html_url={**STRING, "description": "where the entry leads on the web"},
    ),
    "ReadInput": obj(ids={"type": "array", "items": INTEGER}),
    "Watched": obj(
        type={"type": "string", "enum": ["consultation", "page"]},
        since=TIME,
        consultation=MAYBE_BRIEF,
        page=MAYBE_BRIEF,
    ),
    # The consultation record: timeline, outcome report, contributions, audit log.
    "TimelineItem": obj(
        type=STRING,
        at=TIME,
        actor=MAYBE_USER,
        consultation={"type": "string", "nullable": True},
        page=MAYBE_BRIEF,
        revision={"type": "integer", "nullable": True},
        proposal={"type": "integer", "nullable": True},
        comment={**obj(id=INTEGER, url=STRING), "nullable": True},
        details={
            "type": "object",
            "description": "what the entry records; a proposal's entry has its "
            "`status` and `partial`, and a partial merge is the type `proposal_partly_merged`; "
            "a `comment` or `official_response` entry has the comment's `status`, `answers` (the "
            "comment an official response answers) and its `body` unless it is hidden",
        },
    ),
    "ProposalOutcome": obj(
        id=INTEGER,
        page=obj(slug=STRING, title=STRING, url=STRING),
        author=USER,
        summary=STRING,
        base_revision=INTEGER,
        status=STRING,
        partial=PARTIAL,
        created_at=TIME,
        decided_by=MAYBE_USER,
        decided_at=TIME,
        reason=STRING,
        merged_revision={"type": "integer", "nullable": True},
        declined={"type": "array", "items": CHANGE},
    ),
    "Report": obj(
        consultation={"$ref": "#/components/schemas/Consultation"},
        generated_at=TIME,
        counts=obj(
            participants=INTEGER,
            revisions=INTEGER,
            proposals=obj(
                received=INTEGER,
                merged=INTEGER,
                partly_merged=INTEGER,
                rejected=INTEGER,
                withdrawn=INTEGER,
                open=INTEGER,
            ),
            comments={
                **obj(received=INTEGER, answered=INTEGER, hidden=INTEGER, responses=INTEGER),
                "description": "comments from people other than the consultation's officials (deleted ones "
                "not counted), how many of them were marked answered or hidden, and the official responses",
            },
        ),
        participants={
            "type": "array",
            "items": obj(
                username=STRING, display_name=STRING, revisions=INTEGER, proposals=INTEGER, comments=INTEGER
            ),
        },
        merged={"type": "array", "items": ref("ProposalOutcome")},
        rejected={"type": "array", "items": ref("ProposalOutcome")},
        withdrawn={"type": "array", "items": ref("ProposalOutcome")},
        open={"type": "array", "items": ref("ProposalOutcome")},
        pages={
            "type": "array",
            "items": obj(
                page=obj(slug=STRING, title=STRING, url=STRING),
                opened_revision={"type": "integer", "nullable": True},
                added_after_opening=BOOLEAN,
                final_revision=INTEGER,
                final={"type": "string", "enum": ["adopted", "current"]},
                ops={"type": "array", "items": obj(op=STRING, text=STRING)},
                stats=STATS,
            ),
        },
        responses={
            "type": "array",
            "description": "the consultation's official responses to comments, oldest first (hidden ones "
            "are left out; the answered comment's `body` is absent when it is hidden or deleted)",
            "items": obj(
                id=INTEGER,
                page=obj(slug=STRING, title=STRING, url=STRING),
                author=USER,
                created_at=TIME,
                body=STRING,
                html=STRING,
                url=STRING,
                answers={
                    **obj(id=INTEGER, author=MAYBE_USER, status=STRING, url=STRING, body=STRING),
                    "nullable": True,
                },
            ),
        },
    ),
    "AuditEvent": obj(
        id=INTEGER,
        at=TIME,
        actor=MAYBE_USER,
        action=STRING,
        consultation={"type": "string", "nullable": True},
        subject_type=STRING,
        subject_id=STRING,
        details={"type": "object"},
        prev_hash=STRING,
        hash=STRING,
    ),
}


def _listing(item: str) -> dict:
    return obj(items={"type": "array", "items": ref(item)}, page=INTEGER, per_page=INTEGER, total=INTEGER)


#: (method, path, summary, request schema, success status, response schema, extra parameters)
OPERATIONS = [
    (
        "get",
        "/consultations",
        "List the consultations you may see",
        None,
        200,
        _listing("Consultation"),
        PAGINATION + [{"name": "status", "in": "query", "schema": STRING}],
    ),
    (
        "post",
        "/consultations",
        "Create a consultation (officials)",
        "ConsultationInput",
        201,
        ref("Consultation"),
        [],
    ),
    ("get", "/consultations/{c}", "A consultation with its pages", None, 200, ref("Consultation"), []),
    (
        "patch",
        "/consultations/{c}",
        "Change a consultation or its status",
        "ConsultationInput",
        200,
        ref("Consultation"),
        [],
    ),
    ("post", "/consultations/{c}/pages", "Create a page at revision 1", "PageInput", 201, ref("Page"), []),
    (
        "get",
        "/pages/{p}",
        "A page (head or ?revision=N)",
        None,
        200,
        ref("Page"),
        [{"name": "revision", "in": "query", "schema": INTEGER}],
    ),
    ("put", "/pages/{p}", "Save an edit made on base_revision (merges or 409)", "Edit", 200, ref("Page"), []),
    ("get", "/pages/{p}/revisions", "History, newest first", None, 200, _listing("Revision"), PAGINATION),
    ("get", "/pages/{p}/revisions/{n}", "One revision with its body", None, 200, ref("Revision"), []),
    (
        "get",
        "/pages/{p}/diff",
        "Word-level diff between two revisions",
        None,
        200,
        ref("Diff"),
        [
            {"name": "from", "in": "query", "schema": INTEGER},
            {"name": "to", "in": "query", "schema": INTEGER},
        ],
    ),
    (
        "get",
        "/pages/{p}/blame",
        "Who introduced each span",
        None,
        200,
        ref("Blame"),
        [{"name": "revision", "in": "query", "schema": INTEGER}],
    ),
    (
        "get",
        "/pages/{p}/history/search",
        "Which revision introduced a phrase: each place it stands, from the revision's blame",
        None,
        200,
        ref("PhraseOrigins"),
        [
            {"name": "q", "in": "query", "required": True, "schema": STRING},
            {"name": "revision", "in": "query", "schema": INTEGER},
        ],
    ),
    ("post", "/pages/{p}/revert", "Restore an old revision as a new one", "Revert", 200, ref("Page"), []),
    (
        "post",
        "/pages/{p}/proposals",
        "Suggest a change written on base_revision",
        "NewProposal",
        201,
        ref("Proposal"),
        [],
    ),
    (
        "get",
        "/pages/{p}/proposals",
        "The page's proposals, newest first (open ones with mergeable and overlaps)",
        None,
        200,
        _listing("Proposal"),
        PAGINATION + [{"name": "status", "in": "query", "schema": STRING}],
    ),
    (
        "get",
        "/proposals/{id}",
        "A proposal with its diff, numbered hunks and merge preview",
        None,
        200,
        ref("ProposalReview"),
        [],
    ),
    ("patch", "/proposals/{id}", "Rewrite your open proposal", "ProposalInput", 200, ref("Proposal"), []),
    (
        "post",
        "/proposals/{id}/merge",
        "Merge (all, the accepted hunks, or a hand-resolved body); 409 on conflict",
        "MergeInput",
        200,
        ref("Decision"),
        [],
    ),
    (
        "post",
        "/proposals/{id}/reject",
        "Reject with a public reason",
        "RejectInput",
        200,
        ref("Decision"),
        [],
    ),
    ("post", "/proposals/{id}/withdraw", "Withdraw your open proposal", None, 200, ref("Decision"), []),
    # Notifications and the watchlist: the signed-in caller's own (401 when signed out).
    (
        "get",
        "/notifications",
        "Your notifications, latest first, with the unread count",
        None,
        200,
        {
            **_listing("Notification"),
            "properties": {**_listing("Notification")["properties"], "unread": INTEGER},
        },
        PAGINATION,
    ),
    (
        "post",
        "/notifications/read",
        "Mark the given (or all) notifications read",
        "ReadInput",
        200,
        obj(marked=INTEGER, unread=INTEGER),
        [],
    ),
    (
        "put",
        "/consultations/{c}/watch",
        "Watch a consultation",
        None,
        200,
        obj(watching=BOOLEAN, consultation=STRING),
        [],
    ),
    (
        "delete",
        "/consultations/{c}/watch",
        "Stop watching a consultation",
        None,
        200,
        obj(watching=BOOLEAN, consultation=STRING),
        [],
    ),
    ("put", "/pages/{p}/watch", "Watch a page", None, 200, obj(watching=BOOLEAN, page=STRING), []),
    ("delete", "/pages/{p}/watch", "Stop watching a page", None, 200, obj(watching=BOOLEAN, page=STRING), []),
    ("get", "/watchlist", "What you watch", None, 200, _listing("Watched"), PAGINATION),
    # The consultation record (read-only; the audit log has no write routes at all).
    (
        "get",
        "/consultations/{c}/history",
        "Timeline of every contribution and decision, newest first",
        None,
        200,
        _listing("TimelineItem"),
        PAGINATION,
    ),
    (
        "get",
        "/consultations/{c}/report",
        "Outcome report: we asked, you said, we did",
        None,
        200,
        ref("Report"),
        [],
    ),
    *PEOPLE_OPERATIONS,
    (
        "get",
        "/users/{name}/contributions",
        "Revisions, proposals and comments by a person, in what you may read",
        None,
        200,
        _listing("TimelineItem"),
        PAGINATION,
    ),
    (
        "get",
        "/consultations/{c}/audit",
        "The consultation's audit log (its officials, site officials, admins)",
        None,
        200,
        _listing("AuditEvent"),
        PAGINATION,
    ),
    (
        "get",
        "/audit",
        "The site-wide audit log (site officials and admins)",
        None,
        200,
        _listing("AuditEvent"),
        PAGINATION,
    ),
    ("get", "/openapi.json", "This document", None, 200, {"type": "object"}, []),
    *COMMENT_OPERATIONS,
    *INBOX_OPERATIONS,
    *INVITATION_OPERATIONS,
    *MAIL_OPERATIONS,
    *MODERATION_OPERATIONS,
    *SEARCH_OPERATIONS,
]

ERRORS = {
    "400": "bad_request",
    "401": "unauthenticated",
    "403": "forbidden or consultation_closed",
    "404": "not_found",
    "409": "edit_conflict, slug_taken, invalid_transition, already_merged, not_open, proposal_changed, "
    "already_flagged, already_hidden, not_hidden, no_open_flags, comment_gone, invitation_accepted, "
    "invitation_revoked",
    "413": "too_large",
    "422": "invalid",
    "429": "rate_limited",
}


#: errors only some paths answer with
PATH_ERRORS = {**SEARCH_ERRORS, **INVITATION_ERRORS}


def _path_parameters(path: str) -> list[dict]:
    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    kinds = {"n": INTEGER, "id": INTEGER}
    return [{"name": n, "in": "path", "required": True, "schema": kinds.get(n, STRING)} for n in names]


#: responses that are not plain JSON
MEDIA_TYPES = {"/pages/{p}/annotations": "application/ld+json"}


def _operation(method, path, summary, request, status, response, parameters) -> dict:
    media_type = MEDIA_TYPES.get(path, "application/json")
    operation = {
        "summary": summary,
        "operationId": f"{method}_{path.strip('/').replace('/', '_').replace('{', '').replace('}', '').replace('.', '_')}",
        "parameters": _path_parameters(path) + parameters,
        "responses": {
            str(status): {"description": "success", "content": {media_type: {"schema": response}}},
            **{
                code: {"description": why, "content": {"application/json": {"schema": ref("Error")}}}
                for code, why in {**ERRORS, **PATH_ERRORS.get(path, {})}.items()
            },
        },
    }
    if request:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": ref(request)}},
        }
    return with_validators(operation, path, str(status)) if method == "get" else operation


def document(server_url: str) -> dict:
    paths: dict[str, dict] = {}
    for method, path, *rest in OPERATIONS:
        paths.setdefault(path, {})[method] = _operation(method, path, *rest)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "GovWiki API",
            "version": "1",
            "description": "Open data and participation API of GovWiki.",
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{}, {"bearer": []}],
    }


@routes.get("/openapi.json")
def openapi_document():
    return jsonify(document(url_for("api.openapi_document", _external=True).rsplit("/", 1)[0]))

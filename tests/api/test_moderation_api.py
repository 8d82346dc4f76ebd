"""API: reporting comments (once per person), the moderation queue, hiding with a public reason,
showing again and dismissing reports; who may do each; what the audit log keeps."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from sqlalchemy import func, select

from govwiki.extensions import db
from govwiki.models import AuditEvent, CommentFlag, Page
from govwiki.services import audit, comments, consultations

BASE = "Vendors apply for a permit.\n\nThe notice period is 30 days.\n"


@pytest.fixture
def consultation(make_consultation):
    return make_consultation(slug="rules", edit_policy="comment")


@pytest.fixture
def page(make_page, consultation):
    return make_page(consultation, body=BASE, title="Market rules")


@pytest.fixture
def resident(make_user):
    return make_user("resident", "rosa", display_name="Rosa")


@pytest.fixture
def comment(session, page, make_user):
    author = make_user("resident", "omar", display_name="Omar")
    return comments.post_comment(session, author, page, body="Vendors are thieves, all of them.").id


def _flag(client, headers, comment_id, reason="Insulting vendors."):
    return client.post(f"/api/v1/comments/{comment_id}/flag", headers=headers, json={"reason": reason})


def _hide(client, headers, comment_id, reason="Insults other people."):
    return client.post(f"/api/v1/comments/{comment_id}/hide", headers=headers, json={"reason": reason})


def _queue(client, headers, slug="rules"):
    return client.get(f"/api/v1/consultations/{slug}/moderation", headers=headers)


# --- flags ------------------------------------------------------------------------------------


def test_a_signed_in_reader_flags_a_comment(client, comment, resident, bearer):
    response = _flag(client, bearer(resident), comment)
    data = response.get_json()
    assert response.status_code == 201
    assert data["comment"] == comment and data["reason"] == "Insulting vendors." and "by" not in data


def test_a_second_flag_by_the_same_person_is_409_already_flagged(client, comment, resident, bearer):
    headers = bearer(resident)
    assert _flag(client, headers, comment).status_code == 201
    response = _flag(client, headers, comment, "Still insulting.")
    error = response.get_json()["error"]
    assert response.status_code == 409 and error["code"] == "already_flagged"
    assert "already reported" in error["message"]


def test_concurrent_flags_by_one_person_count_once(app, comment, resident, bearer):
    headers = bearer(resident)
    start = Barrier(4)

    def flag(_):
        with app.app_context():
            start.wait()
            return _flag(app.test_client(), headers, comment).status_code

    with ThreadPoolExecutor(4) as pool:
        codes = sorted(pool.map(flag, range(4)))
    assert codes == [201, 409, 409, 409]
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(CommentFlag.comment_id == comment)) == 1


@pytest.mark.parametrize(
    "reason, problem",
    [
        (None, "required"),
        ("", "required"),
        ("   ", "required"),
        (42, "must be text"),
        ("x" * 1001, "at most"),
    ],
)
def test_a_flag_needs_a_reason_of_at_most_1000_characters(client, comment, resident, bearer, reason, problem):
    response = client.post(
        f"/api/v1/comments/{comment}/flag", headers=bearer(resident), json={"reason": reason}
    )
    assert response.status_code == 422
    assert problem in response.get_json()["error"]["fields"]["reason"]


def test_a_reason_of_1000_characters_is_taken(client, comment, resident, bearer):
    assert _flag(client, bearer(resident), comment, "x" * 1000).status_code == 201


def test_flagging_needs_a_sign_in(client, comment):
    assert _flag(client, {}, comment).status_code == 401


def test_flags_are_taken_after_the_consultation_closed(
    client, session, consultation, official, comment, resident, bearer
):
    consultations.update_consultation(session, official, consultation, {"status": "closed"})
    assert _flag(client, bearer(resident), comment).status_code == 201


def test_a_hidden_comment_cannot_be_flagged(client, comment, official, resident, bearer):
    _hide(client, bearer(official), comment)
    response = _flag(client, bearer(resident), comment)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "comment_gone"


def test_unknown_fields_in_a_flag_are_refused(client, comment, resident, bearer):
    response = client.post(
        f"/api/v1/comments/{comment}/flag", headers=bearer(resident), json={"reason": "x", "why": 1}
    )
    assert response.status_code == 422 and response.get_json()["error"]["fields"] == {"why": "unknown field"}


# --- the queue ----------------------------------------------------------------------------------


def test_the_queue_lists_flagged_comments_newest_report_first_with_reasons_and_counts(
    client, session, page, comment, official, resident, make_user, bearer
):
    other = comments.post_comment(session, make_user("resident", "lili"), page, body="Second comment").id
    _flag(client, bearer(resident), comment, "Rude.")
    _flag(client, bearer(make_user("resident", "zhou")), comment, "Insulting.")
    _flag(client, bearer(resident), other, "Spam.")
    data = _queue(client, bearer(official)).get_json()
    assert data["total"] == 2 and [item["comment"]["id"] for item in data["items"]] == [other, comment]
    first, second = data["items"][1], data["items"][0]
    assert first["open_flags"] == 2 and [f["reason"] for f in first["flags"]] == ["Insulting.", "Rude."]
    assert first["flags"][1]["by"]["username"] == "rosa"
    assert first["comment"]["body"] == "Vendors are thieves, all of them."
    assert second["open_flags"] == 1


def test_comments_without_open_flags_are_not_in_the_queue(client, comment, official, bearer):
    data = _queue(client, bearer(official)).get_json()
    assert data == {"items": [], "page": 1, "per_page": 50, "total": 0}


@pytest.mark.parametrize(
    "who, status", [("anonymous", 401), ("resident", 403), ("other_official", 403), ("expert", 403)]
)
def test_only_the_consultations_officials_read_the_queue(
    client, session, consultation, comment, who, status, resident, make_user, bearer
):
    people = {"resident": resident, "other_official": make_user("official"), "expert": make_user()}
    if who == "expert":
        consultations.add_member(session, consultation.created_by, consultation, people["expert"], "expert")
    headers = bearer(people[who]) if who != "anonymous" else {}
    assert _queue(client, headers).status_code == status


def test_the_queue_of_a_consultation_one_may_not_read_is_404(client, make_consultation, make_user, bearer):
    make_consultation(slug="secret", status="draft")
    assert _queue(client, bearer(make_user("official")), "secret").status_code == 404


def test_an_admin_reads_every_queue(client, comment, make_user, bearer):
    assert _queue(client, bearer(make_user("admin"))).status_code == 200


# --- hide, unhide, dismiss ----------------------------------------------------------------------


def test_hiding_replaces_the_text_for_readers_and_resolves_the_open_flags(
    client, session, comment, official, resident, bearer
):
    _flag(client, bearer(resident), comment)
    response = _hide(client, bearer(official), comment)
    data = response.get_json()
    assert response.status_code == 200
    assert data["status"] == "hidden" and data["hidden_reason"] == "Insults other people."
    assert data["body"] == "Vendors are thieves, all of them."  # the official still reads it
    public = client.get(f"/api/v1/comments/{comment}").get_json()
    assert public["status"] == "hidden" and public["hidden_reason"] == "Insults other people."
    assert "body" not in public and "html" not in public
    assert _queue(client, bearer(official)).get_json()["total"] == 0
    assert session.scalar(select(func.count()).where(CommentFlag.resolved_at.is_(None))) == 0


def test_hiding_bumps_the_pages_discussion_version(client, session, page, comment, official, bearer):
    before = session.scalar(select(Page.discussion_version).where(Page.id == page.id))
    _hide(client, bearer(official), comment)
    session.expire_all()
    assert session.scalar(select(Page.discussion_version).where(Page.id == page.id)) == before + 1


@pytest.mark.parametrize("reason", [None, "", "  \n", "x" * 1001])
def test_hiding_needs_a_public_reason(client, comment, official, bearer, reason):
    response = client.post(
        f"/api/v1/comments/{comment}/hide", headers=bearer(official), json={"reason": reason}
    )
    assert response.status_code == 422 and "reason" in response.get_json()["error"]["fields"]
    assert client.get(f"/api/v1/comments/{comment}").get_json()["status"] == "visible"


def test_hiding_twice_is_409(client, comment, official, bearer):
    _hide(client, bearer(official), comment)
    response = _hide(client, bearer(official), comment)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "already_hidden"


def test_a_deleted_comment_cannot_be_hidden(client, session, comment, official, bearer):
    comments.delete_comment(session, _author(comment), comments.load_comment(session, None, comment))
    response = _hide(client, bearer(official), comment)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "comment_gone"


def test_unhiding_shows_the_text_again(client, comment, official, bearer):
    _hide(client, bearer(official), comment)
    response = client.post(f"/api/v1/comments/{comment}/unhide", headers=bearer(official))
    assert response.status_code == 200 and response.get_json()["status"] == "visible"
    public = client.get(f"/api/v1/comments/{comment}").get_json()
    assert public["body"] == "Vendors are thieves, all of them." and "hidden_reason" not in public


def test_unhiding_a_visible_comment_is_409(client, comment, official, bearer):
    response = client.post(f"/api/v1/comments/{comment}/unhide", headers=bearer(official))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "not_hidden"


def test_dismissing_closes_the_flags_and_keeps_the_comment(
    client, comment, official, resident, make_user, bearer
):
    _flag(client, bearer(resident), comment)
    _flag(client, bearer(make_user()), comment)
    response = client.post(f"/api/v1/comments/{comment}/dismiss-flags", headers=bearer(official))
    assert response.status_code == 200 and response.get_json() == {
        "id": comment,
        "dismissed": 2,
        "open_flags": 0,
    }
    assert _queue(client, bearer(official)).get_json()["total"] == 0
    assert client.get(f"/api/v1/comments/{comment}").get_json()["status"] == "visible"


def test_dismissing_without_open_flags_is_409(client, comment, official, bearer):
    response = client.post(f"/api/v1/comments/{comment}/dismiss-flags", headers=bearer(official))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "no_open_flags"


@pytest.mark.parametrize("action", ["hide", "unhide", "dismiss-flags"])
@pytest.mark.parametrize(
    "who, status", [("anonymous", 401), ("resident", 403), ("other_official", 403), ("author", 403)]
)
def test_only_the_consultations_officials_moderate(
    client, comment, resident, make_user, bearer, action, who, status
):
    people = {"resident": resident, "other_official": make_user("official"), "author": _author(comment)}
    headers = bearer(people[who]) if who != "anonymous" else {}
    response = client.post(
        f"/api/v1/comments/{comment}/{action}",
        headers=headers,
        json={"reason": "Because."} if action == "hide" else {},
    )
    assert response.status_code == status


def _author(comment_id):
    return comments.load_comment(db.session, None, comment_id).author


@pytest.mark.parametrize("action", ["flag", "hide", "unhide", "dismiss-flags"])
def test_moderating_a_comment_one_may_not_read_is_404(
    client, session, make_consultation, make_page, make_user, bearer, action
):
    private = make_page(make_consultation(slug="secret", status="draft"), title="Secret")
    hidden = comments.post_comment(session, private.consultation.created_by, private, body="Secret words").id
    response = client.post(
        f"/api/v1/comments/{hidden}/{action}",
        headers=bearer(make_user("official")),
        json={"reason": "x"} if action in ("flag", "hide") else {},
    )
    assert response.status_code == 404


# --- the audit log ------------------------------------------------------------------------------


def test_hide_unhide_and_dismiss_are_in_the_audit_log_without_the_text(
    client, session, comment, official, resident, bearer
):
    headers = bearer(official)
    _flag(client, bearer(resident), comment)
    _hide(client, headers, comment)
    client.post(f"/api/v1/comments/{comment}/unhide", headers=headers)
    _flag(client, bearer(official), comment, "Let me look again.")
    client.post(f"/api/v1/comments/{comment}/dismiss-flags", headers=headers)
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.subject_type == "comment").order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.subject_id, e.actor_id) for e in events] == [
        ("comment_hidden", str(comment), official.id),
        ("comment_unhidden", str(comment), official.id),
        ("comment_flags_dismissed", str(comment), official.id),
    ]
    assert events[0].details == {"page": "market-rules", "reason": "Insults other people.", "flags": 1}
    assert events[1].details == {"page": "market-rules", "reason": "Insults other people."}
    assert events[2].details == {"page": "market-rules", "flags": 1}
    assert all("thieves" not in str(e.details) for e in events)
    assert audit.verify(session) == []


def test_a_refused_hide_records_nothing(client, session, comment, official, bearer):
    client.post(f"/api/v1/comments/{comment}/hide", headers=bearer(official), json={"reason": ""})
    assert (
        session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.subject_type == "comment")
        )
        == 0
    )


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_FLAGS="1/minute")
def test_flags_are_rate_limited(client, session, page, comment, resident, bearer):
    second = comments.post_comment(session, page.consultation.created_by, page, body="Another one.").id
    headers = bearer(resident)
    assert _flag(client, headers, comment).status_code == 201
    response = _flag(client, headers, second)
    assert response.status_code == 429 and response.get_json()["error"]["code"] == "rate_limited"
    assert "Retry-After" in response.headers

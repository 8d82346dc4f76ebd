"""The command line of API.md."""

from govwiki.models import ApiToken, Consultation, Page, User
from govwiki.services import accounts


def test_create_user_with_role(runner, session):
    result = runner.invoke(
        args=[
            "govwiki",
            "create-user",
            "ada",
            "--email",
            "ada@example.org",
            "--password",
            "password123",
            "--role",
            "official",
        ]
    )
    assert result.exit_code == 0
    assert session.query(User).filter_by(username="ada").one().role == "official"


def test_an_account_made_on_the_command_line_counts_as_verified(runner, session):
    result = runner.invoke(
        args=["govwiki", "create-user", "ada", "--email", "ada@example.org", "--password", "password123"]
    )
    assert result.exit_code == 0
    user = session.query(User).filter_by(username="ada").one()
    assert user.email_verified_at is not None and user.password_hash.startswith("$argon2id$")


def test_create_user_with_a_bad_email_fails_with_one_line(runner):
    result = runner.invoke(
        args=["govwiki", "create-user", "ada", "--email", "nope", "--password", "password123"]
    )
    assert result.exit_code != 0 and "email" in result.output and len(result.output.strip().splitlines()) == 1


def test_set_role(runner, make_user, session):
    user = make_user()
    result = runner.invoke(args=["govwiki", "set-role", user.username, "admin"])
    session.expire_all()
    assert result.exit_code == 0 and session.get(User, user.id).role == "admin"


def test_set_role_rejects_unknown_role(runner, make_user):
    result = runner.invoke(args=["govwiki", "set-role", make_user().username, "king"])
    assert result.exit_code != 0 and "role" in result.output


def test_set_role_of_unknown_user_fails(runner):
    assert runner.invoke(args=["govwiki", "set-role", "ghost", "admin"]).exit_code != 0


def test_create_token_prints_a_working_token_last_and_stores_only_its_hash(
    runner, make_user, session, client
):
    user = make_user()
    result = runner.invoke(args=["govwiki", "create-token", user.username])
    token = result.output.strip().splitlines()[-1]
    assert result.exit_code == 0
    assert accounts.user_for_token(session, token).id == user.id
    assert all(token not in row.token_hash for row in session.query(ApiToken))
    assert (
        client.get("/api/v1/consultations", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )


def test_demo_loads_once(runner, session):
    first = runner.invoke(args=["govwiki", "demo"])
    second = runner.invoke(args=["govwiki", "demo"])
    assert first.exit_code == 0 and second.exit_code == 0 and "already" in second.output
    assert session.query(Consultation).count() == 2
    rules = session.query(Page).filter_by(slug="draft-rules").one()
    assert rules.head_number >= 4


def test_demo_shows_merged_rejected_and_open_suggestions(runner, session):
    from govwiki.models import Proposal

    runner.invoke(args=["govwiki", "demo"])
    assert sorted(p.status for p in session.query(Proposal)) == ["merged", "open", "rejected"]


def test_demo_consultations_show_their_pages_first_revisions_as_opened(runner, client):
    runner.invoke(args=["govwiki", "demo"])
    for slug, page in (
        ("street-vending-rules-2027", "draft-rules"),
        ("community-markets-2027", "market-rules"),
    ):
        report = client.get(f"/api/v1/consultations/{slug}/report").get_json()
        assert all(p["opened_revision"] == 1 for p in report["pages"])
        html = client.get(f"/consultations/{slug}/changes").get_data(as_text=True)
        assert f'href="/pages/{page}/revisions/1"' in html and "None:" not in html
        assert "as opened: revision 1" in client.get(f"/consultations/{slug}/report.md").get_data(
            as_text=True
        )


def test_demo_audit_log_verifies(runner):
    runner.invoke(args=["govwiki", "demo"])
    result = runner.invoke(args=["govwiki", "verify-audit"])
    assert result.exit_code == 0 and "intact" in result.output


def test_suspend_and_unsuspend_from_the_command_line(runner, make_user, session):
    from govwiki.models import AuditEvent

    user = make_user()
    result = runner.invoke(args=["govwiki", "suspend", user.username, "--reason", "Spam."])
    session.expire_all()
    assert result.exit_code == 0 and session.get(User, user.id).suspended_reason == "Spam."
    assert runner.invoke(args=["govwiki", "unsuspend", user.username]).exit_code == 0
    session.expire_all()
    assert session.get(User, user.id).suspended_at is None
    events = session.query(AuditEvent).order_by(AuditEvent.id).all()
    assert [(e.action, e.actor_id, e.subject_id) for e in events] == [
        ("user_suspended", None, user.username),
        ("user_unsuspended", None, user.username),
    ]


def _one_line_failure(result) -> bool:
    return result.exit_code != 0 and len(result.output.strip().splitlines()) == 1


def test_suspend_without_a_reason_fails_with_one_line(runner, make_user):
    name = make_user().username
    assert _one_line_failure(runner.invoke(args=["govwiki", "suspend", name]))
    assert _one_line_failure(runner.invoke(args=["govwiki", "suspend", name, "--reason", "  "]))


def test_suspend_or_unsuspend_of_unknown_people_fails_with_one_line(runner):
    assert _one_line_failure(runner.invoke(args=["govwiki", "suspend", "ghost", "--reason", "x"]))
    assert _one_line_failure(runner.invoke(args=["govwiki", "unsuspend", "ghost"]))


def test_suspending_twice_or_lifting_nothing_fails_with_one_line(runner, make_user):
    name = make_user().username
    assert _one_line_failure(runner.invoke(args=["govwiki", "unsuspend", name]))
    runner.invoke(args=["govwiki", "suspend", name, "--reason", "Spam."])
    result = runner.invoke(args=["govwiki", "suspend", name, "--reason", "Spam."])
    assert _one_line_failure(result) and "already suspended" in result.output

"""Every route of the app, from its URL map, against people who may not see a private
consultation (SECURITY 4 and 6): nothing about it leaks or changes, whatever route is asked.

Two private consultations are run by someone else: a draft, and an open consultation visible to
invited people only. Each rule is requested with each of its methods (writes with an empty
body), its variables filled by name with one private consultation's page, slug, revision,
proposal, and its people's token and notification, by someone signed out, by an unrelated
resident, by an official of another consultation, by an expert (an accepted invitation) of
another consultation and by someone whose invitation to these two was revoked unused. The
answer must be a refusal (404, 401, 403, 405, a redirect to sign-in, or 400/422 for an empty
write), the same answer as for something that does not exist, never a 5xx, and the body must
not hold any private title or text. A read (GET) of a private object must be exactly 404,
signed in or not: no sign-in detour, no 403, nothing that tells it exists. Routes that are
public by design are listed in PUBLIC with the reason; a new route that answers 200 and is not
listed fails here until someone decides whether it is public.
"""

from __future__ import annotations

import tempfile
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from govwiki import create_app
from govwiki.extensions import db as _db
from govwiki.models import ApiToken, Consultation, Notification, OutgoingMail, Page, Proposal, Watch
from govwiki.models import RememberedDevice, UserSession
from govwiki.services import accounts, comments, consultations, invitations, notifications, pages, proposals
from govwiki.services import sign_in_sessions
from tests import matrix
from tests.sessions import plant_session

#: endpoint → why it answers 200 to anyone (these still must not leak anything private)
PUBLIC = {
    "consultations.home": "the list of what the visitor may read",
    "consultations.new": "officials open consultations; others are refused or sent to sign in",
    "auth.login": "sign-in form",
    "auth.register": "registration form",
    "auth.forgot": "asking for a password reset link (the same answer for every account)",
    "auth.logout": "signing out",
    "devices.show": "the visitor's own sessions and remembered devices",
    "settings.profile": "the visitor's own settings",
    "settings.save_profile": "the visitor's own profile",
    "settings.password": "the visitor's own password",
    "settings.email": "the visitor's own e-mail address",
    "settings.resend_verification": "the visitor's own e-mail address",
    "settings.tokens": "the visitor's own tokens",
    "notifications.index": "the visitor's own notifications",
    "notifications.mark_all_read": "the visitor's own notifications",
    "notifications.watchlist": "the visitor's own watchlist",
    "records.site_audit": "the site audit log for officials, filtered to what they may read",
    "records.contributions": "people's contributions, filtered to what the visitor may read",
    "people.profile": "people's public profiles: roles and contributions filtered to what the visitor may read",
    "api.openapi_document": "the API description",
    "api.list_consultations": "the list of what the caller may read",
    "api.create_consultation": "officials open consultations",
    "api.site_audit": "the site audit log for officials, filtered to what they may read",
    "api.user_contributions": "people's contributions, filtered to what the caller may read",
    "api.user_profile": "people's public profiles: roles filtered to what the caller may read",
    "api.search": "search over what the caller may read",
    "search.results": "search over what the visitor may read",
    "pages.preview": "renders the Markdown sent with it, as a page would; reads nothing stored",
    "api.list_notifications": "the caller's own notifications",
    "api.mark_read": "the caller's own notifications",
    "api.watchlist": "the caller's own watchlist",
    "mail_settings.edit": "the visitor's own mail choices",
    "api.get_mail_preferences": "the caller's own mail choices",
    "api.put_mail_preferences": "the caller's own mail choices",
}

#: endpoints that serve fixed files from static/, the same to everyone (not text to search for secrets)
FILES = {"static", "consultations.favicon"}
KINDS = ("draft", "invited")
ROLES = ("anonymous", "resident", "other_official", "other_expert", "revoked_guest")
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
#: words written only in the private consultations (titles, summary, text, proposal)
SECRETS = {
    "draft": ("Zanzibar", "Quokka", "Narwhal", "Pangolin"),
    "invited": ("Timbuktu", "Axolotl", "Okapi", "Capybara"),
}
#: variables that name something private (a username is public)
PRIVATE_VARIABLES = {
    "slug",
    "number",
    "proposal_id",
    "comment_id",
    "token_id",
    "notification_id",
    "invitation_id",
    "mail_id",
    "session_id",
    "device_id",
}
#: an invitation link's token is the invited person's key: visitors only ever hold a wrong one
WRONG_TOKEN = "not-a-token-anyone-was-sent"
#: stands in for every private identifier when asking about something that does not exist
GHOST = {"slug": "no-such-thing", "int": 2_147_480_000}


def _rules():
    with tempfile.TemporaryDirectory() as instance:
        app = create_app(
            {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance=instance
        )
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.endpoint not in FILES), key=lambda r: r.rule
    )


def _cases():
    for rule in _rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            # a rule that names nothing private is asked once; its answer is checked against both
            for kind in KINDS if rule.arguments & PRIVATE_VARIABLES else ("any",):
                for role in ROLES:
                    yield pytest.param(
                        rule.rule, rule.endpoint, method, kind, role, id=f"{method} {rule.rule} {kind} {role}"
                    )


@pytest.fixture(scope="module")
def app(database_url, _schema, tmp_path_factory):
    yield from matrix.module_app(database_url, str(tmp_path_factory.mktemp("instance")))


@pytest.fixture(scope="module")
def world(app):
    """The private consultations (kind → the values naming its things) and the visitors."""
    s = _db.session
    owner = accounts.register_user(
        s, "private-owner", "private-owner@example.org", "password123", role="official"
    )
    expert = accounts.register_user(s, "private-expert", "private-expert@example.org", "password123")
    accounts.create_token(s, owner, "owner's tool")
    signed_in = sign_in_sessions.start_session(s, owner, user_agent="Firefox/1 (Linux)", remember=True)
    private = {kind: _private(s, owner, expert, kind, SECRETS[kind]) for kind in KINDS}
    for values in private.values():
        values["session"] = signed_in.session_id
        values["device"] = s.scalar(
            select(UserSession.device_id).where(UserSession.id == signed_in.session_id)
        )
    visitors = {
        "resident": _visitor(s, "outside-resident", "resident"),
        "other_official": _visitor(s, "outside-official", "official"),
        "other_expert": _expert_elsewhere(s, owner),
        "revoked_guest": _revoked_guest(s, owner),
    }
    return private, visitors


def _private(session, owner, expert, kind: str, words) -> dict:
    """A consultation run by `owner` with `expert` invited: its page at revision 2 (which notified
    the expert), and a proposal by the expert."""
    title, page_title, text, idea = words
    consultation = consultations.create_consultation(
        session,
        owner,
        title=f"{title} harbour plan",
        summary=f"{page_title} summary",
        slug=f"c-{kind}",
        edit_policy="suggest",
        visibility="invited" if kind == "invited" else "public",
    )
    consultations.add_member(session, owner, consultation, expert, "expert")
    if kind == "invited":
        consultations.update_consultation(session, owner, consultation, {"status": "open"})
    page = pages.create_page(
        session, owner, consultation, title=f"{page_title} rules", body=f"{text} text.\n", slug=f"p-{kind}"
    )
    notifications.watch(session, expert, page=page)
    pages.save_page(session, owner, page, body=f"{text} text, revised.\n", base_revision=1)
    proposal = proposals.submit_proposal(
        session, expert, page, body=f"{text} text, proposed.\n", summary=f"{idea} idea", base_revision=2
    )
    comment = comments.post_comment(session, expert, page, body=f"{idea} comment on the {text} text")
    invitation, _ = invitations.invite(
        session,
        owner,
        consultation,
        email=f"{kind}-guest@example.org",
        note=f"{idea} note",
        link=lambda token: token,
    )
    notification = session.scalar(
        select(Notification.id).where(Notification.user_id == expert.id, Notification.page_id == page.id)
    )
    assert notification is not None, "the expert should have been notified of revision 2"
    return {
        "consultation": consultation.slug,
        "page": page.slug,
        "number": 1,
        "proposal": proposal.id,
        "comment": comment.id,
        "name": owner.username,
        "notification": notification,
        "invitation": invitation.id,
        "mail": session.scalar(select(func.max(OutgoingMail.id))),
        "token": session.scalar(select(ApiToken.id).where(ApiToken.user_id == owner.id)),
        "ids": (consultation.id, page.id, owner.id, expert.id),
    }


def _visitor(session, name: str, role: str) -> matrix.Person:
    user = accounts.register_user(session, name, f"{name}@example.org", "password123", role=role)
    if role == "official":
        consultations.create_consultation(session, user, title="Somewhere public")
    return matrix.Person(user.id, user.username, accounts.create_token(session, user, "visitor"))


def _expert_elsewhere(session, owner) -> matrix.Person:
    """An expert by an accepted invitation, of a public consultation of the same official."""
    user = accounts.register_user(session, "outside-expert", "outside-expert@example.org", "password123")
    elsewhere = consultations.create_consultation(session, owner, title="Open harbour", slug="c-open")
    _, token = invitations.invite(session, owner, elsewhere, email=user.email, link=lambda token: token)
    invitations.accept(session, user, token)
    return matrix.Person(user.id, user.username, accounts.create_token(session, user, "visitor"))


def _revoked_guest(session, owner) -> matrix.Person:
    """Someone invited to both private consultations whose invitations were revoked unused."""
    user = accounts.register_user(session, "revoked-guest", "revoked-guest@example.org", "password123")
    for kind in KINDS:
        consultation = session.scalar(select(Consultation).where(Consultation.slug == f"c-{kind}"))
        invitation, _ = invitations.invite(
            session, owner, consultation, email=user.email, link=lambda token: token
        )
        invitations.revoke(session, owner, invitation)
    return matrix.Person(user.id, user.username, accounts.create_token(session, user, "visitor"))


@pytest.fixture(scope="module")
def engine(database_url, app):
    engine = matrix.rollback_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine, world, monkeypatch):
    with matrix.rolled_back(engine, monkeypatch) as connection:
        yield connection


#: integer variables → what they name in a private consultation's values
NUMBERS = {
    "number": "number",
    "proposal_id": "proposal",
    "comment_id": "comment",
    "token_id": "token",
    "notification_id": "notification",
    "invitation_id": "invitation",
    "mail_id": "mail",
    "session_id": "session",
    "device_id": "device",
}


def url_values(rule: str, arguments, values: dict, *, ghost: bool = False) -> dict:
    """Fill each variable of the rule by its name from one private consultation (or with ghosts)."""
    filled = {}
    for name in arguments:
        if name == "slug" and "pages/<slug>" in rule:
            filled[name] = GHOST["slug"] if ghost else values["page"]
        elif name == "slug" and "consultations/<slug>" in rule:
            filled[name] = GHOST["slug"] if ghost else values["consultation"]
        elif name == "name":
            filled[name] = values["name"]  # people are public; their private work is not
        elif name == "token":
            filled[name] = WRONG_TOKEN
        elif name in NUMBERS:
            filled[name] = GHOST["int"] if ghost else values[NUMBERS[name]]
        else:
            raise AssertionError(f"{rule}: no value for <{name}>; teach url_values about it")
    return filled


def build(rule, values: dict, *, ghost: bool = False) -> str:
    """The path of `rule` with its variables filled."""
    return rule.build(url_values(rule.rule, rule.arguments, values, ghost=ghost), append_unknown=False)[1]


def private_state(connection, private: dict) -> list:
    """Everything a visitor must not be able to change about the private consultations."""
    return [_state(connection, *values["ids"]) for values in private.values()]


def _state(connection, consultation_id: int, page_id: int, owner_id: int, expert_id: int) -> tuple:
    watches = (
        select(func.count())
        .select_from(Watch)
        .where((Watch.consultation_id == consultation_id) | (Watch.page_id == page_id))
    )
    return (
        connection.execute(
            select(
                Consultation.status,
                Consultation.title,
                Consultation.summary,
                Consultation.edit_policy,
                Consultation.visibility,
                Consultation.closes_at,
            ).where(Consultation.id == consultation_id)
        ).one(),
        connection.execute(select(Page.head_number, Page.title).where(Page.id == page_id)).one(),
        tuple(connection.scalars(select(Proposal.status).where(Proposal.page_id == page_id))),
        tuple(connection.scalars(select(ApiToken.revoked_at).where(ApiToken.user_id == owner_id))),
        tuple(connection.scalars(select(UserSession.ended_at).where(UserSession.user_id == owner_id))),
        tuple(
            connection.scalars(select(RememberedDevice.ended_at).where(RememberedDevice.user_id == owner_id))
        ),
        tuple(connection.scalars(select(Notification.read_at).where(Notification.user_id == expert_id))),
        connection.scalar(watches),
    )


def ask(client, method: str, path: str, visitor: matrix.Person | None):
    """Request `path` as the visitor: a bearer token on the API, a session on the web pages."""
    api = path.startswith("/api/")
    headers = {"Authorization": f"Bearer {visitor.token}"} if visitor and api else {}
    if visitor and not api:
        plant_session(client, visitor.id)
    body = ({"json": {}} if api else {"data": {}}) if method in WRITES else {}
    return client.open(path, method=method, headers=headers, **body)


def is_refusal(response, method: str) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    if response.status_code in (400, 422) and method in WRITES:
        return True
    return response.status_code in (302, 303) and urlsplit(response.location).path == "/login"


@pytest.mark.parametrize("rule, endpoint, method, kind, role", list(_cases()))
def test_route_keeps_private_consultations_private(
    app, client, connection, world, rule, endpoint, method, kind, role
):
    private, visitors = world
    values, visitor = private.get(kind, private["draft"]), visitors.get(role)
    werkzeug_rule = next(r for r in app.url_map.iter_rules(endpoint) if r.rule == rule)
    path = build(werkzeug_rule, values)
    before = private_state(connection, private)

    response = ask(client, method, path, visitor)

    text = response.get_data(as_text=True)
    assert response.status_code < 500, text[:500]
    shown = [word for words in SECRETS.values() for word in words if word in text]
    assert not shown, f"{method} {path} shows private text: {shown}"
    assert private_state(connection, private) == before, f"{method} {path} changed something private"
    if endpoint not in PUBLIC:
        assert is_refusal(response, method), (
            f"{method} {path} answered {response.status_code}: public by design? add it to PUBLIC"
        )
    if method == "GET" and werkzeug_rule.arguments & PRIVATE_VARIABLES:
        assert response.status_code == 404, (
            f"{method} {path} answered {response.status_code}: a private object is not found (404) "
            "for whoever may not read it, signed in or not"
        )
    if werkzeug_rule.arguments & PRIVATE_VARIABLES:
        nothing = ask(client, method, build(werkzeug_rule, values, ghost=True), visitor)
        assert response.status_code == nothing.status_code, (
            f"{method} {path} answers unlike something that does not exist"
        )


@pytest.mark.parametrize("role", ROLES)
def test_search_finds_nothing_private(client, world, role):
    """Each private word, searched for on its own, by each visitor: no hit, no count."""
    _, visitors = world
    for word in [word for words in SECRETS.values() for word in words]:
        response = ask(client, "GET", f"/api/v1/search?q={word}", visitors.get(role))
        data = response.get_json()
        assert response.status_code == 200 and data["total"] == 0, (word, data)
        assert sum(data["facets"]["type"].values()) == 0, (word, data)
        web = ask(client, "GET", f"/search?q={word}", visitors.get(role)).get_data(as_text=True)
        assert "search-hit" not in web, word

"""Rate limits on the web: a burst over a kind's limit is refused, the form comes back with the
text, the web and the API share one count per person, and signed-out clients count by address."""

from __future__ import annotations

from html import unescape

import pytest
from flask import Blueprint

from govwiki.rate_limits import limit
from govwiki.services import pages
from tests.web.conftest import XSS, escaped, multipart

BASE = "Article 1. Stalls open at six.\n"


@pytest.fixture
def limits_as_in_production(app_config):
    """The limiter as a deployment has it: on unless configured off (the suite turns it off)."""
    del app_config["RATELIMIT_ENABLED"]


def edit(client, page, body, base=1, summary="typo"):
    form = {"body": body, "base_revision": base, "summary": summary}
    return client.post(f"/pages/{page.slug}/edit", **multipart(form))


def head_number(client, page) -> int:
    return client.get(f"/api/v1/pages/{page.slug}").get_json()["head_revision"]


@pytest.mark.config(RATELIMIT_EDITS="3/minute")
def test_a_burst_of_saves_over_the_edit_limit_is_refused(limits_as_in_production, client, make_page, login):
    page = make_page(body=BASE)
    login(page.consultation.created_by)
    statuses = [edit(client, page, BASE + f"Article {n}.\n", base=n - 1).status_code for n in range(2, 6)]
    assert statuses == [302, 302, 302, 429]
    assert head_number(client, page) == 4  # the refused save made no revision


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_EDITS="1/minute")
def test_a_refused_save_shows_the_editor_again_with_the_text(client, make_page, login, text_of):
    page = make_page(body=BASE)
    login(page.consultation.created_by)
    edit(client, page, BASE + "First.\n")
    mine = BASE + "Second, with " + XSS + "\n"
    response = edit(client, page, mine, base=2, summary="my reason")
    html = unescape(text_of(response))
    assert response.status_code == 429 and 0 < int(response.headers["Retry-After"]) <= 60
    assert 'id="body"' in html and mine in html and "my reason" in html
    assert (
        "Too many in a short time: wait" in html
        and "Your edit was not saved; your text is still below." in html
    )
    assert XSS not in text_of(response) and escaped(XSS) in text_of(response)


@pytest.mark.config(RATELIMIT_EDITS="1/minute")
def test_with_redis_storage_a_refused_save_keeps_the_text(redis_limits, client, make_page, login, text_of):
    page = make_page(body=BASE)
    login(page.consultation.created_by)
    assert edit(client, page, BASE + "First.\n").status_code == 302
    response = edit(client, page, BASE + "Second, typed with care.\n", base=2)
    assert response.status_code == 429 and "Second, typed with care." in text_of(response)
    assert 'id="body"' in text_of(response)


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_PROPOSALS="1/minute")
def test_a_refused_suggestion_shows_the_form_again_with_the_text(
    client, make_page, make_user, login, text_of
):
    page = make_page(body=BASE)
    login(make_user("resident"))

    def suggest(body):
        form = {"body": body, "summary": "why", "base_revision": 1}
        return client.post(f"/pages/{page.slug}/proposals/new", **multipart(form))

    assert suggest(BASE + "Mine.\n").status_code == 302
    response = suggest(BASE + "Mine again.\n")
    html = unescape(text_of(response))
    assert response.status_code == 429 and response.headers["Retry-After"]
    assert (
        BASE + "Mine again.\n" in html and "Your suggestion was not sent; your text is still below." in html
    )


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_EDITS="1/minute")
def test_the_refusal_says_when_to_try_again_in_chinese(client, make_page, login, text_of):
    page = make_page(body=BASE)
    login(page.consultation.created_by)
    client.get("/?lang=zh")
    edit(client, page, BASE + "First.\n")
    html = text_of(edit(client, page, BASE + "Second.\n", base=2))
    assert "短时间内提交过多：请等待" in html and "Second." in html


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_EDITS="1/minute")
def test_the_edit_limit_counts_the_web_and_the_api_together(client, make_page, login, bearer):
    page = make_page(body=BASE)
    owner = page.consultation.created_by
    headers = bearer(owner)
    login(owner)
    assert edit(client, page, BASE + "On the web.\n").status_code == 302
    response = client.put(
        f"/api/v1/pages/{page.slug}", json={"body": BASE + "By API.\n", "base_revision": 2}, headers=headers
    )
    assert response.status_code == 429 and response.get_json()["error"]["code"] == "rate_limited"


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_EDITS="1/minute")
def test_a_revert_counts_as_an_edit(client, session, make_page, login):
    page = make_page(body=BASE)
    owner = page.consultation.created_by
    pages.save_page(session, owner, page, body=BASE + "More.\n", base_revision=1)
    login(owner)
    assert edit(client, page, BASE + "More.\nAgain.\n", base=2).status_code == 302
    response = client.post(f"/pages/{page.slug}/revert", data={"to_revision": 1})
    assert response.status_code == 429


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_EDITS="1/minute")
def test_each_signed_in_person_has_their_own_count(client, make_page, make_user, login):
    page = make_page(body=BASE)
    login(page.consultation.created_by)
    assert edit(client, page, BASE + "Official.\n").status_code == 302
    login(make_user("resident"))  # same address, another person
    assert edit(client, page, BASE + "Official.\nResident.\n", base=2).status_code == 302


def register(client, name, address, **headers):
    form = {"username": name, "email": f"{name}@example.org", "password": "long-enough-password"}
    return client.post("/register", data=form, environ_base={"REMOTE_ADDR": address}, headers=headers)


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_REGISTRATION="1/hour")
def test_signed_out_clients_count_by_address(client):
    assert register(client, "ann", "192.0.2.1").status_code == 200
    client.post("/logout")
    assert register(client, "bob", "192.0.2.1").status_code == 429
    assert register(client, "cem", "192.0.2.2").status_code == 200


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_REGISTRATION="1/hour", TRUSTED_PROXIES=1)
def test_behind_a_trusted_proxy_the_forwarded_address_counts(client):
    assert register(client, "ann", "127.0.0.1", **{"X-Forwarded-For": "192.0.2.1"}).status_code == 200
    client.post("/logout")
    assert register(client, "bob", "127.0.0.1", **{"X-Forwarded-For": "192.0.2.2"}).status_code == 200
    client.post("/logout")
    assert register(client, "cem", "127.0.0.1", **{"X-Forwarded-For": "192.0.2.2"}).status_code == 429


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_REGISTRATION="1/hour")
def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(client):
    assert register(client, "ann", "192.0.2.1", **{"X-Forwarded-For": "198.51.100.1"}).status_code == 200
    client.post("/logout")
    assert register(client, "bob", "192.0.2.1", **{"X-Forwarded-For": "198.51.100.2"}).status_code == 429


# Routes as the comment, support and flag routes will be decorated (web and API), to check the
# kinds and the error page before those routes exist.
probe = Blueprint("probe", __name__)


@probe.post("/probe/comments")
@limit("comments")
def comment():
    return {"ok": True}, 201


@probe.post("/probe/supports")
@limit("supports")
def support():
    return {"ok": True}, 201


@pytest.fixture
def probes(app):
    app.register_blueprint(probe)
    app.register_blueprint(probe, name="api_probe", url_prefix="/api/v1")


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_COMMENTS="1/minute", RATELIMIT_SUPPORTS="1/minute")
def test_web_429_of_any_form_hands_its_text_back(probes, client, make_user, login, text_of):
    login(make_user("resident"))
    assert client.post("/probe/comments", data={"reply-body": "first"}).status_code == 201
    response = client.post("/probe/comments", data={"reply-body": "My reply " + XSS})
    page = text_of(response)
    assert response.status_code == 429 and response.headers["Retry-After"]
    assert 'id="kept-body"' in page and escaped("My reply " + XSS) in page and XSS not in page
    assert client.post("/probe/supports").status_code == 201  # another kind, another count


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_COMMENTS="1/minute")
def test_a_kind_counts_the_web_and_the_api_together(probes, client, make_user, login, bearer):
    user = make_user("resident")
    login(user)
    assert client.post("/probe/comments", data={"body": "web"}).status_code == 201
    response = client.post("/api/v1/probe/comments", json={"body": "api"}, headers=bearer(user))
    error = response.get_json()["error"]
    assert response.status_code == 429 and error["code"] == "rate_limited" and error["your_body"] == "api"


# --- all writes together, on the web as in the API ------------------------------------------------


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_WRITES="3/minute")
def test_web_writes_without_a_kind_of_their_own_count_against_the_write_limit(client, make_page, login):
    page = make_page(body=BASE)
    login(page.consultation.created_by)
    paths = ["watch", "unwatch", "watch", "unwatch"]
    statuses = [client.post(f"/pages/{page.slug}/{path}").status_code for path in paths]
    assert statuses == [302, 302, 302, 429]


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_WRITES="2/minute")
def test_the_write_limit_counts_the_web_and_the_api_together(client, make_page, login, bearer):
    page = make_page(body=BASE)
    owner = page.consultation.created_by
    login(owner)
    assert client.post(f"/pages/{page.slug}/watch").status_code == 302
    assert client.put(f"/api/v1/pages/{page.slug}/watch", headers=bearer(owner)).status_code == 200
    assert client.post(f"/pages/{page.slug}/unwatch").status_code == 429


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_WRITES="1/minute")
def test_a_suggestion_edit_refused_by_the_write_limit_shows_its_form_with_the_text(
    client, session, make_page, make_user, login, text_of
):
    from govwiki.services import proposals

    page = make_page(body=BASE)
    resident = make_user("resident")
    proposal = proposals.submit_proposal(
        session, resident, page, body=BASE + "Mine.\n", summary="why", base_revision=1
    )
    login(resident)
    assert client.post(f"/pages/{page.slug}/watch").status_code == 302
    form = {"body": BASE + "Mine, reworded " + XSS + "\n", "summary": "better", "base_revision": 1}
    response = client.post(f"/proposals/{proposal.id}/edit", **multipart(form))
    html = unescape(text_of(response))
    assert response.status_code == 429 and response.headers["Retry-After"]
    assert 'id="body"' in html and "Mine, reworded " + XSS in html and "better" in html
    assert XSS not in text_of(response)


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_WRITES="1/minute")
def test_signing_out_is_never_refused_by_a_limit(client, make_page, login):
    page = make_page(body=BASE)
    login(page.consultation.created_by)
    assert client.post(f"/pages/{page.slug}/watch").status_code == 302
    assert client.post(f"/pages/{page.slug}/unwatch").status_code == 429
    assert client.post("/logout").status_code == 302
    assert client.get("/settings").status_code == 302  # signed out

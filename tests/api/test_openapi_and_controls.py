"""The OpenAPI document covers every API route; the safety controls of the API are on."""

import re

import pytest


def test_openapi_document_lists_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(
            r"<(?:[^:>]+:)?(\w+)>",
            lambda m: "{" + {"slug": "_"}.get(m.group(1), m.group(1)) + "}",
            rule.rule[len("/api/v1") :],
        )
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert any(m == method and _same_shape(p, path) for m, p in documented), (method, rule.rule)


def _same_shape(documented: str, actual: str) -> bool:
    pattern = re.sub(r"\\\{\w+\\\}", r"\\{\\w+\\}", re.escape(documented))
    return re.fullmatch(pattern, actual) is not None


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_cookie_session_write_without_csrf_token_is_refused(make_user, login, client):
    login(make_user("official"))
    response = client.post("/api/v1/consultations", json={"title": "No token", "edit_policy": "edit"})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "csrf_failed"


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_bearer_write_needs_no_csrf_token(client, official, bearer):
    response = client.post(
        "/api/v1/consultations", json={"title": "Token", "edit_policy": "edit"}, headers=bearer(official)
    )
    assert response.status_code == 201


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_WRITES="2/minute")
def test_writes_are_rate_limited_with_retry_after(client, official, bearer):
    headers = bearer(official)
    statuses = [
        client.post("/api/v1/consultations", json={"title": f"C{i}", "edit_policy": "edit"}, headers=headers)
        for i in range(3)
    ]
    assert [r.status_code for r in statuses] == [201, 201, 429]
    assert statuses[-1].get_json()["error"]["code"] == "rate_limited" and statuses[-1].headers["Retry-After"]


def test_security_headers_are_sent(client):
    response = client.get("/api/v1/consultations")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_cookie_session_write_with_csrf_header_is_accepted(app, make_user, login, client):
    app.config["WTF_CSRF_ENABLED"] = True
    login(make_user("official"))
    with app.test_request_context():
        from flask_wtf.csrf import generate_csrf

        token = generate_csrf()
        with client.session_transaction() as flask_session:
            flask_session["csrf_token"] = __import__("flask").session["csrf_token"]
    response = client.post(
        "/api/v1/consultations",
        json={"title": "With token", "edit_policy": "edit"},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201

"""Safety controls of the HTML pages, each tested so that it fails if the control is off."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from govwiki.services import pages
from tests.web.conftest import XSS, escaped

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.fixture
def csrf_on(app_config):
    app_config["WTF_CSRF_ENABLED"] = True


def test_post_without_csrf_token_is_refused_and_nothing_saved(
    csrf_on, client, session, make_page, official, login
):
    page = make_page(body="Original.\n")
    login(official)
    response = client.post(f"/pages/{page.slug}/edit", data={"body": "Forged.\n", "base_revision": "1"})
    assert response.status_code == 400
    assert pages.head_revision(session, page).body == "Original.\n"


def test_refused_csrf_on_edit_keeps_the_text(csrf_on, client, make_page, official, login, text_of):
    page = make_page(body="Original.\n")
    login(official)
    response = client.post(f"/pages/{page.slug}/edit", data={"body": "My long edit.\n", "base_revision": "1"})
    assert "My long edit." in text_of(response)
    assert 'name="csrf_token"' in text_of(response)


def test_post_with_the_forms_csrf_token_is_accepted(
    csrf_on, client, session, make_page, official, login, text_of
):
    page = make_page(body="Original.\n")
    login(official)
    form = text_of(client.get(f"/pages/{page.slug}/edit"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    response = client.post(
        f"/pages/{page.slug}/edit", data={"body": "Changed.\n", "base_revision": "1", "csrf_token": token}
    )
    assert response.status_code == 302
    assert pages.head_revision(session, page).body == "Changed.\n"


def test_logout_without_csrf_token_is_refused(csrf_on, client, make_user, login):
    login(make_user())
    assert client.post("/logout").status_code == 400
    assert client.get("/settings").status_code == 200


def test_forms_carry_a_csrf_token(csrf_on, client, make_page, official, login, text_of):
    page = make_page()
    login(official)
    assert 'name="csrf_token"' in text_of(client.get(f"/pages/{page.slug}/edit"))


def test_content_security_policy_forbids_inline_script(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_templates_have_no_inline_script_or_style(template):
    source = template.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source), "inline <script>"
    assert not re.search(r"\sstyle\s*=", source), "style= attribute"
    assert "<style" not in source
    assert not re.search(r"\son[a-z]+\s*=", source), "inline event handler"


#: the renderer's sanitized output: a revision's, a comment's (services.comment_views.comment_html)
#: and an editor preview's (web.preview.preview_of)
SAFE_USES = {"{{rendered.html|safe}}", "{{view.html|safe}}", "{{preview.rendered.html|safe}}"}


def test_templates_mark_only_rendered_html_safe():
    for template in TEMPLATES.rglob("*.html"):
        for use in re.findall(r"\{\{[^}]*\|\s*safe[^}]*\}\}", template.read_text(encoding="utf-8")):
            assert use.replace(" ", "") in SAFE_USES, (template.name, use)


@pytest.mark.parametrize("path", ["/history", "", "/diff", "/revisions/2"])
def test_edit_summary_is_escaped(path, client, session, make_page, official, text_of):
    page = make_page(body="One.\n")
    pages.save_page(session, official, page, body="Two.\n", summary=XSS, base_revision=1)
    html = text_of(client.get(f"/pages/{page.slug}{path}"))
    assert XSS not in html
    assert escaped(XSS) in html


@pytest.mark.parametrize("path", ["", "/history", "/blame", "/diff", "/edit"])
def test_page_title_is_escaped(path, client, make_page, official, login, text_of):
    page = make_page(title=XSS)
    login(official)
    assert XSS not in text_of(client.get(f"/pages/{page.slug}{path}"))


@pytest.mark.parametrize("path", ["/history", "/blame", "", "/diff"])
def test_display_name_is_escaped(path, client, session, make_page, make_user, text_of):
    page = make_page(body="One.\n")
    author = make_user(display_name=XSS)
    pages.save_page(session, author, page, body="One.\nTwo.\n", base_revision=1)
    assert XSS not in text_of(client.get(f"/pages/{page.slug}{path}"))


@pytest.mark.parametrize(
    "query", [f"/?status={XSS}", f"/?page={XSS}", f"/?q={XSS}", f"/login?next={XSS}", f"/?lang={XSS}"]
)
def test_query_parameters_are_escaped(query, client, text_of):
    response = client.get(query)
    assert response.status_code < 500
    assert XSS not in text_of(response)


def test_diff_view_parameter_is_not_reflected(client, make_page, text_of):
    page = make_page()
    html = text_of(client.get(f"/pages/{page.slug}/diff?view={XSS}&from=1&to=1"))
    assert XSS not in html


def test_not_found_page_is_friendly_and_escaped(client, text_of):
    response = client.get(f"/pages/{XSS}")
    assert response.status_code == 404
    assert "Page not found" in text_of(response)
    assert XSS not in text_of(response)


def test_rejected_username_is_escaped_when_the_form_comes_back(client, text_of):
    response = client.post(
        "/register", data={"username": XSS, "email": "x@example.org", "password": "long-enough-password"}
    )
    assert response.status_code == 422
    assert XSS not in text_of(response)


@pytest.fixture
def rate_limited(app_config):
    app_config["RATELIMIT_ENABLED"] = True


def test_repeated_sign_in_attempts_are_rate_limited(rate_limited, client, make_user):
    """From one address, on any accounts (one account alone has a lower limit of its own:
    tests/web/test_sign_in_throttle.py)."""
    make_user(username="rosa")
    statuses = [
        client.post(
            "/login", data={"login": ("rosa", "rosa-b", "rosa-c")[n % 3], "password": "guess-number"}
        ).status_code
        for n in range(21)
    ]
    assert statuses[:20] == [401] * 20
    assert statuses[20] == 429


def test_posted_base_revision_is_escaped_when_the_form_comes_back(
    client, make_page, official, login, text_of
):
    page = make_page()
    login(official)
    response = client.post(f"/pages/{page.slug}/edit", data={"body": "Text.\n", "base_revision": XSS})
    assert response.status_code == 422
    assert XSS not in text_of(response)


@pytest.mark.parametrize(
    "path",
    [
        "/pages/a-page/revisions/99999999999999999999",
        "/pages/a-page?revision=99999999999999999999",
        "/pages/a-page/diff?from=1&to=99999999999999999999",
        "/pages/a-page/blame?revision=-1",
    ],
)
def test_huge_revision_numbers_are_not_found(path, client, make_page):
    make_page()
    assert client.get(path).status_code == 404


def test_huge_token_id_is_not_found(client, make_user, login):
    login(make_user())
    assert client.post("/settings/tokens/99999999999999999999/revoke").status_code == 404

"""HTTP caching of the web pages (govwiki/http_cache.py): ETags and 304s on every read, every
visible change a new ETag, and nothing personal ever marked for a shared cache."""

from __future__ import annotations

import re

import pytest
from itsdangerous import TimestampSigner

from govwiki import create_app
from govwiki.services import comments, consultations, moderation, notifications, pages

READS = ("/pages/{slug}", "/pages/{slug}/revisions/1", "/pages/{slug}/diff", "/pages/{slug}/history")


@pytest.fixture
def page(make_page):
    return make_page(body="First wording.\n")


def _etag(client, url, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200
    return response.headers["ETag"]


def _again(client, url, etag, **kwargs):
    headers = {"If-None-Match": etag, **kwargs.pop("headers", {})}
    return client.get(url, headers=headers, **kwargs)


def _directives(response) -> set[str]:
    return {part.strip() for part in response.headers.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("template", READS)
def test_a_read_has_a_strong_etag(client, page, template):
    etag = _etag(client, template.format(slug=page.slug))
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)


@pytest.mark.parametrize("template", READS)
def test_asking_again_with_the_etag_answers_304_without_a_body(client, page, template):
    url = template.format(slug=page.slug)
    response = _again(client, url, _etag(client, url))
    assert response.status_code == 304
    assert response.data == b""
    assert "public" in _directives(response)  # a 304 says as much about caching as the 200 did


def test_head_has_the_same_etag_and_answers_304_too(client, page):
    url = f"/pages/{page.slug}"
    etag = _etag(client, url)
    head = client.head(url)
    assert head.status_code == 200 and head.headers["ETag"] == etag
    assert client.head(url, headers={"If-None-Match": etag}).status_code == 304


def test_a_stale_etag_gets_the_page(client, page):
    response = _again(client, f"/pages/{page.slug}", '"not-the-current-one"')
    assert response.status_code == 200 and b"First wording." in response.data


def test_a_new_revision_changes_the_etag(client, session, page):
    url = f"/pages/{page.slug}"
    etag = _etag(client, url)
    pages.save_page(session, page.consultation.created_by, page, body="Second wording.\n", base_revision=1)
    response = _again(client, url, etag)
    assert response.status_code == 200 and b"Second wording." in response.data
    assert response.headers["ETag"] != etag


def test_a_hidden_comment_changes_the_etag(client, session, page, make_user):
    comment = comments.post_comment(session, make_user(), page, body="Rude words here.")
    url = f"/pages/{page.slug}"
    etag = _etag(client, url)
    moderation.hide_comment(session, page.consultation.created_by, comment, reason="Insults.")
    response = _again(client, url, etag)
    assert response.status_code == 200 and b"Rude words here." not in response.data
    assert response.headers["ETag"] != etag


def test_a_status_change_changes_the_etag(client, session, page):
    url = f"/pages/{page.slug}"
    etag = _etag(client, url)
    consultations.update_consultation(
        session, page.consultation.created_by, page.consultation, {"status": "closed"}
    )
    response = _again(client, url, etag)
    assert response.status_code == 200 and response.headers["ETag"] != etag


def test_another_language_by_accept_language_has_another_etag(client, page):
    url = f"/pages/{page.slug}"
    etag = _etag(client, url, headers={"Accept-Language": "en"})
    response = _again(client, url, etag, headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 200 and "登录" in response.get_data(as_text=True)
    assert response.headers["ETag"] != etag
    assert {"Cookie", "Accept-Language", "Authorization"} <= set(response.headers["Vary"].split(", "))


def test_another_language_by_lang_has_another_etag_and_is_not_shared(client, page):
    """?lang= sets the language cookie (a later hook than the cache's): the answer is personal."""
    url = f"/pages/{page.slug}"
    etag = _etag(client, url)
    response = _again(client, url, etag, query_string={"lang": "zh"})
    assert response.status_code == 200 and response.headers["ETag"] != etag
    assert "lang=zh" in response.headers["Set-Cookie"]
    assert "public" not in _directives(response) and "private" in _directives(response)


def test_a_signed_out_page_is_public_for_a_short_time(client, page):
    response = client.get(f"/pages/{page.slug}")
    assert _directives(response) == {"public", "max-age=60"}
    assert "Set-Cookie" not in response.headers


@pytest.mark.config(PUBLIC_MAX_AGE=5)
def test_the_public_max_age_is_a_setting(client, page):
    assert _directives(client.get(f"/pages/{page.slug}")) == {"public", "max-age=5"}


def test_a_negative_public_max_age_is_refused_at_start(app_config, tmp_path):
    with pytest.raises(RuntimeError, match="GOVWIKI_PUBLIC_MAX_AGE"):
        create_app({**app_config, "PUBLIC_MAX_AGE": -1}, instance=str(tmp_path / "other"))


@pytest.mark.parametrize("template", READS)
def test_a_signed_in_page_is_never_stored(client, login, page, template):
    login(page.consultation.created_by)
    response = client.get(template.format(slug=page.slug))
    assert _directives(response) == {"no-store"}
    assert "ETag" in response.headers


@pytest.mark.parametrize(
    "path", ["/settings", "/settings/password", "/settings/email", "/settings/tokens", "/notifications"]
)
def test_pages_of_personal_data_are_never_stored(client, login, make_user, path):
    login(make_user())
    response = client.get(path)
    assert response.status_code == 200 and _directives(response) == {"no-store"}


def test_an_officials_inbox_is_never_stored(client, login, page):
    login(page.consultation.created_by)
    response = client.get(f"/consultations/{page.consultation.slug}/inbox")
    assert response.status_code == 200 and _directives(response) == {"no-store"}


def test_a_signed_in_reader_who_asks_with_an_etag_still_gets_304(client, login, page):
    login(page.consultation.created_by)
    url = f"/pages/{page.slug}"
    assert _again(client, url, _etag(client, url)).status_code == 304


def test_a_page_with_flashed_messages_is_not_public(client, page):
    with client.session_transaction() as flask_session:
        flask_session["_flashes"] = [("info", "You are signed out.")]
    response = client.get(f"/pages/{page.slug}")
    assert b"You are signed out." in response.data
    assert "public" not in _directives(response) and "private" in _directives(response)


def test_a_token_sent_to_a_page_makes_it_unstored(client, bearer, page):
    response = client.get(f"/pages/{page.slug}", headers=bearer(page.consultation.created_by))
    assert _directives(response) == {"no-store"}


def test_errors_have_no_etag_and_are_not_stored(client, page):
    response = client.get("/pages/no-such-page")
    assert response.status_code == 404
    assert "ETag" not in response.headers
    assert _directives(response) == {"no-store"}


def test_a_draft_is_404_without_an_etag_to_those_who_may_not_see_it(client, make_page, make_consultation):
    draft = make_page(make_consultation(status="draft"))
    response = client.get(f"/pages/{draft.slug}")
    assert response.status_code == 404 and "ETag" not in response.headers


def test_writes_are_not_stored(client, login, page):
    login(page.consultation.created_by)
    response = client.post(f"/pages/{page.slug}/edit", data={"body": "Changed.\n", "base_revision": "1"})
    assert response.status_code == 302
    assert "no-store" in _directives(response) and "ETag" not in response.headers


def test_static_files_keep_their_own_validators(client):
    with client.get("/static/css/site.css") as response:
        assert response.headers["Cache-Control"] == "no-cache" and "Last-Modified" in response.headers
        etag = response.headers["ETag"]
    with client.get("/static/css/site.css", headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304


def test_static_files_do_not_vary_on_who_asks(client):
    with client.get("/static/css/site.css") as response:
        assert "Accept-Language" not in response.headers.get("Vary", "")


def test_a_static_file_that_sets_the_language_cookie_is_private(client):
    with client.get("/static/css/site.css", query_string={"lang": "zh"}) as response:
        assert "lang=zh" in response.headers["Set-Cookie"]
        assert _directives(response) == {"private", "no-cache"}


def test_the_favicon_keeps_its_week_and_is_private_when_signed_in(client, login, official):
    assert _directives(client.get("/favicon.ico")) == {"public", "max-age=604800"}
    login(official)
    assert _directives(client.get("/favicon.ico")) == {"private", "max-age=604800"}


# CSRF tokens: a page holding one is the visitor's own, and a form never shown costs no cookie.


@pytest.fixture
def csrf_on(app_config):
    app_config["WTF_CSRF_ENABLED"] = True


def _token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_a_signed_out_page_builds_no_session_for_a_form_it_does_not_show(csrf_on, app, page):
    """A consultation's page prepares its new-page form (and a CSRF secret) for every reader."""
    response = app.test_client().get(f"/consultations/{page.consultation.slug}")
    assert b"csrf_token" not in response.data
    assert "Set-Cookie" not in response.headers
    assert _directives(response) == {"public", "max-age=60"}


def test_a_form_with_a_csrf_token_is_private_even_without_a_new_cookie(csrf_on, client):
    client.get("/login")  # the session and its CSRF secret are made here
    response = client.get("/login")
    assert "Set-Cookie" not in response.headers and b'name="csrf_token"' in response.data
    assert _directives(response) == {"private", "no-cache"}


def test_reading_pages_keeps_the_secret_of_a_form_already_shown(csrf_on, client, page, make_user):
    make_user(username="reader")
    token = _token(client.get("/login").get_data(as_text=True))
    client.get(f"/consultations/{page.consultation.slug}")  # builds a form it does not show
    response = client.post("/login", data={"login": "reader", "password": "password123", "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_a_signed_in_page_keeps_its_etag_when_the_csrf_token_is_signed_anew(
    csrf_on, client, login, page, monkeypatch
):
    """The token in the page is signed with the time; the old page's token stays valid, so the
    browser's copy may be kept (304) and its forms still work."""
    login(page.consultation.created_by)
    url = f"/pages/{page.slug}"
    first = client.get(url)
    later = TimestampSigner.get_timestamp(None) + 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    second = client.get(url)
    assert _token(first.get_data(as_text=True)) != _token(second.get_data(as_text=True))
    assert second.headers["ETag"] == first.headers["ETag"]
    assert _again(client, url, first.headers["ETag"]).status_code == 304
    edit = client.post(
        f"/pages/{page.slug}/edit",
        data={
            "body": "Saved from the kept copy.\n",
            "base_revision": "1",
            "csrf_token": _token(first.get_data(as_text=True)),
        },
    )
    assert edit.status_code == 302


def test_a_kept_pages_etag_moves_with_its_readers_own_parts(client, login, session, page, make_user):
    """The shared HTML is kept; the ETag still covers what is drawn in for this reader."""
    reader = make_user()
    login(reader)
    url = f"/pages/{page.slug}"
    before = _etag(client, url)
    assert _etag(client, url) == before  # the kept copy, the same answer
    notifications.watch(session, reader, page=page)
    after = _etag(client, url)
    assert after != before and _again(client, url, before).status_code == 200


@pytest.mark.config(WTF_CSRF_TIME_LIMIT=3600)
def test_tokens_that_expire_by_age_are_part_of_the_etag(csrf_on, client, login, page, monkeypatch):
    login(page.consultation.created_by)
    url = f"/pages/{page.slug}"
    first = client.get(url)
    later = TimestampSigner.get_timestamp(None) + 60
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    second = client.get(url)
    assert _token(first.get_data(as_text=True)) != _token(second.get_data(as_text=True))
    assert second.headers["ETag"] != first.headers["ETag"]

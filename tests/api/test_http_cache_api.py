"""HTTP caching of the API's reads: ETags and 304s for machines that poll, a new ETag for every
change, nothing shared that a token asked for, and the OpenAPI document saying so."""

from __future__ import annotations

from datetime import timedelta

import pytest
from werkzeug.http import http_date

from govwiki.api.openapi import document
from govwiki.services import comments, consultations, moderation, pages

READS = (
    "/api/v1/pages/{page}",
    "/api/v1/pages/{page}/revisions",
    "/api/v1/pages/{page}/revisions/1",
    "/api/v1/pages/{page}/diff",
    "/api/v1/pages/{page}/comments",
    "/api/v1/consultations/{consultation}",
    "/api/v1/consultations",
)


@pytest.fixture
def page(make_page):
    return make_page(body="First wording.\n")


def _url(template: str, page) -> str:
    return template.format(page=page.slug, consultation=page.consultation.slug)


def _directives(response) -> set[str]:
    return {part.strip() for part in response.headers.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("template", READS)
def test_a_read_has_an_etag_and_answers_304_when_asked_again(client, page, template):
    url = _url(template, page)
    first = client.get(url)
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]


def test_a_signed_out_read_is_public_for_a_short_time(client, page):
    assert _directives(client.get(f"/api/v1/pages/{page.slug}")) == {"public", "max-age=60"}


def test_a_read_with_a_token_is_never_stored(client, page, bearer):
    response = client.get(f"/api/v1/pages/{page.slug}", headers=bearer(page.consultation.created_by))
    assert _directives(response) == {"no-store"}
    assert "Authorization" in response.headers["Vary"]


def test_the_callers_own_notifications_are_never_stored(client, page, bearer):
    response = client.get("/api/v1/notifications", headers=bearer(page.consultation.created_by))
    assert response.status_code == 200 and _directives(response) == {"no-store"}


def test_a_read_with_a_session_cookie_is_never_stored(client, login, page):
    login(page.consultation.created_by)
    response = client.get(f"/api/v1/pages/{page.slug}")
    assert _directives(response) == {"no-store"}


def test_a_token_holder_revalidates_with_304_too(client, page, bearer):
    headers = bearer(page.consultation.created_by)
    etag = client.get(f"/api/v1/pages/{page.slug}", headers=headers).headers["ETag"]
    again = client.get(f"/api/v1/pages/{page.slug}", headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304


def test_a_new_revision_changes_the_etag_of_the_page_and_the_default_diff(client, session, page):
    urls = (f"/api/v1/pages/{page.slug}", f"/api/v1/pages/{page.slug}/diff")
    etags = [client.get(url).headers["ETag"] for url in urls]
    pages.save_page(session, page.consultation.created_by, page, body="Second wording.\n", base_revision=1)
    for url, etag in zip(urls, etags):
        response = client.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 200 and response.headers["ETag"] != etag


def test_a_hidden_comment_changes_the_etag_of_the_comments(client, session, page, make_user):
    comment = comments.post_comment(session, make_user(), page, body="Rude words here.")
    url = f"/api/v1/pages/{page.slug}/comments"
    etag = client.get(url).headers["ETag"]
    moderation.hide_comment(session, page.consultation.created_by, comment, reason="Insults.")
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200 and "Rude words here." not in response.get_data(as_text=True)


def test_a_status_change_changes_the_etag_of_the_consultation(client, session, page):
    url = f"/api/v1/consultations/{page.consultation.slug}"
    etag = client.get(url).headers["ETag"]
    consultations.update_consultation(
        session, page.consultation.created_by, page.consultation, {"status": "closed"}
    )
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200 and response.get_json()["status"] == "closed"


def test_errors_have_no_etag_and_are_not_stored(client, page):
    for response in (
        client.get("/api/v1/pages/no-such-page"),
        client.get(f"/api/v1/pages/{page.slug}", headers={"Authorization": "Bearer wrong"}),
        client.get(f"/api/v1/pages/{page.slug}/diff", query_string={"from": "x"}),
    ):
        assert response.status_code in (401, 404, 422)
        assert "ETag" not in response.headers and _directives(response) == {"no-store"}


def test_writes_are_not_stored(client, page, bearer):
    response = client.put(
        f"/api/v1/pages/{page.slug}",
        json={"body": "Second wording.\n", "base_revision": 1},
        headers=bearer(page.consultation.created_by),
    )
    assert response.status_code == 200
    assert _directives(response) == {"no-store"} and "ETag" not in response.headers


# Last-Modified: only where the answer can never change, a diff between two given revisions.


@pytest.fixture
def two_revisions(session, page):
    pages.save_page(session, page.consultation.created_by, page, body="Second wording.\n", base_revision=1)
    return page


def test_a_diff_of_two_given_revisions_answers_if_modified_since(client, session, two_revisions):
    url = f"/api/v1/pages/{two_revisions.slug}/diff?from=1&to=2"
    stamp = client.get(url).headers["Last-Modified"]
    created = [pages.get_revision(session, two_revisions, n).created_at for n in (1, 2)]
    assert stamp == http_date(max(created))
    assert client.get(url, headers={"If-Modified-Since": stamp}).status_code == 304


def test_a_diff_of_the_latest_change_has_no_last_modified(client, two_revisions):
    """What it compares moves with the head, so only its ETag can tell whether it changed."""
    response = client.get(f"/api/v1/pages/{two_revisions.slug}/diff")
    assert response.status_code == 200 and "Last-Modified" not in response.headers
    old = http_date(two_revisions.updated_at + timedelta(days=1))
    assert client.get(response.request.url, headers={"If-Modified-Since": old}).status_code == 200


def test_the_document_describes_etags_and_304_on_every_read():
    spec = document("http://localhost/api/v1")
    reads = [(path, ops["get"]) for path, ops in spec["paths"].items() if "get" in ops]
    assert reads
    for path, operation in reads:
        assert "304" in operation["responses"], path
        assert "ETag" in operation["responses"]["200"]["headers"], path
        assert "If-None-Match" in {p["name"] for p in operation["parameters"]}, path
    writes = [ops[m] for ops in spec["paths"].values() for m in ops if m != "get"]
    assert all("304" not in operation["responses"] for operation in writes)

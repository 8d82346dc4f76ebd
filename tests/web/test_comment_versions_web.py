"""Earlier texts of edited and deleted comments, on the web: the consultation's officials read
them; the author, other readers and the signed-out may not."""

import pytest

from govwiki.services import comments

BASE = "Stalls close at 23:00.\n"


@pytest.fixture
def page(make_page, make_consultation):
    return make_page(make_consultation(slug="rules", edit_policy="comment"), body=BASE, title="Market rules")


@pytest.fixture
def rosa(make_user):
    return make_user("resident", "rosa", display_name="Rosa")


@pytest.fixture
def edited(session, page, rosa):
    comment = comments.post_comment(session, rosa, page, body="First <em>words</em>")
    comments.edit_comment(session, rosa, comment, body="Second words")
    return comment


def test_officials_read_the_earlier_text_and_find_it_from_the_comment(client, login, page, edited, text_of):
    login(page.consultation.created_by)
    assert f'href="/comments/{edited.id}/versions"' in text_of(client.get("/pages/market-rules"))
    html = text_of(client.get(f"/comments/{edited.id}/versions"))
    assert (
        "First &lt;em&gt;words&lt;/em&gt;" in html and "Second words" not in html.split("comment-versions")[1]
    )


def test_a_deleted_comment_keeps_its_text_for_the_officials_only(client, login, session, page, rosa, edited):
    comments.delete_comment(session, rosa, edited)
    login(page.consultation.created_by)
    assert "Second words" in client.get(f"/comments/{edited.id}/versions").get_data(as_text=True)


@pytest.mark.parametrize("who, status", [("anonymous", 401), ("author", 403), ("other", 403)])
def test_nobody_else_reads_earlier_versions(client, login, make_user, rosa, edited, who, status):
    if who != "anonymous":
        login(rosa if who == "author" else make_user("resident", "omar"))
    response = client.get(f"/comments/{edited.id}/versions")
    assert response.status_code in (status, 302) and "First" not in response.get_data(as_text=True)

"""GET /api/v1/pages/{p}/history/search: which revision introduced a phrase, at each place it
stands, from the revision's blame; deletions that join words count; bad phrases are 422."""

from __future__ import annotations

import pytest

from govwiki.services import pages


def _edit(session, page, body, summary):
    head = page.head_number
    return pages.save_page(
        session, page.consultation.created_by, page, body=body, summary=summary, base_revision=head
    )


def _find(client, page, **params):
    response = client.get(f"/api/v1/pages/{page.slug}/history/search", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_each_place_names_the_revision_that_introduced_it(client, session, make_page):
    page = make_page(body="The fee shall not be 30 yuan.\n")
    _edit(session, page, "The fee shall not be 30 yuan.\n\nPay online.\n", "Add payment")
    _edit(session, page, "The fee shall be 30 yuan.\n\nPay online.\n", "Drop the exemption")
    data = _find(client, page, q="SHALL BE")
    assert (data["revision"], data["total"]) == (3, 1)
    [place] = data["items"]
    assert place["text"] == "shall be" and place["before"] == "The fee " and place["after"].startswith(" 30")
    assert place["introduced"]["number"] == 3 and place["introduced"]["summary"] == "Drop the exemption"
    assert place["oldest"] == 1 and place["introduced"]["author"]["username"]
    assert _find(client, page, q="pay online")["items"][0]["introduced"]["number"] == 2
    assert _find(client, page, q="30 yuan")["items"][0]["introduced"]["number"] == 1


def test_a_phrase_taken_out_is_found_in_an_older_revision(client, session, make_page):
    page = make_page(body="The fee shall not be 30 yuan.\n")
    _edit(session, page, "The fee shall be 30 yuan.\n", "Drop the exemption")
    assert _find(client, page, q="shall not")["total"] == 0
    older = _find(client, page, q="shall not", revision=1)
    assert older["revision"] == 1 and older["items"][0]["introduced"]["number"] == 1


def test_chinese_across_a_line_break(client, make_page):
    page = make_page(body="城市管理执法局征集市民对便民\n菜站设置方案的意见。\n")
    [place] = _find(client, page, q="便民 菜站")["items"]
    assert place["text"] == "便民\n菜站" and place["introduced"]["number"] == 1


@pytest.mark.parametrize("params", [{}, {"q": "   "}, {"q": "x" * 501}])
def test_a_phrase_that_is_empty_or_too_long_is_422(client, make_page, params):
    page = make_page()
    response = client.get(f"/api/v1/pages/{page.slug}/history/search", query_string=params)
    assert response.status_code == 422 and "q" in response.get_json()["error"]["fields"]


def test_an_unknown_revision_is_404_and_an_unreadable_page_too(client, make_page, make_consultation):
    page = make_page()
    response = client.get(
        f"/api/v1/pages/{page.slug}/history/search", query_string={"q": "text", "revision": 9}
    )
    assert response.status_code == 404
    hidden = make_page(make_consultation(status="draft"), body="Secret words.\n")
    response = client.get(f"/api/v1/pages/{hidden.slug}/history/search", query_string={"q": "secret"})
    assert response.status_code == 404

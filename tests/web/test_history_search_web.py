"""Which revision introduced a phrase, on the web: a form on the history page, the places with
the revision, its author and a link to the change; errors beside the field; both languages."""

from __future__ import annotations

import pytest

from govwiki.services import pages


def _edit(session, page, body, summary):
    author = page.consultation.created_by
    pages.save_page(session, author, page, body=body, summary=summary, base_revision=page.head_number)


def test_the_history_page_asks_and_the_answer_links_to_the_change(client, session, make_page):
    page = make_page(body="The fee shall not be 30 yuan.\n")
    _edit(session, page, "The fee shall be 30 yuan.\n", "Drop the exemption")
    history = client.get(f"/pages/{page.slug}/history").get_data(as_text=True)
    assert f'action="/pages/{page.slug}/history/search"' in history
    html = client.get(f"/pages/{page.slug}/history/search", query_string={"q": "shall be"}).get_data(
        as_text=True
    )
    assert "1 place in the current text" in html and "<mark>shall be</mark>" in html
    assert f'href="/pages/{page.slug}/revisions/2"' in html and "Drop the exemption" in html
    assert f"/pages/{page.slug}/diff?from=1&amp;to=2" in html
    assert "Its oldest words date from revision 1." in html


def test_words_not_in_the_text_point_to_older_revisions(client, session, make_page):
    page = make_page(body="The fee shall not be 30 yuan.\n")
    _edit(session, page, "The fee shall be 30 yuan.\n", "Drop the exemption")
    html = client.get(f"/pages/{page.slug}/history/search", query_string={"q": "shall not"}).get_data(
        as_text=True
    )
    assert "The phrase is not in this text." in html and "look in an older revision" in html
    older = client.get(f"/pages/{page.slug}/history/search", query_string={"q": "shall not", "revision": 1})
    assert "1 place in revision 1" in older.get_data(as_text=True)


def test_text_that_looks_like_html_stays_text(client, make_page):
    page = make_page(body="Fees <b>apply</b> here.\n")
    html = client.get(f"/pages/{page.slug}/history/search", query_string={"q": "<b>apply</b>"}).get_data(
        as_text=True
    )
    assert "<mark>&lt;b&gt;apply&lt;/b&gt;</mark>" in html and "<b>apply</b>" not in html


def test_a_phrase_too_long_is_a_form_error_that_keeps_it(client, make_page):
    page = make_page()
    response = client.get(f"/pages/{page.slug}/history/search", query_string={"q": "long " * 120})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="history-q-errors"' in html and 'value="long long' in html


def test_an_empty_form_is_just_the_form(client, make_page):
    page = make_page()
    response = client.get(f"/pages/{page.slug}/history/search")
    assert response.status_code == 200 and 'id="history-q"' in response.get_data(as_text=True)


@pytest.mark.parametrize("locale, phrase", [("en", "Introduced in"), ("zh", "引入于")])
def test_in_the_reader_s_language(client, make_page, locale, phrase):
    page = make_page(body="便民菜站设置方案。\n")
    html = client.get(
        f"/pages/{page.slug}/history/search", query_string={"q": "菜站", "lang": locale}
    ).get_data(as_text=True)
    assert phrase in html

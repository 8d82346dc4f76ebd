"""Search on the web: the header's box on every page, the results page with facets, sorting and
pages, search within one consultation, escaped snippets, and bad options as a form error."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from govwiki.services import clock, comments

STALLS = "城市管理执法局征集市民对便民菜站设置方案的意见。\n"


def test_every_page_has_a_search_box(client, make_page):
    page = make_page()
    for path in ("/", f"/pages/{page.slug}", "/auth/login"):
        html = client.get(path).get_data(as_text=True)
        assert 'role="search"' in html and 'name="q"' in html, path


def test_results_link_to_the_hit_and_mark_the_words(client, make_page):
    page = make_page(body=STALLS, title="Market plan")
    html = client.get("/search", query_string={"q": "菜站"}).get_data(as_text=True)
    assert f'href="/pages/{page.slug}"' in html
    assert "<mark" in html and "1 result" in html


@pytest.mark.parametrize("locale, phrase", [("en", "Nothing found"), ("zh", "没有找到")])
def test_nothing_found_says_so_in_the_reader_s_language(client, make_page, locale, phrase):
    make_page()
    html = client.get("/search", query_string={"q": "zeppelin", "lang": locale}).get_data(as_text=True)
    assert phrase in html


def test_facets_count_each_kind_and_narrow_the_list(client, session, make_page, make_user):
    page = make_page(body="Bus routes.\n")
    comments.post_comment(session, make_user(), page, body="More bus stops.")
    html = client.get("/search", query_string={"q": "bus"}).get_data(as_text=True)
    assert (
        'Comments <span class="count">(1)</span>' in html and 'Pages <span class="count">(1)</span>' in html
    )
    narrowed = client.get("/search", query_string={"q": "bus", "type": "comment"}).get_data(as_text=True)
    assert "1 result" in narrowed and f'href="/pages/{page.slug}"' not in narrowed


def test_search_within_a_consultation(client, make_consultation, make_page):
    first, second = make_consultation(), make_consultation()
    make_page(first, body="Harbour plan.\n")
    make_page(second, body="Harbour plan too.\n")
    assert 'name="consultation"' in client.get(f"/consultations/{second.slug}").get_data(as_text=True)
    html = client.get("/search", query_string={"q": "harbour", "consultation": second.slug}).get_data(
        as_text=True
    )
    assert "1 result" in html and "Search everywhere" in html


def test_html_in_the_text_or_the_query_stays_text(client, session, make_page, make_user):
    page = make_page()
    comments.post_comment(session, make_user(), page, body="Lanes <img src=x onerror=alert(1)> now.")
    html = client.get("/search", query_string={"q": "lanes <script>alert(2)</script>"}).get_data(as_text=True)
    assert "<img src=x" not in html and "<script>alert(2)" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html  # handed back in the box, escaped


def test_options_that_are_not_understood_are_a_form_error_with_the_words_kept(client):
    response = client.get("/search", query_string={"q": "parks", "sort": "loudest"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "sort" in html and 'value="parks"' in html


def test_an_empty_search_shows_the_form_only(client):
    response = client.get("/search")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="search-q"' in html and "search-total" not in html and "Nothing found" not in html


def test_facets_per_consultation_and_status_narrow_and_widen_again(
    client, session, make_consultation, make_page, make_user
):
    first = make_consultation(title="Tram network")
    second = make_consultation(title="Ferry network", status="closed")
    make_page(first, body="Night buses.\n")
    make_page(second, body="Night ferries and buses.\n")
    html = client.get("/search", query_string={"q": "buses"}).get_data(as_text=True)
    assert 'Tram network <span class="count">(1)</span>' in html
    assert 'Open <span class="count">(1)</span>' in html and 'Closed <span class="count">(1)</span>' in html
    narrowed = client.get("/search", query_string={"q": "buses", "status": "closed"}).get_data(as_text=True)
    assert "1 result" in narrowed and 'aria-current="true" title="Show every one again"' in narrowed
    chinese = client.get("/search", query_string={"q": "buses", "lang": "zh"}).get_data(as_text=True)
    assert "已关闭" in chinese or "已截止" in chinese


SHANGHAI = pytest.mark.config(TIMEZONE="Asia/Shanghai")


@SHANGHAI
def test_dates_in_the_options_are_days_in_the_site_s_time_zone(client, make_page, monkeypatch):
    # 20:00 UTC on 1 June is already 04:00 on 2 June in Shanghai
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 6, 1, 20, 0, tzinfo=timezone.utc))
    make_page(body="Ferry timetable.\n")
    found = client.get("/search", query_string={"q": "ferry", "since": "2026-06-02", "until": "2026-06-02"})
    assert "1 result" in found.get_data(as_text=True)
    html = client.get("/search", query_string={"q": "ferry", "until": "2026-06-01"}).get_data(as_text=True)
    assert "0 results" in html or "Nothing found" in html
    assert 'type="date" name="until" value="2026-06-01"' in html


def test_a_date_that_is_no_date_is_a_form_error_beside_its_field(client, make_page):
    make_page(body="Ferry timetable.\n")
    response = client.get("/search", query_string={"q": "ferry", "since": "2026-13-01"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        'id="search-since-error"' in html and "2026-12-31" in html and "<details" in html and " open>" in html
    )

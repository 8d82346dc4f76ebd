"""While a missing index of a bigger site is rebuilt in the background, search says so: 503
with Retry-After in the API, a notice on the web; never a 500. Then it answers again."""

from __future__ import annotations

import time

from govwiki.services import search_rebuild


def _wait_for_the_rebuild(folder: str) -> None:
    deadline = time.monotonic() + 30
    while search_rebuild.rebuilding(folder) and time.monotonic() < deadline:
        time.sleep(0.05)


def test_search_answers_503_while_the_index_is_rebuilt_and_then_finds(client, app, make_page, monkeypatch):
    page = make_page(body="Snow clearing.\n")
    monkeypatch.setattr(search_rebuild, "INLINE_REBUILD_ROWS", 0)
    response = client.get("/api/v1/search", query_string={"q": "snow"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(search_rebuild.RETRY_AFTER)
    assert response.get_json()["error"]["code"] == "search_rebuilding"
    web = client.get("/search", query_string={"q": "snow"})
    assert web.status_code in (200, 503)  # the rebuild may already be done
    if web.status_code == 503:
        assert "Search is being rebuilt" in web.get_data(as_text=True)
    _wait_for_the_rebuild(app.config["INDEX_DIR"])
    data = client.get("/api/v1/search", query_string={"q": "snow"}).get_json()
    assert [item["id"] for item in data["items"]] == [page.id]


def test_the_web_page_shows_the_notice_while_a_rebuild_runs(client, app, make_page):
    make_page(body="Snow clearing.\n")
    with open(app.config["INDEX_DIR"] + ".rebuilding", "w") as marker:  # another worker rebuilds
        marker.write("1\n")
    response = client.get("/search", query_string={"q": "snow"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(search_rebuild.RETRY_AFTER)
    html = response.get_data(as_text=True)
    assert "Search is being rebuilt" in html and 'value="snow"' in html

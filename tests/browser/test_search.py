"""Someone searches in Chinese from the header's box and opens a hit."""

from __future__ import annotations

from tests.browser.people import press


def test_a_chinese_search_from_the_header_opens_the_page_it_found(open_tab):
    tab = open_tab()
    page = tab.page
    page.goto("/")
    tab.check("home")
    page.get_by_role("searchbox", name="Search").first.fill("摊贩")
    press(tab, page.get_by_role("search").first.get_by_role("button", name="Search"))
    page.wait_for_url("**/search?q=*")
    tab.check("search-chinese")
    hit = page.locator(".search-hit h2 a").first
    with page.expect_navigation():
        press(tab, hit)
    assert "摊贩" in page.locator("main").inner_text()
    tab.check("search-hit")
    # the same page with the interface in Chinese
    with page.expect_navigation():
        press(tab, page.locator(".lang-switch").get_by_role("link", name="中文"))
    assert page.locator("html").get_attribute("lang").startswith("zh")
    tab.check("search-hit-zh")

"""The checks catch what they are for: each is shown a small page that breaks its rule (and one
that keeps it), without the server."""

from __future__ import annotations

import pytest

from tests.browser import checks
from tests.browser.conftest import PHONE


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    yield context.new_page()
    context.close()


def test_a_page_wider_than_the_phone_fails(phone):
    phone.set_content(
        '<meta name="viewport" content="width=device-width"><div style="width: 500px">wide</div>'
    )
    with pytest.raises(AssertionError, match="scrolls sideways"):
        checks.page_width(phone)
    phone.set_content('<meta name="viewport" content="width=device-width"><div>narrow</div>')
    checks.page_width(phone)


def test_a_small_standalone_link_fails_and_a_link_in_a_sentence_is_exempt(phone):
    phone.set_content('<p>Read <a href="#a">the rules</a> first.</p><p><a href="#b">Alone</a></p>')
    with pytest.raises(AssertionError, match="Alone"):
        checks.tap_targets(phone)
    phone.set_content('<p>Read <a href="#a">the rules</a> first.</p>')
    checks.tap_targets(phone)


def test_an_unlabelled_field_is_a_serious_violation(phone):
    phone.set_content('<html lang="en"><title>t</title><main><input type="text"></main></html>')
    with pytest.raises(AssertionError, match="label"):
        checks.accessibility(phone)


def test_chinese_drawn_without_a_simplified_chinese_face_fails(phone):
    # Chromium's fallback for Han characters in an English page: Noto Sans CJK JP
    phone.set_content(
        '<html lang="en"><main><p style="font-family: sans-serif">区政府在公示</p></main></html>'
    )
    with pytest.raises(AssertionError, match="no Simplified Chinese font"):
        checks.chinese_font(phone)


def test_a_console_error_an_exception_and_an_error_response_are_recorded(phone):
    tab = checks.Tab(phone, "phone")
    phone.set_content(
        "<script>console.error('broken'); setTimeout(() => { throw new Error('boom') })</script>"
    )
    phone.wait_for_timeout(100)
    assert any("broken" in problem for problem in tab.problems)
    assert any("boom" in problem for problem in tab.problems)


def test_a_request_cut_short_by_leaving_the_page_is_no_failure_but_a_failed_one_is(phone):
    """The browser aborts what a page was still fetching when a navigation replaces it (the
    favicon, when a link is followed at once): that is no fault of the site."""
    pages = {
        "/first.html": '<img src="/slow.png" alt="">',  # never answered while the page is open
        "/second.html": '<img src="/broken.png" alt="">',
    }

    def serve(route):
        path = route.request.url.removeprefix("http://site.test")
        if path in pages:
            route.fulfill(content_type="text/html", body=pages[path])
        elif path == "/broken.png":
            route.abort("failed")
        # /slow.png is left waiting

    phone.route("http://site.test/**", serve)
    tab = checks.Tab(phone, "phone")
    phone.goto("http://site.test/first.html", wait_until="domcontentloaded")
    phone.goto("http://site.test/second.html")
    phone.wait_for_timeout(200)
    assert not any("slow.png" in problem for problem in tab.problems), tab.problems
    assert any("broken.png" in problem for problem in tab.problems), tab.problems

"""Browser tests: Debian's Chromium, driven by Playwright, against a real server (tests/browser/
server.py). Each journey runs on a phone (390 × 844, touch) and a desktop (1366 × 900), with and
without JavaScript (about six minutes in all); every page it shows passes tests/browser/checks.py.

`make test-browser` runs them (and installs Chromium, the CJK fonts and axe-core first); the two
database runs of the suite leave this folder out."""

from __future__ import annotations

import itertools
import os
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.browser import server as live
from tests.browser.checks import Tab

CHROMIUM = os.environ.get("GOVWIKI_CHROMIUM", "/usr/bin/chromium")
#: quiet, offline and sandbox-free (CI runs as root): nothing leaves 127.0.0.1
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
VARIANTS = {
    "phone": PHONE,
    "desktop": DESKTOP,
    "phone-nojs": {**PHONE, "java_script_enabled": False},
    "desktop-nojs": {**DESKTOP, "java_script_enabled": False},
}


#: people the journeys share (made once: each `flask` command costs a second or more)
CAST = {"official": "official", "reader": "resident", "neighbour": "resident"}


@pytest.fixture(scope="session")
def server():
    with tempfile.TemporaryDirectory(prefix="govwiki-browser-") as folder:
        running, process = live.start(Path(folder))
        try:
            for name, role in CAST.items():
                running.create_user(name, role)
            yield running
        finally:
            live.stop(process)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser-deps` installs Debian's chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(params=list(VARIANTS))
def variant(request) -> str:
    return request.param


_serial = itertools.count(1)


@pytest.fixture
def unique():
    """A fresh name for this test's people and consultations: `unique('sam')` → 'sam-7'."""
    number = next(_serial)
    return lambda name: f"{name}-{number}"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.passed_its_call = report.passed
    return report


@pytest.fixture
def open_tab(browser, server, variant, request):
    """`open_tab()` opens a new browser context (one person) in this test's variant; every tab is
    checked to have been clean and every page it showed checked when the test ends."""
    tabs, contexts = [], []

    def open_one() -> Tab:
        context = browser.new_context(base_url=server.url, locale="en-GB", **VARIANTS[variant])
        context.set_default_timeout(15_000)
        contexts.append(context)
        helper = None
        if VARIANTS[variant].get("java_script_enabled") is False:
            settings = {**VARIANTS[variant], "java_script_enabled": True}
            helper_context = browser.new_context(base_url=server.url, locale="en-GB", **settings)
            contexts.append(helper_context)
            helper = helper_context.new_page()
        tab = Tab(context.new_page(), variant, helper)
        tabs.append(tab)
        return tab

    yield open_one
    try:
        for tab in tabs if getattr(request.node, "passed_its_call", False) else ():
            tab.assert_clean()
            tab.assert_all_checked()
    finally:
        for context in contexts:
            context.close()

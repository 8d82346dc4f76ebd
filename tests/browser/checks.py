"""What every page a journey visits must pass: no sideways scrolling and tap targets of at least
24 × 24 px on a phone, Chinese text drawn in a CJK font, no serious or critical axe-core
violation, and (watched by `Tab` throughout) no console error, uncaught exception, failed request
or unexpected error response."""

from __future__ import annotations

import contextlib
import functools
import re
from pathlib import Path

from playwright.sync_api import Page

VENDOR = Path(__file__).resolve().parent / "vendor"
AXE = VENDOR / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"

#: WCAG 2.2 success criterion 2.5.8 (target size, minimum), in CSS pixels
MIN_TARGET = 24

# Elements that are tap targets, measured with their labels for radios and checkboxes (a tap on
# the label is a tap on the control). A link inside a sentence is exempt (2.5.8's "inline"
# exception): one whose nearest block holds text besides its own.
_TARGETS_JS = """(min) => {
  const blocks = 'p, li, td, th, dd, dt, blockquote, figcaption, h1, h2, h3, h4, h5, h6, label, legend, caption';
  const shown = (el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.visibility !== 'hidden' && style.display !== 'none' && box.width > 1 && box.height > 1;
  };
  const inline = (el) => {
    if (el.tagName !== 'A') return false;
    const block = el.parentElement && el.parentElement.closest(blocks);
    if (!block) return false;
    const own = el.textContent.trim().length;
    return block.textContent.replace(/\\s+/g, ' ').trim().length > own + 1;
  };
  const size = (el) => {
    let {width, height} = el.getBoundingClientRect();
    if (el.labels && (el.type === 'radio' || el.type === 'checkbox')) {
      for (const label of el.labels) {
        const box = label.getBoundingClientRect();
        width = Math.max(width, box.width);
        height = Math.max(height, box.height);
      }
    }
    return {width, height};
  };
  const small = [];
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    if (!shown(el) || inline(el) || el.closest('[hidden], template')) continue;
    const {width, height} = size(el);
    if (width + 0.5 < min || height + 0.5 < min) {
      small.push(`${el.outerHTML.slice(0, 160)} is ${width.toFixed(1)} × ${height.toFixed(1)}`);
    }
  }
  return small;
}"""

_WIDTH_JS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  if (document.documentElement.scrollWidth > width) {
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.right > width + 1 && !el.closest('.table-scroll, pre, .diff-scroll')) {
        wide.push(`${el.tagName.toLowerCase()}.${el.className} right=${box.right.toFixed(0)}`);
      }
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 8)};
}"""

_MARK_CHINESE_JS = """() => {
  const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (/[\\u4e00-\\u9fff]{2,}/.test(node.data) && el && el.getClientRects().length && !el.closest('.visually-hidden')) {
      el.setAttribute('data-cjk-probe', '');
      return node.data.trim().slice(0, 40);
    }
  }
  return null;
}"""


def page_width(page: Page) -> None:
    found = page.evaluate(_WIDTH_JS)
    assert found["scroll"] <= found["width"], f"{page.url} scrolls sideways: {found}"


def tap_targets(page: Page) -> None:
    small = page.evaluate(_TARGETS_JS, MIN_TARGET)
    assert not small, f"{page.url}: tap targets under {MIN_TARGET} px:\n" + "\n".join(small)


#: faces with Simplified Chinese glyph forms. Chromium's own fallback for Han characters in an
#: English page is Noto Sans CJK JP (Japanese forms), so this also holds site.css's font stack
SIMPLIFIED_CHINESE_FONT = re.compile(r"CJK SC|Han Sans (SC|CN)|PingFang SC|YaHei|Hiragino Sans GB|WenQuanYi")


def chinese_font(page: Page) -> None:
    """The first Chinese text in the main content is drawn with a Simplified Chinese font (the
    platform font Chromium used for it, as DevTools reports it)."""
    text = page.evaluate(_MARK_CHINESE_JS)
    if text is None:
        return
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "[data-cjk-probe]"})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
        page.evaluate("document.querySelector('[data-cjk-probe]').removeAttribute('data-cjk-probe')")
    families = [font["familyName"] for font in fonts]
    assert any(SIMPLIFIED_CHINESE_FONT.search(name) for name in families), (
        f"{page.url}: {text!r} is drawn in {families}, no Simplified Chinese font"
    )


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8") + "\n;void 0"


def accessibility(page: Page) -> None:
    """axe-core's rules (WCAG 2.x A and AA, best practices): no serious or critical violation,
    and every landmark told apart from the others of its kind (two search forms on one page)."""
    assert AXE.exists(), f"{AXE} is missing: run `make browser-deps`"
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # evaluated through DevTools, to which the page's CSP does not apply (a <script> tag with
        # the file inline, as add_script_tag makes, is refused by `script-src 'self'`: rightly)
        page.evaluate(_axe_source())
    violations = page.evaluate(_AXE_RUN_JS)
    assert not violations, f"{page.url}: axe-core:\n" + "\n".join(violations)


_AXE_RUN_JS = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  const strict = ['landmark-unique'];  // moderate, but a screen reader's list of landmarks needs it
  return result.violations.filter(v => ['serious', 'critical'].includes(v.impact) || strict.includes(v.id)).map(v =>
    `${v.id} (${v.impact}): ${v.help}\\n    ` +
    v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' + n.failureSummary.replace(/\\n/g, ' ')).join('\\n    '));
}"""


def accessibility_without_script(page: Page, helper: Page) -> None:
    """axe-core on a page shown with JavaScript off: axe itself needs timers, which do not run
    there, so it checks a copy of the page as it stands (its HTML, served at its own address
    with the real CSS, site.js held back) in a page of the same size with JavaScript on."""
    url, html = page.url, page.content()
    helper.route(
        lambda address: address == url,
        lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"),
    )
    helper.route("**/static/js/**", lambda route: route.abort())
    try:
        helper.goto(url)
        accessibility(helper)
    finally:
        helper.unroute_all()


class Tab:
    """One browser page in a journey. It watches the page from the start, and `check(name)` runs
    every check on the page it shows now and saves its screenshot."""

    def __init__(self, page: Page, variant: str, helper: Page | None = None):
        self.page, self.variant = page, variant
        self.helper = helper  # for a page without JavaScript: where axe-core runs
        self.problems: list[str] = []
        self.expected: set[int] = set()
        self.checked: set[str] = set()
        self.visited: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught exception: {error}"))
        #: main-frame navigations begun so far, and how many had begun when each request did
        self._navigations = 0
        self._begun: dict = {}
        page.on("request", self._request)
        page.on("requestfinished", lambda request: self._begun.pop(request, None))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)
        page.on("framenavigated", self._navigated)

    def _console(self, message) -> None:
        if message.type != "error":
            return
        status = re.search(r"status of (\d+)", message.text)
        if status and int(status[1]) in self.expected:
            return
        self.problems.append(f"console error on {self.page.url}: {message.text}")

    def _request(self, request) -> None:
        self._begun[request] = self._navigations
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self._navigations += 1

    def _request_failed(self, request) -> None:
        # The browser aborts what a page was still fetching (its favicon, say) when the page is
        # replaced: that is the navigation, not a failure of the site. Any other failure counts.
        replaced = self._begun.pop(request, self._navigations) < self._navigations
        if replaced and "ERR_ABORTED" in (request.failure or ""):
            return
        self.problems.append(f"request failed: {request.method} {request.url}: {request.failure}")

    def _response(self, response) -> None:
        if response.status >= 400 and response.status not in self.expected:
            self.problems.append(f"{response.status} for {response.request.method} {response.url}")

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.visited.append(frame.url)

    @contextlib.contextmanager
    def expect_status(self, status: int):
        """Within the block a response with this status (e.g. 409 for a conflict) is expected."""
        self.expected.add(status)
        try:
            yield
        finally:
            self.expected.discard(status)

    def check(self, name: str) -> None:
        page = self.page
        page.wait_for_load_state("load")
        self.assert_clean()
        page_width(page)
        if self.variant.startswith("phone"):
            tap_targets(page)
        chinese_font(page)
        if self.helper is None:
            accessibility(page)
        else:
            accessibility_without_script(page, self.helper)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{self.variant}-{name}.png"), full_page=True)
        self.checked.add(page.url.split("#")[0])

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(self.problems)

    def assert_all_checked(self) -> None:
        """Every page the tab showed went through `check`."""
        missed = [
            url for url in self.visited if url.split("#")[0] not in self.checked and url != "about:blank"
        ]
        assert not missed, f"pages shown but not checked: {missed}"

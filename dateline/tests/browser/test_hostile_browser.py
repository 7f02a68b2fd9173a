"""Hostile content in a real browser: nothing a payload carries ever runs (issue 16).

The newsroom of `dateline/tests/hostile.py` is written through the services into pytest-django's
live server, and Chromium loads every reader page type with a page-wide detector:

- an init script (in every frame, before any of the page's own) defines the payloads' marker
  `window.__dl_hit` and replaces alert, confirm, prompt and print with recorders, and listens for
  `securitypolicyviolation` events;
- Playwright reports dialogs, uncaught page errors, popups and any navigation of the main frame
  away from the page that was asked for;
- after load, a DOM scan looks for event-handler attributes, javascript:/data:/vbscript: URLs,
  script elements other than the JSON-LD blocks, frames, objects, <base>, and SVG or MathML.

The pages are loaded once with the Content-Security-Policy bypassed, so the sanitising and escaping
are proven on their own, and again with it on (where a refusal is a finding too). The detector is
shown able to fail: pages with the payloads written in raw are caught, payload by payload.
"""

from __future__ import annotations

from typing import Any

import pytest

from dateline.tests import hostile
from dateline.tests.hostile import PAYLOADS, executable_ids

# Only the live-server test uses the database; the detector's own tests share one Chromium
# (`chromium`, module scope), which must not meet the database (see the conftest).
pytestmark = [pytest.mark.browser]

DETECTOR = """
(() => {
  const hits = [];
  const record = (kind, detail) => hits.push({kind, detail: String(detail), frame: location.href});
  Object.defineProperty(window, "__dl_hits", {value: hits});
  window.__dl_hit = (strings) => record("marker", Array.isArray(strings) ? strings.join("") : strings);
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    window[name] = (message) => record(name, message);
  }
  document.addEventListener("securitypolicyviolation", (event) => record(
    "csp", `${event.violatedDirective} ${event.blockedURI} ${event.sample || ""}`), true);
})();
"""

DOM_SCAN = """
() => {
  const found = [];
  const dangerous = (value) =>
    /^(javascript|data|vbscript):/i.test(value.replace(/[\\u0000-\\u0020]/g, ""));
  const urls = ["href", "src", "action", "formaction", "data", "xlink:href", "srcdoc", "poster"];
  for (const element of document.querySelectorAll("*")) {
    const tag = element.localName;
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith("on")) found.push(`<${tag} ${name}>`);
      if (urls.includes(name) && dangerous(attribute.value)) {
        found.push(`<${tag} ${name}=${attribute.value.slice(0, 40)}>`);
      }
    }
    if (tag === "script" && element.type !== "application/ld+json") found.push("<script>");
    if (["iframe", "frame", "object", "embed", "base"].includes(tag)) found.push(`<${tag}>`);
    if (tag === "meta" && /refresh/i.test(element.httpEquiv)) found.push("<meta refresh>");
    if (element.namespaceURI !== "http://www.w3.org/1999/xhtml") {
      found.push(`<${tag}> in ${element.namespaceURI}`);
    }
  }
  const shape = {
    main: document.querySelectorAll("main").length,
    footer: document.querySelectorAll("footer.site-footer").length,
    h1: document.querySelectorAll("h1").length,
  };
  return {found, shape};
}
"""


class Detector:
    """Everything one browser page reports that would mean a payload ran."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.events: list[str] = []
        self.expected_url = ""
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.events.append(f"pageerror: {error}"))
        page.on("popup", lambda popup: self.events.append(f"popup: {popup.url}"))
        page.on("framenavigated", self._navigated)

    def _dialog(self, dialog: Any) -> None:
        self.events.append(f"dialog {dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _navigated(self, frame: Any) -> None:
        if frame == self.page.main_frame and self.expected_url and frame.url != self.expected_url:
            self.events.append(f"navigated away to {frame.url[:80]}")

    def visit(self, url: str, *, expect: int = 200) -> list[str]:
        """Load `url`, wait for it to settle, and return everything suspicious it did or holds."""
        self.events.clear()
        self.expected_url = url
        response = self.page.goto(url, wait_until="load")
        problems = [] if response.status == expect else [f"status {response.status}"]
        return problems + self.inspect()

    def inspect(self) -> list[str]:
        """Return what the page reported since it loaded, its frames' records and the DOM scan."""
        self.page.wait_for_timeout(50)  # let autofocus, media errors and animations fire
        problems = list(self.events)
        for frame in self.page.frames:
            try:
                hits = frame.evaluate("() => window.__dl_hits || []")
            except Exception as error:  # a frame that went away is itself suspicious
                problems.append(f"frame {frame.url[:60]}: {error}")
                continue
            problems += [f"{h['kind']}: {h['detail']} ({h['frame'][:60]})" for h in hits]
        scan = self.page.evaluate(DOM_SCAN)
        problems += scan["found"]
        self.shape = scan["shape"]
        return problems


@pytest.fixture
def newsroom():
    """The hostile newsroom, written before the browser starts (Django refuses the database once
    Playwright's event loop runs)."""
    built = hostile.hostile_newsroom_build()
    pages: dict[str, tuple[str, int]] = {
        "home": ("/", 200),
        "on-this-day-today": ("/on-this-day/", 200),
        "on-this-day-date": ("/on-this-day/{}-{}/".format(*hostile.EVENT_DATE), 200),
        "search-results": ("/search/?q=hostile", 200),
        "not-found": ("/no-such-page/", 404),
    }
    for payload in PAYLOADS:
        for kind, path in built.page_paths(payload.id).items():
            pages[f"{kind}:{payload.id}"] = (path, 200)
        from urllib.parse import quote

        pages[f"search:{payload.id}"] = ("/search/?q=" + quote(payload.text[:1000]), 200)
    return pages


def _walk(browser: Any, base: str, pages: dict[str, tuple[str, int]], *, bypass_csp: bool) -> dict:
    context = browser.new_context(bypass_csp=bypass_csp, java_script_enabled=True)
    context.add_init_script(DETECTOR)
    page = context.new_page()
    detector = Detector(page)
    failures = {}
    for name, (path, status) in pages.items():
        problems = detector.visit(base + path, expect=status)
        if detector.shape != {"main": 1, "footer": 1, "h1": 1}:
            problems.append(f"page broken: {detector.shape}")
        if problems:
            failures[name] = problems
    context.close()
    return failures


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_payload_runs_or_breaks_a_page(live_server, newsroom, browser):
    """Every page type, every payload: nothing runs, with the CSP bypassed and with it on."""
    failures = _walk(browser, live_server.url, newsroom, bypass_csp=True)
    assert failures == {}, "with the CSP bypassed"
    listings = {k: v for k, v in newsroom.items() if ":" not in k or k.startswith("article:")}
    failures = _walk(browser, live_server.url, listings, bypass_csp=False)
    assert failures == {}, "with the CSP on"


# The detector can fail ---------------------------------------------------------------------------


def _raw_page(browser: Any, html: str) -> tuple[list[str], Any]:
    context = browser.new_context(bypass_csp=True)
    context.add_init_script(DETECTOR)
    page = context.new_page()
    detector = Detector(page)
    page.set_content(html, wait_until="load")
    return detector.inspect(), context


def test_the_detector_catches_the_raw_payloads(chromium):
    """Written into a page unsanitised, the payloads run and the detector names them."""
    raw = "\n".join(p.text for p in PAYLOADS if p.executable and not p.id.startswith("url-meta"))
    html = f"<!doctype html><title>raw</title><main><h1>raw</h1>{raw}</main>"
    problems, context = _raw_page(chromium, html)
    text = "\n".join(problems)
    # Written in raw one after another, some payloads swallow the next (an unclosed <style> in
    # <math>): the page still runs a good many and shows the rest in the scan.
    ran = {line.split()[1] for line in problems if line.startswith("marker: ")}
    assert {"script-plain", "script-src", "on-img-onerror"} <= ran, ran
    assert len(ran) >= 8, ran
    assert "onerror" in text and "javascript:" in text
    context.close()


def test_the_detector_catches_each_payload_alone(chromium):
    """Each executable payload, alone and unescaped where it would run, is caught: it ran, or the
    scan finds what would run it. One browser, one page per payload."""
    unnoticed = []
    for payload in PAYLOADS:
        if payload.id not in executable_ids():
            continue
        # A bare URL is dangerous as a link's address; anything else where its context puts it.
        if ":" in payload.text[:12]:
            markup = f'<a href="{payload.text}">x</a>'
        else:
            markup = payload.context.format(payload.text)
        problems, context = _raw_page(chromium, f"<!doctype html><title>x</title><p>{markup}</p>")
        context.close()
        if not problems:
            unnoticed.append(payload.id)
    assert unnoticed == []


def test_the_detector_catches_a_data_url_page_and_navigation(chromium):
    """A data: URL page that runs the marker, and a page that navigates away, are both caught."""
    context = chromium.new_context(bypass_csp=True)
    context.add_init_script(DETECTOR)
    page = context.new_page()
    detector = Detector(page)
    detector.expected_url = "data:text/html,<script>__dl_hit`data-page`</script>"
    page.goto(detector.expected_url)
    assert "marker: data-page" in "\n".join(detector.inspect())
    detector.events.clear()
    page.set_content("<p>x</p>")
    detector.expected_url = page.url
    page.evaluate("() => { location.href = 'about:blank#away'; }")
    page.wait_for_timeout(200)
    assert any("navigated away" in event for event in detector.events)
    context.close()

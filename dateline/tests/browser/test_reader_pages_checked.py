"""Every reader page type of the demo, with its pictures, through axe-core and the Nu HTML Checker.

axe must find no violation of any impact; vnu no error. One test also loads pages with the strict
Content-Security-Policy in force and listens for anything the policy refused.
"""

from __future__ import annotations

import pytest

from dateline.distribution.tests.test_html_validity import (
    VNU_JAR,
    checker_command,
    html_errors,
)
from dateline.tests.browser.conftest import (
    READER_PAGES,
    REFERENCE_PATH,
    axe_violations,
    describe,
    missing,
)

pytestmark = [pytest.mark.browser]

# Every reader page type, and the pages of notes on stories: /corrections/ and the demo's stories
# with a correction and with a clarification.
CHECKED_PAGES = {
    **READER_PAGES,
    "corrections": "/corrections/",
    "article-with-correction": "/local/tram-extension-to-east-millbrook-opens/",
    "article-with-clarification": "/science/soil-fungi-may-be-bigger-carbon-store/",
}


@pytest.mark.parametrize("name", list(CHECKED_PAGES))
def test_axe_finds_no_violation(demo_site, chromium, name):
    context = chromium.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    response = page.goto(demo_site.url + CHECKED_PAGES[name])
    assert response.status == (404 if name == "not-found" else 200)
    # Decode every picture first, so axe judges the page as a reader finally sees it.
    page.evaluate(
        """async () => { for (const img of document.images) { img.loading = "eager"; }
           await Promise.all([...document.images].map(img => img.decode().catch(() => null))); }"""
    )
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    context.close()


def test_html_checker_finds_no_error(demo_site):
    command = checker_command()
    if command is None:
        missing(f"Nu HTML Checker unavailable (need java and {VNU_JAR}; run npm ci in tools/vnu)")
    pages = {}
    for name, path in CHECKED_PAGES.items():
        status, body = demo_site.get(path)
        assert status == (404 if name == "not-found" else 200), path
        pages[name] = body.encode("utf-8")
    errors = html_errors(command, pages)
    assert errors == [], "\n".join(errors)


def test_strict_csp_refuses_nothing_the_pages_use(demo_site, chromium):
    """Without bypass_csp: the pages' own styles, pictures and links work under their policy."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    # Listen from the first byte of each document (an init script is not subject to the policy).
    context.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page = context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    for path in ("/", REFERENCE_PATH, "/search/?q=pipeline"):
        response = page.goto(demo_site.url + path)
        assert response.status == 200
        assert "content-security-policy" in response.headers, path
        for img in page.locator("img").all():
            img.scroll_into_view_if_needed()
        page.wait_for_load_state("networkidle")
        refused.extend(page.evaluate("() => window.__csp"))
    assert refused == [], refused
    context.close()

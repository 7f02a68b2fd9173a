"""Every reader page type of the demo, with its pictures, through axe-core and the Nu HTML Checker.

axe must find no violation of any impact; vnu no error. One test also loads pages with the strict
Content-Security-Policy in force and listens for anything the policy refused, and one runs both
checkers again with the demo's breaking-news banner switched on.
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
    log_in,
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


def _demo_banner_switch(page, base: str, *, on: bool) -> None:
    """Tick or untick "Show the banner" in Settings → Breaking news as the demo editor, and save."""
    page.goto(base + "/admin/settings/breaking/breakingnews/")
    page.get_by_role("checkbox", name="Show the banner").set_checked(on)
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert "Breaking news updated" in page.locator(".messages").inner_text()


def test_every_page_type_passes_both_checkers_with_the_demo_banner_on(demo_site, chromium):
    """The demo's prepared banner, switched on by its editor: on every page type, axe and vnu clean."""
    command = checker_command()
    if command is None:
        missing(f"Nu HTML Checker unavailable (need java and {VNU_JAR}; run npm ci in tools/vnu)")
    desk = chromium.new_context(viewport={"width": 1280, "height": 900})
    editing = desk.new_page()
    log_in(editing, demo_site.url)
    context = chromium.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _demo_banner_switch(editing, demo_site.url, on=True)
    try:
        pages = {}
        for name, path in READER_PAGES.items():
            response = page.goto(demo_site.url + path)
            assert page.get_by_role("region", name="Breaking news").is_visible(), name
            pages[name] = response.body()
            violations = axe_violations(page)
            assert violations == [], describe(violations)
        errors = html_errors(command, pages)
        assert errors == [], "\n".join(errors)
    finally:
        # The other tests of the session share this demo: it goes back as it was.
        _demo_banner_switch(editing, demo_site.url, on=False)
    assert 'class="breaking' not in demo_site.get("/")[1]
    context.close()
    desk.close()

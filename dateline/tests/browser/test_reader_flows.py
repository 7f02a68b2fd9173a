"""A reader's walk through the demo in Chromium: links followed by clicking, the keyboard alone,
a 320 px phone, and a browser with JavaScript switched off."""

from __future__ import annotations

import re

import pytest

from dateline.tests.browser.conftest import READER_PAGES

pytestmark = [pytest.mark.browser]

# Playwright's predicates are strings, which the pages' CSP forbids: contexts that evaluate them
# bypass the policy (test_reader_pages_checked.py checks the policy itself).
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "bypass_csp": True}


def pictures_loaded(page) -> list[str]:
    """Bring every picture into view, wait for it, and return the sources that did not decode."""
    return page.evaluate(
        """async () => {
            for (const img of document.images) { img.loading = "eager"; }
            await Promise.all([...document.images].map(img => img.decode().catch(() => null)));
            return [...document.images].filter(img => !img.naturalWidth).map(img => img.currentSrc);
        }"""
    )


def assert_article_complete(page) -> None:
    """Every part of an article page is there and visible, and its lead picture has loaded."""
    for selector in (
        ".dateline time",
        ".article__sections a",
        "h1.article__headline",
        ".article__body p",
        ".byline a",
        "aside.related-news li a",
        "aside.about-us",
        "aside.on-this-day",
    ):
        assert page.locator(selector).first.is_visible(), selector
    assert page.locator(".dateline").inner_text().strip(), "empty date line"
    lead = page.locator(".lead-image img")
    assert lead.count() == 1, "no lead picture"
    assert pictures_loaded(page) == []
    assert lead.evaluate("img => img.naturalWidth") > 0


def test_a_reader_follows_links_from_the_front_page_to_a_missing_page(demo_site, chromium):
    context = chromium.new_context(**DESKTOP)
    page = context.new_page()
    page.goto(demo_site.url + "/")
    assert pictures_loaded(page) == []

    page.locator("nav[aria-label='Sections']").get_by_role("link", name="China News").click()
    assert page.locator("h1").inner_text() == "China News"
    assert page.url == demo_site.url + "/china-news/"

    # The section's first pictured story.
    story = page.locator("article.card--pictured .card__headline a").first
    headline = story.inner_text()
    story.click()
    assert page.locator("h1").inner_text() == headline
    assert_article_complete(page)

    related = page.locator("aside.related-news li a").first
    related_title = related.inner_text()
    related.click()
    assert page.locator("h1").inner_text() == related_title

    author = page.locator(".byline a").first
    author_name = author.inner_text()
    author.click()
    assert page.url.startswith(demo_site.url + "/authors/")
    assert author_name in page.locator("h1").inner_text()
    assert page.locator(".card__headline a").count() >= 1

    page.go_back()
    if not page.locator(".article__tags a").count():
        # A story an editor flow wrote (no tags) may be the first related one: the story before.
        page.go_back()
    tag = page.locator(".article__tags a").first
    tag_name = tag.inner_text()
    tag.click()
    assert page.url.startswith(demo_site.url + "/tags/")
    assert tag_name.lower() in page.locator("h1").inner_text().lower()

    page.fill("#site-search", "pipelines")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=pipelines"))
    summary = page.locator(".search-summary").inner_text()
    assert re.match(r"[1-9]\d* results? for", summary), summary
    assert page.locator(".search-result").count() >= 1

    more = page.locator("aside.on-this-day .on-this-day__more a")
    more.click()
    assert re.search(r"/on-this-day/\d{1,2}-\d{1,2}/$", page.url), page.url
    assert page.locator("h1").is_visible()

    response = page.goto(demo_site.url + "/china-news/no-such-story/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    assert page.locator("nav[aria-label='Sections'] a").count() >= 6, "404 keeps the site's menu"
    context.close()


def test_a_section_pages_through_older_stories(demo_site, chromium):
    context = chromium.new_context(**DESKTOP)
    page = context.new_page()
    page.goto(demo_site.url + "/local/")
    pages = page.locator(".pagination span").inner_text()
    total = int(re.match(r"Page 1 of (\d+)", pages).group(1))
    assert total >= 2, pages
    first = page.locator(".card__headline a").all_inner_texts()
    page.get_by_role("link", name="Older stories").click()
    assert page.url.endswith("/local/?page=2")
    assert page.locator(".pagination span").inner_text() == f"Page 2 of {total}"
    second = page.locator(".card__headline a").all_inner_texts()
    assert second and not set(first) & set(second), "page 2 repeats page 1"
    page.get_by_role("link", name="Newer stories").click()
    assert page.locator(".card__headline a").all_inner_texts() == first
    # A page number past the end, or not a number, is an answer, never a server error.
    for query in (f"?page={total + 5}", "?page=abc"):
        response = page.goto(demo_site.url + "/local/" + query)
        assert response.status in (200, 404), query
    context.close()


def focus_is_visible(page) -> bool:
    """Whether the focused element draws an outline or a focus ring."""
    return page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0)
                          || s.boxShadow !== "none"; }"""
    )


def test_the_keyboard_alone_reaches_a_story_with_visible_focus(demo_site, chromium):
    context = chromium.new_context(**DESKTOP)
    page = context.new_page()
    page.goto(demo_site.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator("a.skip-link").bounding_box()["y"] >= 0, "focused skip link is on screen"
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # From the main content, Tab moves through its links, each with visible focus.
    for _ in range(3):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('main') !== null")
        assert focus_is_visible(page), page.evaluate("document.activeElement.outerHTML")
    for _ in range(40):
        if page.evaluate("document.activeElement.matches('.card__headline a')"):
            break
        page.keyboard.press("Tab")
    headline = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == headline
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    context.close()


@pytest.mark.parametrize("name", list(READER_PAGES))
def test_nothing_scrolls_sideways_at_320px(demo_site, chromium, name):
    context = chromium.new_context(viewport={"width": 320, "height": 640}, bypass_csp=True)
    page = context.new_page()
    page.goto(demo_site.url + READER_PAGES[name])
    assert pictures_loaded(page) == []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} is {overflow}px wider than a 320px screen"
    context.close()


def test_everything_works_with_javascript_switched_off(demo_site, chromium):
    context = chromium.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    failed: list[str] = []
    page.on(
        "response",
        lambda r: (
            failed.append(f"{r.status} {r.url}")
            if r.request.resource_type in {"image", "stylesheet"} and r.status >= 400
            else None
        ),
    )
    page.goto(demo_site.url + "/")
    page.locator("nav[aria-label='Sections']").get_by_role("link", name="Russia News").click()
    assert page.locator("h1").inner_text() == "Russia News"
    page.locator(".card__headline a").first.click()
    for selector in ("h1.article__headline", ".article__body p", "aside.related-news li a"):
        assert page.locator(selector).first.is_visible(), selector
    page.locator("aside.related-news li a").first.click()
    assert page.locator("h1.article__headline").is_visible()
    page.fill("#site-search", "Mei Lin")
    page.locator("header form[role='search'] button").click()
    assert "Mei+Lin" in page.url or "Mei%20Lin" in page.url
    assert page.locator(".search-result").count() >= 1
    page.goto(demo_site.url + "/local/")
    page.get_by_role("link", name="Older stories").click()
    assert page.url.endswith("?page=2")
    page.goto(demo_site.url + "/on-this-day/")
    assert page.locator("h1").is_visible()
    assert failed == [], failed
    context.close()

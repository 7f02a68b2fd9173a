"""The reader pages in a real browser: readable at 320px, a working skip link, visible focus.

Drives Debian's Chromium through Playwright against pytest-django's live server (the `browser`
fixture of this package's conftest).
"""

from __future__ import annotations

import pytest

from dateline.newsroom.factories import (
    ArticlePageFactory,
    AuthorFactory,
    SectionPageFactory,
    home_page,
    paragraphs,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def article_url():
    section = SectionPageFactory(parent=home_page(), title="Science & Technology", slug="science")
    article = ArticlePageFactory(
        parent=section,
        title="Researchers map the Averley valley's underground streams with new seismic sensors",
        body=paragraphs(
            "A long paragraph with an unbreakable address such as "
            "https://example.org/a/very/long/path/that/should/wrap/instead/of/overflowing/the/page",
            "Another paragraph.",
        ),
        authors=[AuthorFactory(name="Seo-yeon Kim", slug="seo-yeon-kim")],
    )
    return article.url


@pytest.mark.parametrize("width", [320, 1280])
def test_article_fits_the_viewport(live_server, article_url, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(live_server.url + article_url)
    assert page.locator("h1").count() == 1
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than a {width}px screen"
    font_size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.article__body p')).fontSize)"
    )
    assert font_size >= 16
    page.close()


def test_skip_link_is_first_and_visible_on_focus(live_server, article_url, browser):
    page = browser.new_page(viewport={"width": 320, "height": 640})
    page.goto(live_server.url + article_url)
    skip = page.locator("a.skip-link")
    assert skip.bounding_box()["y"] < 0, "skip link should be hidden until focused"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert skip.bounding_box()["y"] >= 0, "focused skip link must be on screen"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus must be visible"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.close()


def test_landmarks_and_styled_404(live_server, article_url, browser):
    page = browser.new_page()
    page.goto(live_server.url + article_url)
    for selector in (
        "header",
        "nav[aria-label='Sections']",
        "main",
        "footer",
        "form[role='search']",
    ):
        assert page.locator(selector).count() >= 1, selector
    response = page.goto(live_server.url + "/no-such-page/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    background = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).borderBottomStyle"
    )
    assert background == "solid", "the 404 page should carry the site's styles"
    page.close()

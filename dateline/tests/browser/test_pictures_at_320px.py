"""Pictures in a real browser: at 320 px the front page and an article do not scroll sideways, the
section menu stays on one line, and every picture loads (lazy ones once scrolled to)."""

from __future__ import annotations

import pytest

from dateline.newsroom.factories import (
    ArticlePageFactory,
    AuthorFactory,
    ImageFactory,
    SectionPageFactory,
    home_page,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SECTIONS = ["China News", "Russia News", "World", "Business", "Science & Technology", "Local"]


@pytest.fixture
def pictured_site():
    home = home_page()
    sections = [
        SectionPageFactory(parent=home, title=title, slug=f"desk-{n}")
        for n, title in enumerate(SECTIONS)
    ]
    author = AuthorFactory(name="Mei Lin", slug="mei-lin")
    articles = [
        ArticlePageFactory(
            parent=sections[n % len(sections)],
            title=f"Harbour cranes return to work on the east quay, report {n}",
            lead_image=ImageFactory(),
            authors=[author],
        )
        for n in range(8)
    ]
    return articles[0].url


@pytest.mark.parametrize("path", ["/", "article"])
def test_pictures_load_and_nothing_scrolls_sideways_at_320px(
    live_server,
    pictured_site,
    browser,
    path,
):
    # Playwright's wait_for_function evaluates a string, which the page's CSP forbids.
    page = browser.new_page(viewport={"width": 320, "height": 640}, bypass_csp=True)
    page.goto(live_server.url + (pictured_site if path == "article" else path))
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than a 320px screen"
    rows = page.evaluate(
        "new Set([...document.querySelectorAll('.section-nav li')]"
        ".map(li => Math.round(li.getBoundingClientRect().top))).size"
    )
    assert rows == 1, f"the section menu takes {rows} lines"
    # Bring every lazy picture into view, then check each one was decoded.
    page.evaluate(
        "for (const img of document.querySelectorAll('img')) img.scrollIntoView({block: 'center'})"
    )
    page.wait_for_function(
        "[...document.querySelectorAll('img')].every(img => img.complete)", timeout=20_000
    )
    broken = page.evaluate(
        "[...document.querySelectorAll('img')].filter(img => !img.naturalWidth).map(img => img.src)"
    )
    assert page.locator("img").count() >= 1
    assert broken == [], f"pictures that did not load: {broken}"
    page.close()

"""The breaking-news banner in a real browser: an editor switches it on and off, readers see it.

An editor (the roles migration's Editor group, not a superuser) fills in Settings → Breaking news in
Chromium; a reader with no cookies, whose pages come from the page cache, sees the banner on every
page at once and loses it at once when the editor takes it down. With the banner shown, axe finds no
violation and the Nu HTML Checker no error, and the page does not scroll sideways at 320 px.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import ModelLogEntry, Site

from dateline.breaking.models import BreakingNews
from dateline.cache import store
from dateline.distribution.tests.test_html_validity import VNU_JAR, checker_command, html_errors
from dateline.newsroom.factories import (
    ArticlePageFactory,
    AuthorFactory,
    SectionPageFactory,
    home_page,
    paragraphs,
)
from dateline.tests.browser.conftest import axe_violations, describe, eventually, missing

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "desk-pw-1"
TEXT = "Flood warning on the River Averley: the riverside path is closed while the water is high"


@pytest.fixture
def newsroom(settings):
    """Two desks, a story to link to, and an editor; the page cache on, as readers have it."""
    settings.DATELINE_PAGE_CACHE = True
    store.store().clear()
    store.memo.clear()
    home = home_page()
    local = SectionPageFactory(parent=home, title="Local", slug="local")
    SectionPageFactory(parent=home, title="Science", slug="science")
    story = ArticlePageFactory(
        parent=local,
        slug="flood-defences",
        title="Work begins on the River Averley flood defences",
        body=paragraphs(
            "Contractors began work on the new flood walls along the River Averley on Monday.",
            "The riverside path will close whenever the river rises above the warning mark.",
        ),
        authors=[AuthorFactory(name="Tomás Ruiz", slug="tomas-ruiz")],
    )
    editor = get_user_model().objects.create_user("desk", "desk@example.org", PASSWORD)
    editor.groups.add(Group.objects.get(name="Editor"))
    return {"story": story, "editor": editor, "site": Site.objects.get(is_default_site=True)}


def log_in(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/admin/")


def banner_save(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert "Breaking news updated" in page.locator(".messages").inner_text()


def test_an_editor_switches_the_banner_on_and_readers_see_it_at_once(
    live_server, newsroom, browser, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # database reads beside Playwright
    base = live_server.url
    story = newsroom["story"]
    pages = {
        "home": "/",
        "section": "/local/",
        "article": story.url,
        "author": "/authors/tomas-ruiz/",
    }
    reader = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    reading = reader.new_page()
    for path in pages.values():
        # The first renders create the site's other settings rows (a purge each), so a page may
        # take a few requests to stay cached.
        assert eventually(
            lambda path=path: reading.goto(base + path).headers["x-dateline-cache"] == "hit",
            timeout=10,
            every=0,
        ), path
        assert reading.locator(".breaking").count() == 0

    # The editor: Settings → Breaking news, from the admin's menu.
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    editing = desk.new_page()
    log_in(editing, base, "desk", PASSWORD)
    editing.goto(f"{base}/admin/settings/breaking/breakingnews/{newsroom['site'].pk}/")
    editing.get_by_role("checkbox", name="Show the banner").check()
    editing.get_by_role("combobox", name="Severity").select_option("alert")
    editing.get_by_role("textbox", name="Text", exact=True).fill(TEXT)
    editing.get_by_role("button", name="Choose a page").click()
    chooser = editing.locator(".modal")
    chooser.get_by_role("textbox", name="Search").fill("flood defences")
    chooser.get_by_role("link", name=story.title).click()
    editing.locator(".modal").wait_for(state="hidden")
    banner_save(editing)

    # Every page, each one cached a moment ago, shows it on the reader's next request.
    bodies = {}
    for name, path in pages.items():
        response = reading.goto(base + path)
        assert response.headers["x-dateline-cache"] == "miss", path
        region = reading.get_by_role("region", name="Breaking news")
        assert region.is_visible(), path
        assert region.inner_text().startswith("ALERT"), region.inner_text()
        assert region.get_by_role("link", name=TEXT).get_attribute("href") == story.url
        bodies[name] = response.body()
        violations = axe_violations(reading)
        assert violations == [], describe(violations)

    command = checker_command()
    if command is None:
        missing(f"Nu HTML Checker unavailable (need java and {VNU_JAR}; run npm ci in tools/vnu)")
    errors = html_errors(command, bodies)
    assert errors == [], "\n".join(errors)

    # A phone: the banner wraps, the page never scrolls sideways.
    phone = browser.new_context(viewport={"width": 320, "height": 640})
    small = phone.new_page()
    for path in pages.values():
        small.goto(base + path)
        assert small.locator(".breaking").is_visible()
        widths = small.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], (path, widths)
    phone.close()

    # The other severities keep their contrast too (each word on its own colours).
    for severity in ("breaking", "developing"):
        editing.get_by_role("combobox", name="Severity").select_option(severity)
        banner_save(editing)
        reading.goto(base + story.url)
        assert (
            reading.get_by_role("region", name="Breaking news")
            .inner_text()
            .startswith(severity.upper())
        )
        violations = axe_violations(reading)
        assert violations == [], describe(violations)

    # Taken down: gone from every page at once; the history names the editor each time.
    editing.get_by_role("checkbox", name="Show the banner").uncheck()
    banner_save(editing)
    for path in pages.values():
        reading.goto(base + path)
        assert reading.locator(".breaking").count() == 0, path
    setting = BreakingNews.for_site(newsroom["site"])
    entries = ModelLogEntry.objects.filter(action="wagtail.edit", object_id=str(setting.pk))
    assert [entry.user_id for entry in entries] == [newsroom["editor"].pk] * 4
    desk.close()
    reader.close()

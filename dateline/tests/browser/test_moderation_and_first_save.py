"""The editor's desk in a real browser: a moderator's approval goes through the quality policy.

Drives Debian's Chromium through Playwright (the `browser` fixture is in this package's conftest).
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Workflow, WorkflowState

from dateline.newsroom.factories import AuthorFactory, SectionPageFactory, home_page
from dateline.newsroom.models import ArticlePage
from dateline.newsroom.services import article_save

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "moderator-pw-1"


@pytest.fixture
def submitted_story():
    """A story with a "TK" left in it, written by a reporter and waiting for a moderator."""
    section = SectionPageFactory(parent=home_page(), title="China News", slug="china-news")
    users = get_user_model().objects
    reporter = users.create_user("reporter", "reporter@example.org", "reporter-pw-1")
    reporter.groups.add(Group.objects.get(name="Editors"))
    moderator = users.create_user("moderator", "moderator@example.org", PASSWORD)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    story = article_save(
        section=section,
        slug="tk-story",
        title="Ministers meet in Beijing",
        body=[{"type": "paragraph", "value": "<p>The minister said TK in Beijing.</p>"}],
        authors=[AuthorFactory(name="Mei Lin", slug="mei-lin")],
        publish=False,
    )
    Workflow.objects.get(name="Moderators approval").start(story, reporter)
    return story


def log_in(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/admin/")


def test_approve_and_publish_is_refused_with_the_reasons(
    live_server,
    submitted_story,
    browser,
    monkeypatch,
):
    # Playwright's synchronous API runs an event loop in this thread; the database reads below are
    # still ordinary blocking calls, which Django would otherwise refuse inside a loop.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_server.url, "moderator", PASSWORD)
    page.goto(f"{live_server.url}/admin/pages/{submitted_story.pk}/edit/")
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    page.get_by_role("button", name="Approve and Publish", exact=True).click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/admin/pages/{submitted_story.pk}/edit/")
    message = page.locator(".messages").inner_text()
    assert "Not approved" in message and "placeholder-token" in message, message
    story = ArticlePage.objects.get(pk=submitted_story.pk)
    assert not story.live
    assert story.workflow_states.get().status == WorkflowState.STATUS_IN_PROGRESS
    page.close()


@pytest.fixture
def desk():
    """A section and an author, and a superuser editor to write with."""
    section = SectionPageFactory(parent=home_page(), title="Local", slug="local")
    AuthorFactory(name="Mei Lin", slug="mei-lin")
    get_user_model().objects.create_superuser("editor", "editor@example.org", PASSWORD)
    return section


def test_a_new_article_saves_on_the_first_try(live_server, desk, browser, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_server.url, "editor", PASSWORD)
    page.goto(f"{live_server.url}/admin/pages/add/newsroom/articlepage/{desk.pk}/")
    page.fill("#id_title", "Harbour cranes return to the old docks")
    page.keyboard.press("Tab")  # the journalist types the headline only: the slug follows it
    page.get_by_role("button", name="Choose author").first.click()
    page.get_by_role("link", name="Mei Lin").click()
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()
    messages = page.locator(".messages").inner_text()
    assert "Page 'Harbour cranes return to the old docks' created" in messages, messages
    story = ArticlePage.objects.get(title="Harbour cranes return to the old docks")
    assert story.slug == "harbour-cranes-return-to-the-old-docks"
    assert page.url.endswith(f"/admin/pages/{story.pk}/edit/")
    page.close()

"""A journalist corrects a published story in Chromium, and readers see the correction everywhere.

On the demo server, as the other editor flows: the editor publishes a story of their own, opens it
in the admin, chooses "Add a correction" from the story's Actions menu (the form opens with the
story filled in), writes the correction and saves; then a reader without the editor's cookies (so
served by the page cache, which the note must have purged) finds it on the story, on /corrections/,
in the corrections feed and in the story's JSON-LD.
"""

from __future__ import annotations

import datetime as dt
import json

import feedparser
import pytest

from dateline.tests.browser.conftest import axe_violations, describe, unique
from dateline.tests.browser.test_editor_flows import desk, publish_new  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser]


def _news_article(reader) -> dict:
    for script in reader.locator("script[type='application/ld+json']").all():
        data = json.loads(script.text_content())
        if data.get("@type") == "NewsArticle":
            return data
    raise AssertionError("no NewsArticle on the page")


def test_a_journalist_corrects_a_published_story(demo_site, desk):  # noqa: F811 - the fixture
    editor, reader = desk
    base = demo_site.url
    title = unique("Averley footbridge closes for repairs")
    story = publish_new(
        editor,
        base,
        title=title,
        section="Local",
        authors=["Priya Raman"],
        paragraphs=[
            "The footbridge over the River Averley near Millbrook station closed on Monday for "
            "repairs to its deck, and walkers are being sent along the road bridge instead.",
        ],
    )
    # The reader has the story cached before the correction.
    reader.goto(base + story.path)
    assert reader.locator(".article-notes").count() == 0
    assert reader.locator("p.updated").count() == 0

    editor.goto(f"{base}/admin/pages/{story.pk}/edit/")
    editor.get_by_role("navigation", name="Actions", exact=True).get_by_role(
        "button", name="Actions"
    ).click()
    editor.get_by_role("link", name="Add a correction").click()
    editor.wait_for_load_state()
    assert editor.locator("#id_article").input_value() == str(story.pk)
    correction = unique("An earlier version of this story said the bridge would reopen in May")
    editor.get_by_role("textbox", name="Text").fill(correction + "; the council now expects June.")
    with editor.expect_navigation():
        editor.get_by_role("button", name="Save").click()
    editor.wait_for_load_state()
    assert "created" in editor.locator(".messages").inner_text().lower()

    reader.goto(base + story.path)
    note = reader.locator(".article-notes--foot .article-note")
    assert note.count() == 1
    assert correction in note.inner_text()
    assert "Correction" in note.locator(".article-note__meta").inner_text()
    assert reader.locator("p.updated").count() == 1
    data = _news_article(reader)
    (comment,) = data["correction"]
    assert comment["@type"] == "CorrectionComment"
    assert correction in comment["text"]
    # The form's "when made" is to the minute, so a note in the story's first minute may be dated
    # before its publication: dateModified is then the publication, never earlier.
    modified = dt.datetime.fromisoformat(data["dateModified"])
    assert modified >= dt.datetime.fromisoformat(comment["datePublished"])
    assert modified >= dt.datetime.fromisoformat(data["datePublished"])

    reader.goto(base + "/corrections/")
    first = reader.locator(".corrections-list__item").first
    assert title in first.inner_text() and correction in first.inner_text()
    violations = axe_violations(reader)
    assert violations == [], describe(violations)

    feed = feedparser.parse(demo_site.get("/corrections/feed/")[1])
    assert feed.entries[0].title == f"Correction: {title}"
    assert correction in feed.entries[0].summary

    # The story's history names the correction.
    editor.goto(f"{base}/admin/pages/{story.pk}/history/")
    assert correction in editor.locator("main").inner_text()

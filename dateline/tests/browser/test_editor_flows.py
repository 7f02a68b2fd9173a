"""The editor's desk in Chromium, on the demo: each test logs in from a fresh browser context,
writes stories of its own (unique headlines) through Wagtail's admin, and checks what readers see.

Readers are a second context without the editor's cookies, so they get what the page cache
serves; publishing purges, so what readers see is asserted once Publish returns, with a poll
only where the demo's worker has work to do (Related News lists, scheduled publishing).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass

import pytest
from defusedxml import ElementTree as ET
from PIL import Image

from dateline.tests.browser.conftest import (
    axe_violations,
    describe,
    eventually,
    log_in,
    unique,
)

pytestmark = [pytest.mark.browser]

EDITOR = {"viewport": {"width": 1280, "height": 900}, "bypass_csp": True}
FILLER = (
    "The argument in favor of using filler text goes something like this: If you use arey real "
    "content in the Consulting Process anytime you reachtent."
)


@dataclass
class Story:
    """A story an editor wrote in the admin: its id, headline and reader URL."""

    pk: int
    title: str
    path: str = ""


def admin_page_id(page, base: str, title: str) -> int:
    """Return the id of the page titled `title`, found with the admin's page search."""
    page.goto(f"{base}/admin/pages/search/?q={title.replace(' ', '+')}")
    link = page.locator("a[href*='/edit/']", has_text=re.compile(rf"^\s*{re.escape(title)}\s*$"))
    href = link.first.get_attribute("href")
    return int(re.search(r"/pages/(\d+)/edit/", href).group(1))


def choose_author(page, slot: int, name: str) -> None:
    """Fill author slot `slot` (0-based) with `name` through the author chooser."""
    page.locator(f"#id_article_authors-{slot}-author").locator("xpath=..").locator(
        "button[data-chooser-action-choose]"
    ).first.click()
    page.locator(".modal-dialog").get_by_role("link", name=name, exact=True).click()
    page.wait_for_selector(".modal-dialog", state="detached")


def add_paragraph(page, text: str) -> None:
    """Add a paragraph block at the end of the body and type `text` into it."""
    page.locator("[data-contentpath='body'] button.c-sf-add-button").last.click()
    page.get_by_role("option", name="Paragraph").click()
    box = page.locator("[data-contentpath='body'] .public-DraftEditor-content").last
    box.click()
    page.keyboard.type(text)
    # Under load Draftail can take focus after the first keystrokes, or not at all: type the
    # block again until it holds the text, so no test publishes a story it did not write.
    for _ in range(3):
        if box.inner_text().strip() == text:
            return
        box.click()
        page.keyboard.press("Control+A")
        page.keyboard.type(text)
    assert box.inner_text().strip() == text, f"could not type {text[:40]!r} into the body"


def upload_lead_image(page, path, *, title: str, alt: str) -> None:
    """Upload a picture through the lead image chooser's Upload tab."""
    page.locator("[data-contentpath='lead_image'] button[data-chooser-action-choose]").click()
    modal = page.locator(".modal-dialog")
    modal.get_by_role("tab", name="Upload").click()
    modal.locator("input[type=file]").set_input_files(str(path))
    modal.locator("#id_image-chooser-upload-title").fill(title)
    modal.locator("#id_image-chooser-upload-description").fill(alt)
    modal.get_by_role("button", name="Upload").click()
    page.wait_for_selector(".modal-dialog", state="detached")


def save_draft(page) -> None:
    """Press Save draft and wait for the editor to come back (the page the save navigates to).

    Waiting for that navigation, not only for a load state the current page already has, keeps a
    test from reading the messages of the page before the save.
    """
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()


def publish(page, action: str = "Publish") -> str:
    """Open the publish menu, press `action`, and return the messages Wagtail shows."""
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    with page.expect_navigation():  # the messages of the page the publish leads to, not before
        page.get_by_role("button", name=action, exact=True).click()
    page.wait_for_load_state()
    return page.locator(".messages").inner_text()


def write_story(
    page,
    base: str,
    *,
    title: str,
    section: str,
    paragraphs: list[str],
    authors: list[str],
    extra_sections: list[str] = (),
    tags: list[str] = (),
    standfirst: str = "",
) -> Story:
    """Write a new story in `section` as an editor would (no slug typed) and save it as a draft."""
    page.goto(f"{base}/admin/pages/add/newsroom/articlepage/{admin_page_id(page, base, section)}/")
    page.fill("#id_title", title)
    page.keyboard.press("Tab")
    if standfirst:
        page.fill("#id_standfirst", standfirst)
    for text in paragraphs:
        add_paragraph(page, text)
    for slot, name in enumerate(authors):
        if slot:
            page.get_by_role("button", name="Add author").click()
        choose_author(page, slot, name)
    for name in extra_sections:
        page.get_by_label(name, exact=True).check()
    if tags:
        box = page.locator("[data-contentpath='tags'] input.ui-autocomplete-input")
        for tag in tags:
            box.fill(tag)
            box.press("Enter")
    save_draft(page)
    messages = page.locator(".messages").inner_text()
    errors = page.locator(".error-message, .w-field__errors p").all_inner_texts()
    # Wagtail's autosave may have created the page while the editor typed: the explicit save then
    # reports an update. Either way the story is saved.
    saved = f"Page '{title}' created" in messages or f"Page '{title}' has been updated" in messages
    assert saved, (messages, errors)
    pk = int(re.search(r"/pages/(\d+)/edit/", page.url).group(1))
    return Story(pk=pk, title=title)


def reader_titles(reader, base: str, path: str) -> str:
    """Return the visible text of a reader page (fetched without the editor's cookies)."""
    reader.goto(base + path)
    return reader.locator("body").inner_text()


def picture(tmp_path, name: str):
    """Draw a picture of our own (noise, so no two runs upload the same file) and save it."""
    path = tmp_path / f"{name}.jpg"
    noise = Image.frombytes("RGB", (40, 24), os.urandom(40 * 24 * 3))
    noise.resize((1600, 960), Image.Resampling.BICUBIC).save(path, quality=85)
    return path


@pytest.fixture
def desk(demo_site, chromium):
    """A fresh, logged-in editor context and a fresh reader context."""
    editor_context = chromium.new_context(**EDITOR)
    reader_context = chromium.new_context(**EDITOR)
    editor = editor_context.new_page()
    log_in(editor, demo_site.url)
    yield editor, reader_context.new_page()
    editor_context.close()
    reader_context.close()


def test_an_editor_writes_a_pictured_story_and_readers_see_it_everywhere(demo_site, desk, tmp_path):
    editor, reader = desk
    base = demo_site.url
    title = unique("Wang Yi and Sergei Lavrov agree Arctic shipping talks in Beijing")
    story = write_story(
        editor,
        base,
        title=title,
        section="China News",
        extra_sections=["Russia News"],
        authors=["Mei Lin", "Anya Sokolova"],
        tags=["diplomacy", "china-russia"],
        standfirst="The foreign ministers of China and Russia plan talks on Arctic shipping.",
        paragraphs=[
            "Chinese Foreign Minister Wang Yi and Russian Foreign Minister Sergei Lavrov agreed "
            "in Beijing to open talks on shipping along the Northern Sea Route.",
            "The two ministers also discussed Ukraine and the strategic cooperation between "
            "China and Russia, officials said after the meeting.",
        ],
    )
    # The slug followed the headline.
    editor.get_by_role("tab", name="Promote").click()
    assert editor.input_value("#id_slug").startswith("wang-yi-and-sergei-lavrov-agree-arctic")

    editor.get_by_role("tab", name="Content").click()
    upload_lead_image(
        editor,
        picture(tmp_path, "arctic"),
        title="Arctic shipping lane",
        alt="A cargo ship in pack ice under a grey sky",
    )
    editor.fill("#id_lead_image_caption", "Cargo ships use the Northern Sea Route in summer.")
    editor.fill("#id_lead_image_credit", "Picture: Dateline Courier")
    save_draft(editor)
    assert "updated" in editor.locator(".messages").inner_text()

    # Preview: the page as it will be published, every part present.
    # The preview panel posts the form, then shows the preview URL; open that URL as a tab would.
    with editor.expect_response(lambda r: "/edit/preview/" in r.url and r.request.method == "POST"):
        editor.get_by_role("button", name="Toggle preview").click()
    frame = editor.context.new_page()
    frame.goto(f"{base}/admin/pages/{story.pk}/edit/preview/")
    assert frame.locator("h1.article__headline").inner_text() == title
    assert frame.locator(".dateline").inner_text().strip(), "empty date line in preview"
    for selector in (
        ".article__sections a",
        ".byline a",
        ".lead-image img",
        "figcaption .credit",
        "aside.related-news li a",
        "aside.about-us",
        "aside.on-this-day",
    ):
        assert frame.locator(selector).count() >= 1, f"preview lacks {selector}"
    frame.close()

    messages = publish(editor)
    assert f"Page '{title}' has been published" in messages, messages

    reader.goto(base + "/")
    article_link = reader.get_by_role("link", name=title, exact=True).first
    assert article_link.is_visible()
    story.path = article_link.get_attribute("href")
    reader.goto(base + story.path)
    assert reader.locator("h1").inner_text() == title
    assert (
        reader.locator(".lead-image img").evaluate(
            "async img => { await img.decode(); return img.naturalWidth; }"
        )
        > 0
    )
    assert "Picture: Dateline Courier" in reader.locator(".lead-image figcaption").text_content()
    assert reader.locator(".byline").inner_text() == "By Mei Lin and Anya Sokolova"
    for path in ("/china-news/", "/russia-news/", "/authors/mei-lin/", "/authors/anya-sokolova/"):
        assert title in reader_titles(reader, base, path), path

    # An older story in the new one's Related News lists it back, once the worker has updated
    # both lists (publishing queues that work).
    demo_site.idle()
    reader.goto(base + story.path)
    assert eventually(lambda: reader.reload() or reader.locator(".related-news li a").count())
    older = reader.locator(".related-news li a").first.get_attribute("href")
    assert older != story.path
    assert eventually(lambda: title in reader_titles(reader, base, older), timeout=60), (
        f"the new story is not in the Related News of {older}"
    )


def test_the_article_editor_has_no_serious_accessibility_problem(demo_site, desk):
    editor, _reader = desk
    pk = admin_page_id(
        editor,
        demo_site.url,
        "China Reaffirms Strategic Cooperation with Russia Amid Global Shifts",
    )
    editor.goto(f"{demo_site.url}/admin/pages/{pk}/edit/")
    editor.wait_for_load_state("networkidle")
    violations = [v for v in axe_violations(editor) if v["impact"] in {"serious", "critical"}]
    assert violations == [], describe(violations)


SECTION_PATHS = {"China News": "/china-news/", "Local": "/local/", "Business": "/business/"}


def reader_path(page, base: str, story: Story, section: str) -> str:
    """Return the address readers would find `story` at, read from its slug in the editor."""
    page.goto(f"{base}/admin/pages/{story.pk}/edit/")
    page.get_by_role("tab", name="Promote").click()
    path = SECTION_PATHS[section] + page.input_value("#id_slug") + "/"
    page.get_by_role("tab", name="Content").click()
    return path


def publish_new(page, base: str, **story) -> Story:
    """Write a story with `write_story`, publish it, and return it with its reader path."""
    written = write_story(page, base, **story)
    messages = publish(page)
    assert f"Page '{written.title}' has been published" in messages, messages
    written.path = reader_path(page, base, written, story["section"])
    return written


def test_a_new_headline_reaches_every_page_that_shows_the_story(demo_site, desk):
    editor, reader = desk
    base = demo_site.url
    before = unique("Millbrook library opens late for the exam season")
    story = publish_new(
        editor,
        base,
        title=before,
        section="Local",
        authors=["James Okafor"],
        tags=["libraries"],
        paragraphs=[
            "Millbrook's central library will stay open until ten at night for the next six "
            "weeks, so students revising for exams have somewhere quiet to work.",
        ],
    )
    pages = [story.path, "/", "/local/", "/authors/james-okafor/", "/tags/libraries/"]
    for path in pages:
        assert before in reader_titles(reader, base, path), path

    after = before.replace("opens late", "stays open until ten")
    editor.fill("#id_title", after)
    messages = publish(editor)
    assert f"Page '{after}' has been published" in messages, messages
    for path in pages:
        text = reader_titles(reader, base, path)
        assert after in text and before not in text, path
    status, feed = demo_site.get("/feeds/rss.xml")
    assert status == 200 and after in feed and before not in feed


def test_pinning_and_excluding_change_the_readers_related_news(demo_site, desk):
    editor, reader = desk
    base = demo_site.url
    # A demo story no other test reads the Related News of; its choices are undone at the end.
    path = "/business/millbrook-startup-raises-funds-for-battery-recycling-plant/"

    def related() -> list[str]:
        reader.goto(base + path)
        return reader.locator(".related-news li a").all_inner_texts()

    shown = related()
    assert len(shown) >= 2, shown
    title = reader.locator("h1").inner_text()
    pk = admin_page_id(editor, base, title)
    editor.goto(f"{base}/admin/related/{pk}/")
    rows = editor.locator("#related-suggestions tbody tr")
    assert rows.count() == len(shown), "the admin lists exactly the rows readers see"
    last, first = shown[-1], shown[0]
    rows.filter(has_text=last).get_by_role("button", name="Pin").click()
    editor.wait_for_load_state()
    assert related()[0] == last, "the pinned story should come first"

    editor.locator("#related-suggestions tbody tr").filter(has_text=first).get_by_role(
        "button", name="Exclude"
    ).click()
    editor.wait_for_load_state()
    now = related()
    assert first not in now and now[0] == last, now

    choices = editor.locator("#related-choices li")
    choices.filter(has_text=first).get_by_role("button", name="Include again").click()
    editor.wait_for_load_state()
    assert first in related()
    editor.locator("#related-choices li").filter(has_text=last).get_by_role(
        "button", name="Unpin"
    ).click()
    editor.wait_for_load_state()
    assert related() == shown, "undoing both choices restores what readers saw"


def test_a_scheduled_story_waits_in_the_newsroom_time_zone(demo_site, desk):
    editor, reader = desk
    base = demo_site.url
    story = write_story(
        editor,
        base,
        title=unique("Council publishes next year's road repair plan"),
        section="Local",
        authors=["Tomás Herrera"],
        paragraphs=[
            "Millbrook council will publish the list of roads it plans to resurface next year, "
            "ward by ward, with the dates crews are expected.",
        ],
    )
    editor.get_by_role("button", name="Toggle status").click()
    editor.get_by_role("button", name="Set schedule").click()
    dialog = editor.locator("#schedule-publishing-dialog")
    assert "Time zone: Europe/London" in dialog.inner_text(), dialog.inner_text()
    go_live = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    field = dialog.locator("input[name=go_live_at]")
    field.fill(go_live.strftime("%Y-%m-%d %H:%M"))
    # The open date picker covers the button; a keyboard user saves with Enter.
    field.press("Enter")
    if dialog.is_visible():
        dialog.get_by_role("button", name="Save schedule").dispatch_event("click")
    messages = publish(editor, "Schedule to publish")
    assert "scheduled" in messages.lower(), messages
    path = reader_path(editor, base, story, "Local")
    response = reader.goto(base + path)
    assert response.status == 404, "a scheduled story is not public before its time"
    assert story.title not in reader_titles(reader, base, "/local/")


def test_an_embargoed_story_published_early_waits_for_its_embargo(demo_site, desk):
    editor, reader = desk
    base = demo_site.url
    story = write_story(
        editor,
        base,
        title=unique("Harbour board to name its new pilot"),
        section="Local",
        authors=["Tomás Herrera"],
        paragraphs=[
            "The harbour board will announce the pilot who guides ships into Millbrook from "
            "next spring, a post the retiring pilot held for twenty-two years.",
        ],
    )
    embargo = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    field = editor.locator("#id_embargo_until")
    field.fill(embargo.strftime("%Y-%m-%d %H:%M"))
    field.press("Escape")
    # The editor presses Publish (no schedule set): the story is held for the embargo.
    messages = publish(editor, "Publish")
    assert "scheduled" in messages.lower(), messages
    path = reader_path(editor, base, story, "Local")
    assert reader.goto(base + path).status == 404, "an embargoed story is not public"
    assert story.title not in reader_titles(reader, base, "/local/")
    assert story.title not in reader_titles(reader, base, "/")


def test_an_unpublished_story_leaves_every_page_feed_and_sitemap(demo_site, desk):
    editor, reader = desk
    base = demo_site.url
    title = unique("Eastfields swimming pool reopens after roof repairs")
    story = publish_new(
        editor,
        base,
        title=title,
        section="Local",
        authors=["Tomás Herrera", "Priya Raman"],
        tags=["leisure"],
        paragraphs=[
            "The swimming pool in Eastfields reopened on Saturday after engineers replaced the "
            "roof panels that leaked during the winter storms.",
        ],
    )
    pages = [
        "/",
        "/local/",
        "/authors/tomas-herrera/",
        "/authors/priya-raman/",
        "/tags/leisure/",
        f"/search/?q={title.split()[-1]}",
    ]
    outputs = ["/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json", "/sitemaps/news.xml"]
    for path in pages:
        assert title in reader_titles(reader, base, path), path
    for path in outputs:
        assert title in demo_site.get(path)[1] or story.path in demo_site.get(path)[1], path
    assert story.path in sitemap_locations(demo_site)

    editor.goto(f"{base}/admin/pages/{story.pk}/unpublish/")
    editor.get_by_role("button", name=re.compile("Yes, unpublish")).click()
    editor.wait_for_load_state()
    assert "unpublished" in editor.locator(".messages").inner_text()

    assert reader.goto(base + story.path).status == 404
    for path in pages:
        assert title not in reader_titles(reader, base, path), path
    for path in outputs:
        body = demo_site.get(path)[1]
        assert title not in body and story.path not in body, path
    assert story.path not in sitemap_locations(demo_site)


def sitemap_locations(demo_site) -> set[str]:
    """Return the paths every article sitemap lists (the index names the sitemaps)."""
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = ET.fromstring(demo_site.get("/sitemap.xml")[1])
    paths = set()
    for loc in index.findall("s:sitemap/s:loc", ns):
        part = ET.fromstring(demo_site.get(loc.text.replace(demo_site.url, ""))[1])
        paths |= {u.text.replace(demo_site.url, "") for u in part.findall("s:url/s:loc", ns)}
    return paths


def test_filler_text_in_a_story_is_refused_with_a_plain_reason(demo_site, desk):
    editor, reader = desk
    base = demo_site.url
    story = write_story(
        editor,
        base,
        title=unique("Ministers meet to discuss regional trade"),
        section="China News",
        authors=["Mei Lin"],
        paragraphs=["Ministers met on Tuesday to discuss regional trade.", FILLER],
    )
    body = editor.locator("[data-contentpath='body']").inner_text()
    assert FILLER in body, f"the saved draft lacks the filler paragraph: {body!r}"
    messages = publish(editor)
    assert "Not published" in messages, messages
    assert "filler" in messages.lower() and "real copy" in messages, messages
    path = reader_path(editor, base, story, "China News")
    assert reader.goto(base + path).status == 404


def test_filler_text_in_the_site_about_us_is_refused(demo_site, desk):
    editor, reader = desk
    base = demo_site.url
    editor.goto(f"{base}/admin/settings/core/sitesettings/")
    blurb = editor.locator("#id_about_blurb")
    before = blurb.input_value()
    blurb.fill(FILLER)
    editor.get_by_role("button", name="Save").click()
    editor.wait_for_load_state()
    page_text = editor.locator("main").inner_text()
    assert "filler" in page_text.lower() and "real copy" in page_text, page_text[:2000]
    # Nothing was saved: readers still see the newsroom's own words.
    reader.goto(base + "/")
    about = reader.locator("aside.about-us").inner_text()
    assert before.split(".")[0] in about and "filler text" not in about

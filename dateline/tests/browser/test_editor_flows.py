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
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest
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
    """Press Save draft and wait for the editor to come back."""
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()


def publish(page) -> str:
    """Open the publish menu, press Publish, and return the messages Wagtail shows."""
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    page.get_by_role("button", name="Publish", exact=True).click()
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
    assert f"Page '{title}' created" in messages, messages
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


def test_an_editor_writes_a_pictured_story_and_readers_see_it_everywhere(
    demo_site, desk, tmp_path
):
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
    assert reader.locator(".lead-image img").evaluate(
        "async img => { await img.decode(); return img.naturalWidth; }"
    ) > 0
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
        editor, demo_site.url, "China Reaffirms Strategic Cooperation with Russia Amid Global Shifts"
    )
    editor.goto(f"{demo_site.url}/admin/pages/{pk}/edit/")
    editor.wait_for_load_state("networkidle")
    violations = [v for v in axe_violations(editor) if v["impact"] in {"serious", "critical"}]
    assert violations == [], describe(violations)

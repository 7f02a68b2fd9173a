"""Load the demo newsroom: settings, sections, authors, the reference article and sample stories.

Everything is written through the newsroom's services; re-running keeps what exists and adds only what
is missing, so an editor's changes to the demo survive a restart.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.html import escape
from wagtail.models import Site

from dateline.almanac.importing import parse_file
from dateline.almanac.services import events_import
from dateline.breaking.selectors import breaking_news_of
from dateline.breaking.services import breaking_news_update
from dateline.core.models import SiteSettings
from dateline.core.publishing import PublishPath, publish_path, publish_problems_collected
from dateline.core.services import site_address_set, site_settings_update
from dateline.corrections.models import Correction
from dateline.corrections.services import correction_add
from dateline.demo.pictures import logo_draw, picture_draw
from dateline.distribution.services import publisher_logo_ensure
from dateline.newsroom.models import ArticlePage, SectionPage
from dateline.newsroom.services import (
    article_save,
    author_ensure,
    home_top_stories_set,
    image_ensure,
    page_publish,
    section_ensure,
    site_ensure,
)
from dateline.pages.services import standard_page_ensure

CONTENT_DIR = Path(__file__).resolve().parent / "content"
REFERENCE_SLUG = "china-reaffirms-strategic-cooperation-with-russia-amid-global-shifts"


@dataclass
class DemoSummary:
    """What a demo load did."""

    sections: int
    authors: int
    articles_created: int
    articles_kept: int
    events_created: int = 0
    notes_created: int = 0  # corrections and clarifications added to demo stories
    pictures: int = 0  # lead and body pictures placed on the articles created
    # Pages the publish guards found problems on (published anyway: the demo's path reports them).
    problems: list[str] = field(default_factory=list)


def _read(name: str) -> dict:
    return json.loads((CONTENT_DIR / name).read_text(encoding="utf-8"))


def body_blocks(items: Iterable[dict]) -> list[dict]:
    """Turn the demo's plain-text body items into StreamField data (paragraphs become escaped HTML)."""
    blocks = []
    for item in items:
        if item["type"] == "paragraph":
            blocks.append({"type": "paragraph", "value": f"<p>{escape(item['value'])}</p>"})
        else:
            blocks.append({"type": item["type"], "value": item["value"]})
    return blocks


def demo_pictures() -> dict[str, dict]:
    """Return the demo's pictures by article slug: motif, alt text, caption, credit, body image."""
    return {item["slug"]: item for item in _read("pictures.json")["pictures"]}


def _focal_centre(box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    x, y, w, h = box
    return (x + w // 2, y + h // 2, w, h)


def demo_picture_ensure(*, slug: str, spec: dict, role: str = "lead", **size: int):
    """Draw one demo picture (`spec`: motif, variant, alt) and return it from the image library.

    Drawn afresh each time (about 0.1 s); `image_ensure` finds it by its hash when it is already
    there, so a re-run adds nothing. The drawing's subject becomes the focal point.
    """
    picture = picture_draw(
        name=f"{slug}:{role}", motif=spec["motif"], variant=spec.get("variant", ""), **size
    )
    return image_ensure(
        data=picture.data,
        name=f"{slug}-{role}.jpg",
        title=spec["caption"][:255],
        description=spec["alt"],
        focal_point=_focal_centre(picture.focal),
        dimensions=(picture.width, picture.height),
    )


def _body_with_image(blocks: list[dict], *, image_pk: int, spec: dict) -> list[dict]:
    """Return `blocks` with the body image placed after the paragraph `spec` names."""
    value = {
        "image": image_pk,
        "alt_text": spec["alt"],
        "caption": spec["caption"],
        "credit": spec["credit"],
    }
    position = min(int(spec.get("after_paragraph", 1)), len(blocks))
    return [*blocks[:position], {"type": "image", "value": value}, *blocks[position:]]


def demo_almanac_load() -> int:
    """Add the demo's On this day almanac (written for the project), reviewed; return how many were new.

    Goes through the almanac's importer, so events already present (and editors' changes to
    them) are kept.
    """
    parsed = parse_file(CONTENT_DIR / "almanac.json")
    if parsed.errors:
        raise ValueError(f"almanac.json has bad rows: {'; '.join(map(str, parsed.errors))}")
    return events_import(rows=parsed.rows, reviewed=True).created


def demo_notes_load() -> int:
    """Add the demo's corrections and clarifications to their stories where missing.

    Each note is dated a given number of hours after its story's publication; a note already on
    its story (same kind and words) is kept, so a second load adds nothing.
    """
    created = 0
    for item in _read("corrections.json")["notes"]:
        article = ArticlePage.objects.filter(slug=item["article"]).first()
        if article is None or article.published_at is None:
            continue
        if Correction.objects.filter(
            article=article, kind=item["kind"], text=item["text"]
        ).exists():
            continue
        correction_add(
            article=article,
            kind=item["kind"],
            text=item["text"],
            made_at=article.published_at + dt.timedelta(hours=item["after_hours"]),
        )
        created += 1
    return created


def demo_articles() -> list[dict]:
    """Return the demo's articles, the reference article first."""
    return [_read("reference.json"), *_read("articles.json")["articles"]]


@transaction.atomic
def demo_load(
    *,
    progress: Callable[[str], None] | None = None,
    site_host: str | None = None,
    site_port: int | None = None,
) -> DemoSummary:
    """Create the demo site's content where it is missing and return what was done.

    Publishes by the demo's path (`core.publishing`): what the publish guards find is reported in
    the summary, not a reason to stop. With `site_host` and `site_port` the demo's site answers
    there (`dateline demo` passes where it serves), so its links, feeds and sitemaps point there.
    """
    with publish_path(PublishPath.DEMO), publish_problems_collected() as collected:
        summary = _demo_load(progress=progress)
        if site_host and site_port:
            site = Site.objects.get(is_default_site=True)
            site_address_set(site=site, hostname=site_host, port=site_port)
    summary.problems = [
        f"{page.title}: {problem.code}: {problem.message}"
        for page, problems in collected
        for problem in problems
    ]
    return summary


def _demo_load(*, progress: Callable[[str], None] | None) -> DemoSummary:
    site_data = _read("site.json")
    content = _read("articles.json")
    home = site_ensure()
    if home.intro != site_data["home_intro"] and not home.intro:
        home.intro = site_data["home_intro"]
        home = page_publish(page=home)
    site = home.get_site()

    sections: dict[str, SectionPage] = {
        item["slug"]: section_ensure(
            home=home, slug=item["slug"], title=item["title"], intro=item["intro"]
        )
        for item in content["sections"]
    }
    authors = {
        item["slug"]: author_ensure(slug=item["slug"], name=item["name"], bio=item["bio"])
        for item in content["authors"]
    }
    about = site_data["about_page"]
    about_page = standard_page_ensure(
        parent=home,
        slug=about["slug"],
        title=about["title"],
        intro=about["intro"],
        body=body_blocks(about["body"]),
    )
    policy = site_data["corrections_policy_page"]
    policy_page = standard_page_ensure(
        parent=home,
        slug=policy["slug"],
        title=policy["title"],
        intro=policy["intro"],
        body=body_blocks(policy["body"]),
    )
    # One settings write per load: the settings read inside this transaction come from the memo,
    # which moves on only after the commit, so a second write would save the first's stale copy.
    current = SiteSettings.for_site(site)
    if current.site_name == SiteSettings._meta.get_field("site_name").default:
        # Only a site that still has the shipped defaults gets the demo's identity.
        site_settings_update(
            site=site,
            site_name=site_data["site_name"],
            tagline=site_data["tagline"],
            about_blurb=site_data["about_blurb"],
            about_page=about_page,
            time_zone=site_data["time_zone"],
            corrections_policy_page=policy_page,
        )
    elif current.corrections_policy_page_id is None:
        site_settings_update(site=site, corrections_policy_page=policy_page)

    logo = image_ensure(
        data=logo_draw(name=SiteSettings.for_site(site).site_name),
        name="publisher-logo.png",
        title="Publisher logo",
        description=f"{SiteSettings.for_site(site).site_name} logo",
    )
    publisher_logo_ensure(site=site, image=logo)

    existing = set(ArticlePage.objects.values_list("slug", flat=True))
    pictures = demo_pictures()
    created = kept = drawn = 0
    for item in demo_articles():
        if item["slug"] in existing:
            kept += 1
            continue
        body = body_blocks(item["body"])
        picture = pictures.get(item["slug"])
        lead = None
        if picture is not None:
            lead = demo_picture_ensure(slug=item["slug"], spec=picture)
            drawn += 1
            if "body_image" in picture:
                spec = picture["body_image"]
                inner = demo_picture_ensure(
                    slug=item["slug"], spec=spec, role="body", width=1600, height=1000
                )
                body = _body_with_image(body, image_pk=inner.pk, spec=spec)
                drawn += 1
        article_save(
            section=sections[item["section"]],
            slug=item["slug"],
            title=item["headline"],
            standfirst=item.get("standfirst", ""),
            body=body,
            authors=[authors[slug] for slug in item["authors"]],
            published_at=dt.datetime.fromisoformat(item["published"]),
            tags=item.get("tags", []),
            additional_sections=[sections[slug] for slug in item.get("extra_sections", [])],
            lead_image=lead,
            lead_image_caption=picture["caption"] if picture else None,
            lead_image_credit=picture["credit"] if picture else None,
        )
        created += 1
        if progress is not None:
            progress(item["slug"])
    if created:
        top = ArticlePage.objects.filter(slug__in=site_data["top_stories"])
        order = {slug: index for index, slug in enumerate(site_data["top_stories"])}
        home_top_stories_set(home=home, articles=sorted(top, key=lambda a: order[a.slug]))
    demo_breaking_news_prepare(site=site, spec=site_data["breaking_news"])
    return DemoSummary(
        sections=len(sections),
        authors=len(authors),
        articles_created=created,
        articles_kept=kept,
        events_created=demo_almanac_load(),
        notes_created=demo_notes_load(),
        pictures=drawn,
    )


def demo_breaking_news_prepare(*, site: Site, spec: dict) -> bool:
    """Write the demo's breaking-news banner, switched off, for an editor to switch on.

    Only a site whose banner was never written gets it, so a re-run keeps what an editor did with
    it. Return whether it was written.
    """
    if breaking_news_of(site=site).text:
        return False
    breaking_news_update(
        site=site,
        show=spec["show"],
        severity=spec["severity"],
        text=spec["text"],
        link_page=ArticlePage.objects.filter(slug=spec["link"]).first(),
    )
    return True


def demo_editor_ensure(*, username: str, password: str) -> tuple[object, bool]:
    """Return the demo editor account (a superuser for the local demo), creating it when missing."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is not None:
        return user, False
    user = user_model.objects.create_superuser(
        username=username, email=f"{username}@example.org", password=password
    )
    return user, True

"""Import saved article pages (HTML, or plain-text captures) as articles, through the import pipeline.

What a page says comes from `extract` (HTML) or `plaintext` (captures), in one shape (`Extracted`);
this module maps it onto `dateline.importers.pipeline`: sections, authors and the lead image through
`dateline.newsroom.services`, then the article through `article_save`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.utils.text import slugify

from dateline.importers.content import html_to_blocks, plain_text_blocks
from dateline.importers.html.extract import Extracted, page_extract
from dateline.importers.html.files import local_image, page_paths, read_page
from dateline.importers.html.plaintext import capture_extract
from dateline.importers.models import ImportedItem
from dateline.importers.pipeline import ImportRun, OnItem, checksum_of, child_slug, import_run
from dateline.importers.report import ImportFailed, ImportReport, Progress
from dateline.newsroom.models import ArticlePage, HomePage, SectionPage
from dateline.newsroom.services import article_save, author_ensure, image_ensure, section_ensure

HTML = ImportedItem.Source.HTML


def html_import(
    *,
    source: Path,
    section: str | None = None,
    commit: bool = False,
    default_author: str = "Staff",
    progress: Progress | None = None,
    on_item: OnItem | None = None,
) -> ImportReport:
    """Import saved article pages (HTML or plain-text captures) as articles, in one transaction.

    Each page is keyed on its canonical URL (or, without one, its file's hash), so a second run
    updates or skips instead of duplicating. Rolled back unless `commit`. `on_item` is called with
    each page's outcome (see `pipeline.OnItem`).
    """
    paths = page_paths(source)
    wrap = progress or (lambda items: items)
    with import_run(source=HTML, commit=commit, on_item=on_item) as run:
        known = list(SectionPage.objects.child_of(run.home).values_list("title", flat=True))
        for path in wrap(paths):
            try:
                data = read_page(path)
                if path.suffix.lower() == ".txt":
                    extracted = capture_extract(
                        data.decode("utf-8", errors="replace"), known_sections=known
                    )
                else:
                    extracted = page_extract(data)
                _import_page(
                    run,
                    path=path,
                    data=data,
                    extracted=extracted,
                    section_name=section,
                    default_author=default_author,
                )
            except ImportFailed:
                raise
            except Exception as exc:
                raise ImportFailed(f"{path}: {exc}") from exc
    return run.report


def _blocks(extracted: Extracted) -> list[dict[str, Any]]:
    """Return the article's body blocks, without a heading that repeats the headline."""
    if not extracted.body_html:
        return plain_text_blocks(extracted.paragraphs)
    blocks = html_to_blocks(extracted.body_html).blocks
    if (
        blocks
        and blocks[0].get("type") == "heading"
        and (blocks[0]["value"]["text"] == extracted.headline)
    ):
        blocks = blocks[1:]
    return blocks


def _import_page(
    run: ImportRun,
    *,
    path: Path,
    data: bytes,
    extracted: Extracted,
    section_name: str | None,
    default_author: str,
) -> None:
    details = {"file": str(path), **extracted.as_json()}
    key = extracted.canonical_url or f"sha256:{hashlib.sha256(data).hexdigest()}"
    origin = urlsplit(extracted.canonical_url).netloc.lower() or "file"
    source_key = run.key("article", key, origin=origin)
    if not extracted.headline or not (extracted.paragraphs or extracted.body_html):
        note = f"{path.name}: no headline or body found, not imported"
        run.skip(source_key, note=note, details=details, label=str(path))
        return
    previous = run.previous_page(source_key, ArticlePage)

    names = [section_name] if section_name else (extracted.sections or ["News"])
    sections = [
        _section_for(run.home, name)
        for name in dict.fromkeys(n.strip() for n in names if n.strip())
    ]
    author_names = extracted.authors or [default_author]
    authors = [
        author_ensure(slug=slugify(name)[:200] or "staff", name=name[:200])
        for name in dict.fromkeys(author_names)
    ]
    lead_image = None
    image_file = local_image(path, extracted.lead_image)
    if image_file is not None:
        lead_image = image_ensure(path=image_file, title=extracted.headline[:255])
    elif extracted.lead_image:
        run.report.note(f"{path.name}: lead image not saved with the page, not imported")
    blocks = _blocks(extracted)
    primary, further = sections[0], sections[1:]
    existing = previous.page
    if existing is not None:
        slug = existing.slug  # article_save finds the article imported before by its slug
    else:
        base = slugify(extracted.headline)[:80] or "article"
        slug = child_slug(parent=primary, slug=base, model=ArticlePage)
    checksum = checksum_of(
        [
            slug,
            primary.pk,
            [s.pk for s in further],
            extracted.headline,
            blocks,
            [a.pk for a in authors],
            extracted.published,
            lead_image.pk if lead_image else None,
        ]
    )

    def save() -> ArticlePage:
        return article_save(
            section=primary,
            slug=slug,
            title=extracted.headline[:255],
            body=blocks,
            authors=authors,
            published_at=extracted.published,
            additional_sections=further,
            lead_image=lead_image,
        )

    run.page_save(
        previous, parent=primary, checksum=checksum, save=save, label=str(path), summary=details
    )


def _section_for(home: HomePage, name: str) -> SectionPage:
    """Return the section called `name` (by title or slug), creating it only when there is none.

    An existing section is used as it is, so importing never rewrites an editor's section intro.
    """
    existing = SectionPage.objects.child_of(home).filter(title__iexact=name).first()
    existing = existing or SectionPage.objects.child_of(home).filter(slug=slugify(name)).first()
    if existing is not None:
        return existing
    # Metadata often gives the section as a URL word ("politics"): show it as a title.
    title = name if any(c.isupper() for c in name) else name.title()
    slug = child_slug(
        parent=home, slug=slugify(name)[:200] or "news", model=SectionPage, reuse_any=True
    )
    return section_ensure(home=home, slug=slug, title=title[:255])

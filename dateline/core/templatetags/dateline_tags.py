"""Template tags every Dateline template may use: the date line, the About Us blurb and pictures."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.safestring import SafeString, mark_safe
from wagtail.images.models import Picture
from wagtail.images.shortcuts import get_renditions_or_not_found

from dateline.core.cachetags import cache_tags_add, page_tag
from dateline.core.dates import format_dateline
from dateline.core.fragments import memo_fragment
from dateline.core.images import IMAGE_SETS
from dateline.core.richtext import reader_html_clean
from dateline.core.routing import request_site
from dateline.core.selectors import site_settings_for

register = template.Library()


def _settings(context: template.Context):
    cached = context.get("_dateline_site_settings")
    if cached is None:
        cached = site_settings_for(request=context.get("request"))
        context["_dateline_site_settings"] = cached
    return cached


@register.filter
def reader_html(value: object) -> SafeString:
    """Return rendered rich text cleaned to what a paragraph may show (`core.richtext`)."""
    return mark_safe(reader_html_clean(str(value)))  # noqa: S308 - cleaned by nh3 just now


@register.simple_tag(takes_context=True)
def dateline(context: template.Context, value: dt.datetime | None) -> str:
    """Render `value` in the site's date-line format and time zone, e.g. "DECEMBER 9, 2022"."""
    settings = _settings(context)
    return format_dateline(
        value, zone=settings.zone, fmt=settings.dateline_format, upper=settings.dateline_uppercase
    )


@register.simple_tag(takes_context=True)
def local_datetime(context: template.Context, value: dt.datetime | None) -> dt.datetime | None:
    """Return `value` converted to the newsroom's time zone, for `|date` formatting in templates."""
    if value is None:
        return None
    return value.astimezone(_settings(context).zone)


@register.simple_tag(takes_context=True)
def about_us(context: template.Context) -> str:
    """Render the site's About Us blurb with a link to the About page when one is set.

    The same on every page of a site: rendered once until the content changes (`core.fragments`).
    """
    request = context.get("request")
    settings = _settings(context)
    about_page = settings.about_page if settings.about_page_id else None
    if about_page is not None:
        cache_tags_add(request, page_tag(about_page.pk))
    site = request_site(request) if request is not None else None
    return memo_fragment(
        ("about-us", getattr(site, "pk", None)),
        "components/about_us.html",
        lambda: {"blurb": settings.about_blurb, "about_page": about_page, "request": request},
    )


@register.simple_tag(takes_context=True)
def cache_tag(context: template.Context, *tags: str) -> str:
    """Record that this page depends on `tags` (docs/caching.md); renders nothing."""
    cache_tags_add(context.get("request"), *tags)
    return ""


def _distinct_widths(renditions: dict) -> dict:
    """Return `renditions` without those as wide as an earlier one of the same format.

    A picture smaller than a set's widths gives several renditions of its own size, and a
    `srcset` naming one width twice is invalid HTML (and a wasted download).
    """
    seen: set[tuple[str, int]] = set()
    kept = {}
    for spec, rendition in renditions.items():
        key = (spec.rpartition("format-")[2], rendition.width)
        if key not in seen:
            seen.add(key)
            kept[spec] = rendition
    return kept


@register.simple_tag
def responsive_picture(image, set_name: str, **attrs: str) -> SafeString:
    """Render `image` as a <picture> of the image set `set_name` (`core.images`), or nothing.

    The renditions come from Wagtail's `Picture`, as `{% picture %}` renders them: one <source>
    per modern format with a width `srcset`, and a JPEG <img> with its width and height. `attrs`
    go on the <img> (alt, loading, fetchpriority, class); `sizes` comes from the set. Renditions
    the page prefetched are used without a query.
    """
    if not image:
        return mark_safe("")
    image_set = IMAGE_SETS[set_name]
    renditions = _distinct_widths(get_renditions_or_not_found(image, image_set.specs()))
    attrs = {"sizes": image_set.sizes, **attrs}
    if len(renditions) <= len({spec.rpartition("format-")[2] for spec in renditions}):
        # One width per format: Wagtail writes a plain `srcset` URL, which `sizes` must not
        # accompany (a `sizes` needs width descriptors).
        del attrs["sizes"]
    if attrs.get("loading") == "lazy":
        attrs.setdefault("decoding", "async")
    return mark_safe(Picture(renditions, attrs).__html__())  # noqa: S308 - attributes escaped by flatatt

"""Mixins shared by Dateline's page types."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wagtail.models import Page, PageViewRestriction, Revision

from dateline.core.memo import site_memo


def any_view_restrictions() -> bool:
    """Return whether any page of any site is private (remembered until the content changes)."""
    return site_memo("any-view-restriction", PageViewRestriction.objects.exists)


class ViewRestrictionsMemoMixin:
    """Page mixin: skip Wagtail's two per-view restriction queries while no page is private.

    Adding or removing a restriction purges every page (cache signals), which also drops the memo.
    """

    def get_view_restrictions(self):  # noqa: ANN201 - Wagtail's signature
        """Return the restrictions that apply to this page: none at all while no page is private."""
        if not any_view_restrictions():
            return PageViewRestriction.objects.none()
        parent: Any = super()  # Wagtail's Page, which this mixin precedes
        return parent.get_view_restrictions()


# What each page type adds to its template context, registered by the app that owns the type.
ContextBuilder = Callable[..., dict[str, Any]]
_context_builders: dict[type, ContextBuilder] = {}


def page_context_register(model: type, builder: ContextBuilder) -> None:
    """Let `builder(page=, request=)` supply what pages of `model` (and its subclasses) show.

    An app registers its page types' builders from `AppConfig.ready()`: the builders read through
    the app's selectors, and the selectors read the models, so the models never import the
    selectors (no cycle), and a page's reads live with the other reads, not in the model.
    """
    _context_builders[model] = builder


def page_context_builder(model: type) -> ContextBuilder | None:
    """Return the builder registered for `model` or its nearest registered base class."""
    for klass in model.__mro__:
        builder = _context_builders.get(klass)
        if builder is not None:
            return builder
    return None


class RegisteredContextMixin:
    """Page mixin: `get_context` adds what the page type's registered builder returns."""

    def get_context(self, request, *args, **kwargs):  # noqa: ANN001, ANN201 - Wagtail's signature
        """Return Wagtail's context for the page plus its registered builder's."""
        context = super().get_context(request, *args, **kwargs)  # type: ignore[misc]
        builder = page_context_builder(type(self))
        if builder is not None:
            context.update(builder(page=self, request=request))
        return context


def page_write(*, page: Page, parent: Page, created: bool, publish: bool) -> Revision:
    """Store `page` (added under `parent` when `created`) and a revision of it; publish on request.

    The one way Dateline's services write a page. A draft change to a live page lives only in its
    revision until it is published, so readers keep the live version meanwhile. The publication
    goes through `revision.publish()`, so the publish guards and Wagtail's signals run.
    """
    if created:
        parent.add_child(instance=page)
    elif publish or not page.live:
        page.save()
    revision = page.save_revision()
    if publish:
        revision.publish()
    return revision

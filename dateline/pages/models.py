"""Standard pages: About Us, contact, corrections policy and the like."""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from dateline.core.blocks import BodyBlock
from dateline.core.forms import SiteRootChildForm
from dateline.core.pages import ViewRestrictionsMemoMixin
from dateline.core.publishing import PublishGuardMixin


class StandardPage(PublishGuardMixin, ViewRestrictionsMemoMixin, Page):
    """A page of prose that is not news: About Us, contact, policies."""

    intro = models.TextField(blank=True)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    subpage_types = ["pages.StandardPage"]
    base_form_class = SiteRootChildForm

    class Meta:
        verbose_name = "standard page"

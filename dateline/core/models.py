"""Site settings that editors change in the admin: name, tagline, About Us blurb, time zone, date line."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from dateline.core.dates import get_zone, time_zone_names, validate_time_zone
from dateline.core.memo import MemoisedSiteSetting
from dateline.core.settings_guards import SiteSettingsForm


class TimeZoneSelect(forms.Select):
    """A select of every IANA zone, built when the form renders (kept out of migrations)."""

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=[(name, name) for name in time_zone_names()])


@register_setting(icon="site")
class SiteSettings(MemoisedSiteSetting, BaseSiteSetting):
    """What every page of one site shows besides its own content."""

    select_related = [
        "about_page",
        "corrections_policy_page",
        "ethics_policy_page",
        "masthead_page",
    ]
    base_form_class = SiteSettingsForm

    site_name = models.CharField(max_length=100, default="Dateline")
    tagline = models.CharField(max_length=200, blank=True)
    about_blurb = models.TextField(
        "About Us blurb",
        blank=True,
        help_text="A short description of the newsroom, shown on every page.",
    )
    about_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The page the About Us blurb links to.",
    )
    corrections_policy_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="How the newsroom corrects its mistakes; named in the site's structured data.",
    )
    ethics_policy_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The newsroom's code of ethics; named in the site's structured data.",
    )
    masthead_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who runs the newsroom (editors, owners); named in the site's structured data.",
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="The newsroom's time zone: date lines and 'On this day' follow it.",
    )
    dateline_format = models.CharField(
        "date-line format",
        max_length=40,
        default="F j, Y",
        help_text="A Django date format, e.g. 'F j, Y' for 'December 9, 2022'.",
    )
    dateline_uppercase = models.BooleanField(
        "date line in capitals",
        default=True,
        help_text="'DECEMBER 9, 2022' rather than 'December 9, 2022'.",
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("site_name"), FieldPanel("tagline")],
            heading="Identity",
        ),
        MultiFieldPanel([FieldPanel("about_blurb"), FieldPanel("about_page")], heading="About Us"),
        MultiFieldPanel(
            [
                FieldPanel("corrections_policy_page"),
                FieldPanel("ethics_policy_page"),
                FieldPanel("masthead_page"),
            ],
            heading="Standards pages",
        ),
        MultiFieldPanel(
            [
                FieldPanel("time_zone", widget=TimeZoneSelect),
                FieldPanel("dateline_format"),
                FieldPanel("dateline_uppercase"),
            ],
            heading="Dates",
        ),
    ]

    class Meta:
        verbose_name = "site settings"

    @property
    def zone(self) -> dt.tzinfo:
        """Return the newsroom's time zone as a tzinfo."""
        return get_zone(self.time_zone)

    def __str__(self) -> str:
        return self.site_name


class SchedulerTick(models.Model):
    """The worker's scheduler, one row per job: when it last ran, and who holds it now.

    Several workers may run the scheduler; a tick runs only in the worker that claims the row's
    lease, so a due story is published once. `/readyz` reads `ran_at` to tell a scheduler that
    stopped.
    """

    name = models.CharField(max_length=64, unique=True)
    ran_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=128, blank=True)
    summary = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.name} (last ran {self.ran_at})"

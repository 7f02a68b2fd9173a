"""The breaking-news banner: one per site, a Wagtail site setting, shown on every page while it runs."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from dateline.core.memo import MemoisedSiteSetting


class Severity(models.TextChoices):
    """How urgent the banner is; readers see the word, not only a colour."""

    ALERT = "alert", "Alert"
    BREAKING = "breaking", "Breaking"
    DEVELOPING = "developing", "Developing"


@register_setting(icon="warning")
class BreakingNews(MemoisedSiteSetting, BaseSiteSetting):
    """The banner of one site: what it says, where it links, how urgent, and when it runs.

    A site setting, so saving it purges every cached page (the `all` tag) and Wagtail's settings
    view records who changed it in the setting's history. Pages read it through the process memo
    (`selectors.breaking_news_stored`), at most once per content change.
    """

    select_related = ["link_page"]

    show = models.BooleanField(
        "show the banner",
        default=False,
        help_text="Untick to take the banner down at once; the text is kept for next time.",
    )
    severity = models.CharField(
        max_length=16,
        choices=Severity.choices,
        default=Severity.BREAKING,
        help_text="Shown to readers as a word before the text (not only as a colour).",
    )
    text = models.CharField(
        max_length=200,
        blank=True,
        help_text="One sentence, e.g. what happened and where. Plain text.",
    )
    link_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The story the banner links to (or give a web address below).",
    )
    link_url = models.URLField(
        "link to another site",
        blank=True,
        help_text="Used only when no page is chosen above.",
    )
    starts_at = models.DateTimeField(
        "show from",
        null=True,
        blank=True,
        help_text="Empty: as soon as it is saved. In the newsroom's time zone.",
    )
    expires_at = models.DateTimeField(
        "show until",
        null=True,
        blank=True,
        help_text="Empty: until an editor takes it down. Every page drops it at this time.",
    )

    panels = [
        FieldPanel("show"),
        MultiFieldPanel(
            [FieldPanel("severity"), FieldPanel("text")],
            heading="Banner",
        ),
        MultiFieldPanel([FieldPanel("link_page"), FieldPanel("link_url")], heading="Link"),
        MultiFieldPanel([FieldPanel("starts_at"), FieldPanel("expires_at")], heading="When"),
    ]

    class Meta:
        verbose_name = "breaking news"
        verbose_name_plural = "breaking news"

    def clean(self) -> None:
        """Refuse a banner switched on without text, and a run that ends before it starts."""
        super().clean()
        errors = {}
        if self.show and not self.text.strip():
            errors["text"] = "Write the banner's text before switching it on."
        if self.starts_at and self.expires_at and self.expires_at <= self.starts_at:
            errors["expires_at"] = "The banner must end after it starts."
        if errors:
            raise ValidationError(errors)

    def __str__(self) -> str:
        return self.text or "Breaking news"
